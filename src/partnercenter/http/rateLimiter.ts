import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

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
const BUDGET_KEY = 'requests';

/** The client was closed while the call waited for its turn. */
export class LimiterStoppedError extends Error {
  constructor() {
    super('The Partner Center client was closed');
  }
}

interface Waiter {
  start: () => void;
  reject: (reason: unknown) => void;
}

/**
 * One family's gate: takes calls first come, first served; a call starts once a slot is free and
 * the budget has a request left. While it has, nothing waits on a timer; once it is spent, one timer
 * waits for the window to refill.
 */
class FamilyGate {
  private readonly budget: RateLimiterMemory;
  private readonly waiting: Waiter[] = [];
  private inFlight = 0;
  private draining = false;
  private refill: NodeJS.Timeout | undefined;

  constructor(
    perMinute: number,
    private readonly maxConcurrent: number,
  ) {
    this.budget = new RateLimiterMemory({ points: perMinute, duration: WINDOW_MS / 1000 });
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = async () => {
        this.inFlight += 1;
        try {
          resolve(await task());
        } catch (error) {
          reject(error);
        } finally {
          this.inFlight -= 1;
          void this.drain();
        }
      };
      this.waiting.push({ start: () => void start(), reject });
      void this.drain();
    });
  }

  stop(): void {
    clearTimeout(this.refill);
    this.refill = undefined;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new LimiterStoppedError());
    // Clears the store's own expiry timer for the window.
    void this.budget.delete(BUDGET_KEY);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.waiting.length > 0 && this.inFlight < this.maxConcurrent && this.refill === undefined) {
        let msToRefill: number;
        try {
          msToRefill = await this.msUntilBudget();
        } catch (error) {
          this.waiting.shift()?.reject(error);
          continue;
        }
        if (this.waiting.length === 0) break; // stopped meanwhile
        if (msToRefill > 0) {
          this.refill = setTimeout(() => {
            this.refill = undefined;
            void this.drain();
          }, msToRefill);
          break;
        }
        this.waiting.shift()?.start();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Takes one request from the budget: 0 when it had one, else the time until it refills. */
  private async msUntilBudget(): Promise<number> {
    try {
      await this.budget.consume(BUDGET_KEY);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(rejection.msBeforeNext, 1);
      throw rejection;
    }
  }
}

/**
 * Keeps this client's own traffic under the per-tenant limits: a budget of N requests that refills
 * every minute, so short bursts go out at once and the rest wait (never rejected) for the refill.
 * Several instances of the bot each have their own budget; size `perMinute` for that.
 */
export class RateLimiter {
  private readonly gates = new Map<LimiterFamily, FamilyGate>();
  private stopped = false;

  constructor(private readonly options: RateLimitOptions = {}) {}

  schedule<T>(family: LimiterFamily, task: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new LimiterStoppedError());
    return this.gateFor(family).run(task);
  }

  /** Rejects the calls still waiting for their turn and releases the timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const gate of this.gates.values()) gate.stop();
    this.gates.clear();
  }

  private gateFor(family: LimiterFamily): FamilyGate {
    let gate = this.gates.get(family);
    if (!gate) {
      const perMinute = this.options.perMinute?.[family] ?? DEFAULT_REQUESTS_PER_MINUTE[family];
      gate = new FamilyGate(perMinute, this.options.maxConcurrent ?? 8);
      this.gates.set(family, gate);
    }
    return gate;
  }
}
