import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What every benchmark returns: named figures (units in the names) and free notes. */
export interface BenchResult {
  name: string;
  figures: Record<string, number>;
  notes?: string[];
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[index];
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function printResult(result: BenchResult): void {
  process.stdout.write(`\n## ${result.name}\n`);
  const width = Math.max(...Object.keys(result.figures).map((k) => k.length));
  for (const [key, value] of Object.entries(result.figures)) {
    process.stdout.write(`  ${key.padEnd(width)}  ${value}\n`);
  }
  for (const note of result.notes ?? []) process.stdout.write(`  note: ${note}\n`);
}

/**
 * Writes one run's results to `bench/results/<time>.json` (at the repository root, whether run
 * from the sources or from dist/), with what the figures depend on: CPUs, Node, platform.
 */
export function writeResults(
  results: readonly BenchResult[],
  errors: ReadonlyArray<{ bench: string; error: string }> = [],
): string {
  const root = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
  const dir = path.join(root, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const at = new Date();
  const file = path.join(dir, `${at.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(os.totalmem() / 1_048_576),
    node: process.version,
    // Flags change the figures (a heap cap, say): what this run was given.
    nodeFlags: [...process.execArgv, ...(process.env.NODE_OPTIONS ? [process.env.NODE_OPTIONS] : [])],
    platform: `${os.platform()} ${os.release()}`,
  };
  fs.writeFileSync(file, `${JSON.stringify({ at: at.toISOString(), machine, results, errors }, null, 2)}\n`);
  return file;
}
