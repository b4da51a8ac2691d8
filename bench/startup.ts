import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { printResult, round, type BenchResult } from './benchResult';

/**
 * Starts the built bot (`dist/src/main.js`) in sandbox mode as `npm start` does (minus the
 * Playground), waits until /readyz answers 200, then reads the idle RSS of the process.
 */
export async function benchStartup(): Promise<BenchResult> {
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
    return {
      name: 'sandbox start-up (node dist/src/main.js, simulator + SQLite, no Playground)',
      figures: { timeToReadyMs: round(readyMs, 0), idleRssMb: round(rssKb / 1024, 1) },
      notes: ['time from spawn to the first 200 on /readyz (store and simulator answering); RSS 2 s later'],
    };
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
