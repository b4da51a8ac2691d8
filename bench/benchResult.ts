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
