import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunningSimulator } from '../src/simulator';

/**
 * The simulator in a process of its own (`src/simulator/cli.ts`, as `npm run simulator` runs it),
 * so that a benchmark measures the bot's memory without the simulated partner's.
 */
export async function startChildSimulator(
  extraCustomers: number,
): Promise<RunningSimulator & { pid: number }> {
  const cli = join(__dirname, '..', 'src', 'simulator', 'cli.js');
  const child = spawn(process.execPath, [cli], {
    env: {
      ...process.env,
      SIMULATOR_PORT: '0',
      SIMULATOR_EXTRA_CUSTOMERS: String(extraCustomers),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [baseUrl] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the simulator exited with ${String(code)} before it listened`);
    }),
  ])) as [string];
  lines.close();
  return {
    baseUrl: baseUrl.trim(),
    pid: child.pid ?? 0,
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
