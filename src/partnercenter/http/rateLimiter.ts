import Bottleneck from 'bottleneck';

/** Client-side limit groups, after the throttled families in the reference (§13). */
export type LimiterFamily =
  | 'customers'
  | 'catalog'
  | 'carts'
  | 'orders'
  | 'subscriptions'
  | 'entitlements'
  | 'productUpgrades'
  | 'usage'
  | 'budgets'
  | 'invoices'
  | 'agreements'
  | 'auditRecords';

/**
 * Orders and subscriptions are documented at 500 requests/min per partner tenant; nothing else is
 * published, so the rest get a more cautious budget.
 */
export const DEFAULT_REQUESTS_PER_MINUTE: Readonly<Record<LimiterFamily, number>> = {
  customers: 300,
  catalog: 300,
  carts: 300,
  orders: 500,
  subscriptions: 500,
  entitlements: 300,
  productUpgrades: 300,
  usage: 300,
  budgets: 300,
  invoices: 300,
  agreements: 300,
  auditRecords: 300,
};

export interface RateLimitOptions {
  /** Requests per minute per family, overriding the defaults. */
  perMinute?: Partial<Record<LimiterFamily, number>>;
  /** Requests in flight at once per family (default 8). */
  maxConcurrent?: number;
}

const WINDOW_MS = 60_000;

/** The client was closed while the call waited for its turn. */
export class LimiterStoppedError extends Error {
  constructor() {
    super('The Partner Center client was closed');
  }
}

/**
 * Keeps this client's own traffic under the per-tenant limits: a budget of N requests that refills
 * every minute, so short bursts go out at once. Several instances of the bot each have their own
 * budget; size `perMinute` for that.
 */
export class RateLimiter {
  private readonly limiters = new Map<LimiterFamily, Bottleneck>();
  private stopped = false;

  constructor(private readonly options: RateLimitOptions = {}) {}

  schedule<T>(family: LimiterFamily, task: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new LimiterStoppedError());
    return this.limiterFor(family)
      .schedule(task)
      .catch((error: unknown) => {
        throw error instanceof Bottleneck.BottleneckError ? new LimiterStoppedError() : error;
      });
  }

  /** Rejects the calls still waiting for their turn and releases the timers. */
  async stop(): Promise<void> {
    const limiters = [...this.limiters.values()];
    this.limiters.clear();
    this.stopped = true;
    await Promise.all(limiters.map((limiter) => limiter.stop({ dropWaitingJobs: true })));
  }

  private limiterFor(family: LimiterFamily): Bottleneck {
    let limiter = this.limiters.get(family);
    if (!limiter) {
      const perMinute = this.options.perMinute?.[family] ?? DEFAULT_REQUESTS_PER_MINUTE[family];
      limiter = new Bottleneck({
        maxConcurrent: this.options.maxConcurrent ?? 8,
        reservoir: perMinute,
        reservoirRefreshAmount: perMinute,
        reservoirRefreshInterval: WINDOW_MS,
      });
      this.limiters.set(family, limiter);
    }
    return limiter;
  }
}
