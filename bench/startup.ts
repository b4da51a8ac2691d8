import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { printResult, round, type BenchResult } from './benchResult';
import { startChildSimulator } from './childSimulator';

/**
 * Starts the built bot (`dist/src/main.js`) in sandbox mode as `npm start` does (minus the
 * Playground), waits until /readyz answers 200, then reads the idle RSS of the process: once with
 * the simulator inside the bot's process (the sandbox), once with the simulator in a process of its
 * own (`SIMULATOR_URL`), which is the bot's own footprint, as in production.
 */
export async function benchStartup(): Promise<BenchResult> {
  const sandbox = await startAndMeasure({});
  const simulator = await startChildSimulator(0);
  let botAlone: { readyMs: number; rssMb: number };
  try {
    botAlone = await startAndMeasure({ SIMULATOR_URL: simulator.baseUrl });
  } finally {
    await simulator.close();
  }
  return {
    name: 'start-up (node dist/src/main.js, SQLite, no Playground)',
    figures: {
      timeToReadyMs: round(sandbox.readyMs, 0),
      idleRssMb: round(sandbox.rssMb, 1),
      botAloneTimeToReadyMs: round(botAlone.readyMs, 0),
      botAloneIdleRssMb: round(botAlone.rssMb, 1),
    },
    notes: [
      'time from spawn to the first 200 on /readyz (store and Partner Center answering); RSS 2 s later',
      'idleRssMb: the sandbox, the simulator (and its seeded partner) in the same process',
      'botAlone: the simulator in another process (SIMULATOR_URL): the bot as it runs in production',
    ],
  };
}

async function startAndMeasure(
  extraEnv: Record<string, string>,
): Promise<{ readyMs: number; rssMb: number }> {
  const main = path.resolve(__dirname, '../src/main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'planops-bench-'));
  const port = 39000 + Math.floor(Math.random() * 1000);
  const started = performance.now();
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: String(port),
      PLAYGROUND: 'false',
      LOG_LEVEL: 'warn',
      SQLITE_PATH: path.join(dataDir, 'bench.sqlite'),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    let readyMs = NaN;
    for (let i = 0; i < 600; i++) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (response.status === 200) {
          readyMs = performance.now() - started;
          break;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (Number.isNaN(readyMs)) throw new Error('the bot did not become ready within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return { readyMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchStartup().then(printResult, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
