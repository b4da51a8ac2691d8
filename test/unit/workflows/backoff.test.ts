import { nextDelayMs } from '../../../src/workflows/backoff';

/** The purchase's order polls: 5 s doubling to 5 min. */
const DEFAULT_ORDER_POLL = { initialMs: 5_000, maxMs: 5 * 60_000 };

describe('order poll backoff', () => {
  it('starts at 5 s and doubles up to 5 min', () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let i = 0; i < 9; i++) {
      delay = nextDelayMs(delay, DEFAULT_ORDER_POLL);
      delays.push(delay);
    }
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('never waits less than a Retry-After', () => {
    expect(nextDelayMs(5_000, DEFAULT_ORDER_POLL, 57)).toBe(57_000);
    expect(nextDelayMs(80_000, DEFAULT_ORDER_POLL, 1)).toBe(160_000);
  });
});
