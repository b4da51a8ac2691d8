/** Doubling delay with a ceiling; a Retry-After from the service is a floor. */
export function nextDelayMs(
  previousMs: number | undefined,
  policy: { initialMs: number; maxMs: number },
  retryAfterSeconds?: number,
): number {
  const doubled = previousMs === undefined ? policy.initialMs : Math.min(previousMs * 2, policy.maxMs);
  const floor = retryAfterSeconds === undefined ? 0 : retryAfterSeconds * 1000;
  return Math.max(doubled, floor);
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
