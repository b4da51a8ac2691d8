import { benchBotTurns } from './botTurns';
import { printResult, type BenchResult } from './benchResult';
import { benchPartnerCenterClient } from './partnercenterClient';
import { benchPurchase } from './purchase';
import { benchStartup } from './startup';
import { benchStore } from './store';

/** `npm run bench`: every benchmark in turn, printing figures and ratios. Nothing here is a test. */
const benches: Array<[string, () => Promise<BenchResult>]> = [
  ['startup', benchStartup],
  ['bot turns', () => benchBotTurns()],
  ['purchase', benchPurchase],
  ['partner center client', benchPartnerCenterClient],
  ['store', benchStore],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  let failed = false;
  for (const [name, run] of benches) {
    if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
    try {
      printResult(await run());
    } catch (error) {
      failed = true;
      process.stderr.write(
        `bench "${name}" failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  if (failed) process.exitCode = 1;
}

void main();
