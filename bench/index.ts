import { benchBotTurns } from './botTurns';
import { benchFlowCalls } from './flowCalls';
import { inFreshProcess } from './freshProcess';
import { benchLookupLoad } from './lookupLoad';
import { printResult, writeResults, type BenchResult } from './benchResult';
import { benchPartnerCenterClient } from './partnercenterClient';
import { benchPurchase } from './purchase';
import { benchStartup } from './startup';
import { benchStore } from './store';

/** `npm run bench`: every benchmark in turn, printing figures and ratios. Nothing here is a test. */
const benches: Array<[string, () => Promise<BenchResult>]> = [
  ['startup', benchStartup],
  ['bot turns', () => benchBotTurns()],
  // 50 conversations looking customers up for 60 s (LOOKUP_LOAD_SECONDS shortens it): p99 against 5 s.
  ['lookup load', () => benchLookupLoad()],
  ['purchase', benchPurchase],
  ['flow calls', benchFlowCalls],
  ['partner center client', benchPartnerCenterClient],
  ['store', benchStore],
  // 1,000 then 10,000 customers: how time and memory grow with the partner's size, each in a
  // process of its own so that its memory starts where a bot's does.
  ['budget sweep 1k', () => inFreshProcess('budgetSweep', 'benchBudgetSweep', [1_000])],
  ['budget sweep 10k', () => inFreshProcess('budgetSweep', 'benchBudgetSweep', [10_000])],
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  let failed = false;
  const results: BenchResult[] = [];
  const errors: Array<{ bench: string; error: string }> = [];
  for (const [name, run] of benches) {
    if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
    try {
      const result = await run();
      printResult(result);
      results.push(result);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      errors.push({ bench: name, error: message });
      process.stderr.write(`bench "${name}" failed: ${message}\n`);
    }
  }
  const file = writeResults(results, errors);
  process.stdout.write(`\nresults written to ${file}\n`);
  if (failed) process.exitCode = 1;
}

void main();
