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
  /**
   * The share of each family's window that calls without a deadline (background work: sweeps,
   * request runs) leave to calls with one (a person waiting), default 0.1: a long sweep never
   * locks people out of a family for whole windows.
   */
  interactiveReserve?: number;
}

const WINDOW_MS = 60_000;
const BUDGET_KEY = 'requests';

/** The client was closed while the call waited for its turn. */
export class LimiterStoppedError extends Error {
  constructor() {
    super('The Partner Center client was closed');
  }
}

/** A call with a deadline could not start before it: its family's budget is spent for now. */
export class LimiterWaitExceededError extends Error {
  constructor(
    /** When the budget refills, from now (the earliest a new try may go out at once). */
    readonly retryAfterMs: number,
  ) {
    super(`No room in the rate limit before the deadline; try again in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

export interface ScheduleOptions {
  /** Epoch ms by which the call must have started; absent for background work. */
  deadlineAt?: number;
}

interface Waiter {
  start: () => void;
  reject: (reason: unknown) => void;
  timer?: NodeJS.Timeout;
  deadlineAt?: number;
}

type Lane = 'interactive' | 'background';

/**
 * One family's gate: calls with a deadline go first, then the others, each lane first come, first
 * served; a call starts once a slot is free and the budget has a request left (background calls
 * leave the reserve to interactive ones). While it has, nothing waits on a timer; once it is spent,
 * one timer waits for the window to refill. An interactive call still waiting at its deadline is
 * refused with the time to the refill.
 */
class FamilyGate {
  private readonly budget: RateLimiterMemory;
  private readonly lanes: Record<Lane, Waiter[]> = { interactive: [], background: [] };
  private readonly reservePoints: number;
  private inFlight = 0;
  private draining = false;
  private refill: NodeJS.Timeout | undefined;
  /** When the refill timer fires (epoch ms), and whether it waits for interactive calls too. */
  private refillAt = 0;
  private refillBlocksInteractive = false;

  constructor(
    private readonly perMinute: number,
    private readonly maxConcurrent: number,
    reserve: number,
  ) {
    this.budget = new RateLimiterMemory({ points: perMinute, duration: WINDOW_MS / 1000 });
    this.reservePoints = Math.floor(perMinute * Math.min(Math.max(reserve, 0), 0.5));
  }

  run<T>(task: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = async () => {
        if (waiter.timer) clearTimeout(waiter.timer);
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
      const waiter: Waiter = { start: () => void start(), reject, deadlineAt: options.deadlineAt };
      const lane: Lane = options.deadlineAt === undefined ? 'background' : 'interactive';
      if (options.deadlineAt !== undefined) {
        const left = options.deadlineAt - Date.now();
        // The budget is spent until after the deadline: no use waiting for it.
        if (this.refill && this.refillBlocksInteractive && this.refillAt > options.deadlineAt) {
          reject(new LimiterWaitExceededError(Math.max(1_000, this.refillAt - Date.now())));
          return;
        }
        const giveUp = () => {
          const queue = this.lanes.interactive;
          const at = queue.indexOf(waiter);
          if (at < 0) return;
          queue.splice(at, 1);
          reject(new LimiterWaitExceededError(Math.max(1_000, this.refillAt - Date.now())));
        };
        if (left <= 0) {
          reject(new LimiterWaitExceededError(Math.max(1_000, this.refillAt - Date.now())));
          return;
        }
        waiter.timer = setTimeout(giveUp, left);
        waiter.timer.unref();
      }
      this.lanes[lane].push(waiter);
      void this.drain();
    });
  }

  stop(): void {
    clearTimeout(this.refill);
    this.refill = undefined;
    for (const waiter of [...this.lanes.interactive.splice(0), ...this.lanes.background.splice(0)]) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(new LimiterStoppedError());
    }
    // Clears the store's own expiry timer for the window.
    void this.budget.delete(BUDGET_KEY);
  }

  private next(): { lane: Lane; waiter: Waiter } | undefined {
    const interactive = this.lanes.interactive[0];
    if (interactive && !(this.refill && this.refillBlocksInteractive))
      return { lane: 'interactive', waiter: interactive };
    const background = this.lanes.background[0];
    if (background && this.refill === undefined) return { lane: 'background', waiter: background };
    return undefined;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.inFlight < this.maxConcurrent) {
        const head = this.next();
        if (!head) break;
        let msToRefill: number;
        try {
          msToRefill = await this.msUntilBudget(head.lane);
        } catch (error) {
          this.remove(head.lane, head.waiter);
          head.waiter.reject(error);
          continue;
        }
        if (!this.lanes[head.lane].includes(head.waiter)) continue; // gave up or stopped meanwhile
        if (msToRefill > 0) {
          clearTimeout(this.refill);
          this.refillAt = Date.now() + msToRefill;
          this.refillBlocksInteractive = head.lane === 'interactive';
          this.refill = setTimeout(() => {
            this.refill = undefined;
            void this.drain();
          }, msToRefill);
          if (head.lane === 'interactive') {
            this.refuseUntil(this.refillAt);
            break;
          }
          // Background calls wait for the refill; interactive ones may still use the reserve.
          continue;
        }
        this.remove(head.lane, head.waiter);
        head.waiter.start();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Refuses at once the interactive calls whose deadline comes before the budget refills. */
  private refuseUntil(refillAt: number): void {
    const retryAfterMs = Math.max(1_000, refillAt - Date.now());
    for (const waiter of [...this.lanes.interactive]) {
      if (waiter.deadlineAt === undefined || waiter.deadlineAt >= refillAt) continue;
      this.remove('interactive', waiter);
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(new LimiterWaitExceededError(retryAfterMs));
    }
  }

  private remove(lane: Lane, waiter: Waiter): void {
    const queue = this.lanes[lane];
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
  }

  /**
   * Takes one request from the budget: 0 when it had one, else the time until it refills. A
   * background call leaves the reserve untouched.
   */
  private async msUntilBudget(lane: Lane): Promise<number> {
    if (lane === 'background' && this.reservePoints > 0) {
      const state = await this.budget.get(BUDGET_KEY);
      if (state && this.perMinute - state.consumedPoints <= this.reservePoints) {
        return Math.max(state.msBeforeNext, 1);
      }
    }
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
 * every minute, so short bursts go out at once and the rest wait for the refill (background calls
 * without limit, calls with a deadline until it). Several instances of the bot each have their own
 * budget; size `perMinute` for that.
 */
export class RateLimiter {
  private readonly gates = new Map<LimiterFamily, FamilyGate>();
  private stopped = false;

  constructor(private readonly options: RateLimitOptions = {}) {}

  schedule<T>(family: LimiterFamily, task: () => Promise<T>, options: ScheduleOptions = {}): Promise<T> {
    if (this.stopped) return Promise.reject(new LimiterStoppedError());
    return this.gateFor(family).run(task, options);
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
      gate = new FamilyGate(
        perMinute,
        this.options.maxConcurrent ?? 8,
        this.options.interactiveReserve ?? 0.1,
      );
      this.gates.set(family, gate);
    }
    return gate;
  }
}
