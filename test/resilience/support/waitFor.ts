/**
 * Waits for a condition the test can observe (the store, the simulator's state or request log, the
 * fake connector), checking it every few milliseconds. The patience is not an assertion about
 * speed: it only keeps a broken guarantee from hanging the run, and its error says what was seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { patienceMs?: number; everyMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const patienceMs = options.patienceMs ?? 60_000;
  const deadline = Date.now() + patienceMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = options.describe ? await options.describe() : '';
      const cause = lastError instanceof Error ? `\nlast probe error: ${lastError.message}` : '';
      throw new Error(`gave up waiting ${patienceMs / 1000} s for ${what}${cause}\n${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 25));
  }
}
