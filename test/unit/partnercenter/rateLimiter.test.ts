import {
  LimiterStoppedError,
  LimiterWaitExceededError,
  RateLimiter,
} from '../../../src/partnercenter/http/rateLimiter';

const MINUTE_MS = 60_000;

/** A task that starts when the limiter lets it and ends when the test says so. */
class Probe {
  readonly started: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly finishers: (() => void)[] = [];

  task(id: number): () => Promise<number> {
    return () =>
      new Promise<number>((resolve) => {
        this.started.push(id);
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        this.finishers.push(() => {
          this.inFlight -= 1;
          resolve(id);
        });
      });
  }

  finishAll(): void {
    for (const finish of this.finishers.splice(0)) finish();
  }
}

// The clock (setTimeout, Date) is fake, so a timer fires only when a test moves time on;
// setImmediate stays real, so one turn of the event loop settles every promise without that.
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const ids = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('RateLimiter', () => {
  it('sends a burst within the budget at once, without waiting on any timer', async () => {
    const limiter = new RateLimiter({ perMinute: { orders: 5 }, maxConcurrent: 10 });
    const probe = new Probe();
    const calls = ids(5).map((id) => limiter.schedule('orders', probe.task(id)));
    await turn();
    expect(probe.started).toEqual([1, 2, 3, 4, 5]);
    probe.finishAll();
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4, 5]);
    await limiter.stop();
  });

  it('holds the calls beyond the budget until the window refills, then sends them in order', async () => {
    const limiter = new RateLimiter({ perMinute: { orders: 2 }, maxConcurrent: 10 });
    const probe = new Probe();
    const calls = ids(5).map((id) => limiter.schedule('orders', probe.task(id)));
    await turn();
    probe.finishAll();
    expect(probe.started).toEqual([1, 2]);

    await jest.advanceTimersByTimeAsync(MINUTE_MS - 1);
    await turn();
    expect(probe.started).toEqual([1, 2]);

    await jest.advanceTimersByTimeAsync(1);
    await turn();
    probe.finishAll();
    expect(probe.started).toEqual([1, 2, 3, 4]);

    await jest.advanceTimersByTimeAsync(MINUTE_MS);
    await turn();
    probe.finishAll();
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4, 5]);
    await limiter.stop();
  });

  it('keeps at most maxConcurrent calls of a family in flight', async () => {
    const limiter = new RateLimiter({ perMinute: { orders: 100 }, maxConcurrent: 2 });
    const probe = new Probe();
    const calls = ids(5).map((id) => limiter.schedule('orders', probe.task(id)));
    await turn();
    expect(probe.started).toEqual([1, 2]);

    probe.finishAll();
    await turn();
    expect(probe.started).toEqual([1, 2, 3, 4]);

    probe.finishAll();
    await turn();
    probe.finishAll();
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect(probe.maxInFlight).toBe(2);
    await limiter.stop();
  });

  it('frees the slot of a call that failed and hands its failure back', async () => {
    const limiter = new RateLimiter({ perMinute: { orders: 100 }, maxConcurrent: 1 });
    const failure = new Error('boom');
    const failed = limiter.schedule('orders', () => Promise.reject(failure));
    const next = limiter.schedule('orders', () => Promise.resolve('sent'));
    await expect(failed).rejects.toBe(failure);
    await expect(next).resolves.toBe('sent');
    await limiter.stop();
  });

  it('counts each family against its own budget', async () => {
    const limiter = new RateLimiter({ perMinute: { orders: 1, carts: 1 } });
    const probe = new Probe();
    void limiter.schedule('orders', probe.task(1)).catch(() => undefined);
    const heldOrder = limiter.schedule('orders', probe.task(2));
    void limiter.schedule('carts', probe.task(3)).catch(() => undefined);
    await turn();
    expect(probe.started).toEqual([1, 3]);
    await limiter.stop();
    await expect(heldOrder).rejects.toBeInstanceOf(LimiterStoppedError);
    probe.finishAll();
  });

  it('stop() rejects the waiting calls, lets the running ones finish and leaves no timer', async () => {
    const limiter = new RateLimiter({ perMinute: { orders: 1 } });
    const probe = new Probe();
    const calls = ids(3).map((id) => limiter.schedule('orders', probe.task(id)));
    const settled = Promise.allSettled(calls);
    await turn();
    expect(probe.started).toEqual([1]);
    expect(jest.getTimerCount()).toBeGreaterThan(0);

    await limiter.stop();
    expect(jest.getTimerCount()).toBe(0);
    probe.finishAll();
    const outcomes = await settled;
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 1 });
    for (const held of outcomes.slice(1)) {
      expect(held.status).toBe('rejected');
      expect((held as PromiseRejectedResult).reason).toBeInstanceOf(LimiterStoppedError);
    }
    await expect(limiter.schedule('orders', probe.task(4))).rejects.toBeInstanceOf(LimiterStoppedError);
    await turn();
    expect(probe.started).toEqual([1]);
    expect(jest.getTimerCount()).toBe(0);
  });

  describe('calls with a deadline (a person waiting)', () => {
    it('refuses a call that cannot start before its deadline, saying when the budget refills', async () => {
      const limiter = new RateLimiter({ perMinute: { usage: 2 }, maxConcurrent: 10 });
      const probe = new Probe();
      const background = ids(2).map((id) => limiter.schedule('usage', probe.task(id)));
      await turn();
      const late = limiter.schedule('usage', probe.task(3), { deadlineAt: Date.now() + 5_000 });
      const refused = late.catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(5_000);
      const error = await refused;
      expect(error).toBeInstanceOf(LimiterWaitExceededError);
      expect((error as LimiterWaitExceededError).retryAfterMs).toBeGreaterThan(50_000);
      expect(probe.started).toEqual([1, 2]);
      probe.finishAll();
      await Promise.all(background);
      await limiter.stop();
    });

    it('goes before background calls waiting for the same family', async () => {
      const limiter = new RateLimiter({ perMinute: { usage: 100 }, maxConcurrent: 1 });
      const probe = new Probe();
      const first = limiter.schedule('usage', probe.task(1));
      const queued = [2, 3].map((id) => limiter.schedule('usage', probe.task(id)));
      const person = limiter.schedule('usage', probe.task(9), { deadlineAt: Date.now() + 10_000 });
      await turn();
      expect(probe.started).toEqual([1]);
      for (let i = 0; i < 3; i++) {
        probe.finishAll();
        await turn();
      }
      expect(probe.started).toEqual([1, 9, 2, 3]);
      probe.finishAll();
      await Promise.all([first, person, ...queued]);
      await limiter.stop();
    });

    it('keeps a tenth of each window for them: background calls stop at the reserve', async () => {
      const limiter = new RateLimiter({ perMinute: { usage: 20 }, maxConcurrent: 100 });
      const probe = new Probe();
      const background = ids(20).map((id) => limiter.schedule('usage', probe.task(id)));
      await turn();
      await turn();
      expect(probe.started).toHaveLength(18);
      const person = limiter.schedule('usage', probe.task(99), { deadlineAt: Date.now() + 1_000 });
      await turn();
      await turn();
      expect(probe.started).toContain(99);
      probe.finishAll();
      await jest.advanceTimersByTimeAsync(MINUTE_MS);
      expect(probe.started).toHaveLength(21);
      probe.finishAll();
      await Promise.all([person, ...background]);
      await limiter.stop();
    });
  });
});
