import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './benchResult';

/**
 * Runs one benchmark function (`module` under bench/, its export `fn`, JSON arguments) in a node
 * process of its own: memory figures then start from a fresh process, not from whatever the
 * benchmarks before it left in this one (the lookup load alone leaves the heap hundreds of MB up).
 */
export async function inFreshProcess(module: string, fn: string, args: unknown[]): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'apo-bench-'));
  const out = join(dir, 'result.json');
  try {
    const child = spawn(
      process.execPath,
      // This process's flags too (a heap cap, say): the results file records them as the run's.
      [...process.execArgv, '--expose-gc', __filename, module, fn, JSON.stringify(args), out],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`${module}.${fn} exited with ${String(code)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runHere(module: string, fn: string, args: string, out: string): Promise<void> {
  const loaded = createRequire(__filename)(join(__dirname, module)) as Record<string, unknown>;
  const run = loaded[fn];
  if (typeof run !== 'function') throw new Error(`${module} has no function ${fn}`);
  const result = (await (run as (...a: unknown[]) => Promise<BenchResult>)(
    ...(JSON.parse(args) as unknown[]),
  )) as BenchResult;
  writeFileSync(out, JSON.stringify(result));
}

if (require.main === module) {
  const [module, fn, args, out] = process.argv.slice(2);
  runHere(module, fn, args, out).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
