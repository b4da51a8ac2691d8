import { z } from 'zod';
import type { Logger } from '../../logging';
import { PartnerCenterError, type CustomerUsageSummary, type PartnerCenterClient } from '../../partnercenter';
import { isAuthLimitation, isCustomerNotFound } from '../pcErrors';
import type { AlertSubscription, BudgetAlert, Store, Watch, WatchInput } from '../../store';
import type { TaskContext, TaskHandler, TaskOutcome, WorkScheduler } from '../requests/workQueue';
import { forecastSpend, reachedThresholds, type SpendForecast } from './forecast';
import { spendReadingOf, recordSpend } from './spendReading';

export const BUDGET_SWEEP_TASK = 'budget-sweep';
const BUDGET_CHECK_TASK = 'budget-check';
/** Posting one alert card: worked by whoever can reach Teams (the bot registers its handler). */
export const ALERT_POST_TASK = 'alert-post';
export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = [50, 80, 100];

export interface BudgetMonitorOptions {
  pc: PartnerCenterClient;
  store: Store;
  /** The queue alert posts go to (told when there is one to post). */
  posts: WorkScheduler;
  logger: Logger;
  /** Customers per check task (default 50): the unit a crash repeats and instances share. */
  chunkSize?: number;
  /** Page size when the sweep lists every customer of the partner (default 500). */
  pageSize?: number;
  /** How long a chunk waits when Partner Center refuses the App+User sign-in (default 15 min). */
  authRetryMs?: number;
}

export interface SweptCustomer {
  id: string;
  name?: string;
}

/** What one customer's check found. */
export type CheckResult =
  | { status: 'checked'; raised: BudgetAlert[]; forecast?: SpendForecast; budget?: number }
  | { status: 'skipped'; reason: 'not-found' | 'failed'; code?: string };

const customerSchema = z.object({ id: z.string().min(1), name: z.string().optional() });
const sweepPayloadSchema = z.object({ sweep: z.string().min(1) });
const checkPayloadSchema = z.object({
  sweep: z.string().min(1),
  customers: z.array(customerSchema),
  /** Customers of the chunk already checked (a chunk stopped by a shutdown goes on from there). */
  done: z.number().int().nonnegative().default(0),
});

/** Figures an alert card shows, as the sweep saw them. */
export interface AlertFigures {
  totalCost: number;
  budget: number;
  currency: string;
  percentUsed: number;
  projectedTotal: number;
  projectedPercent: number;
  projectedCrossing?: number;
  periodStart: string;
  periodEnd: string;
  asOf: number;
}

export const alertFiguresSchema = z.object({
  totalCost: z.number(),
  budget: z.number(),
  currency: z.string(),
  percentUsed: z.number(),
  projectedTotal: z.number(),
  projectedPercent: z.number(),
  projectedCrossing: z.number().optional(),
  periodStart: z.string(),
  periodEnd: z.string(),
  asOf: z.number(),
});

/**
 * The budget monitor. Each scheduled tick creates one sweep (a work item named after the tick, so
 * several schedulers on one database make one); the sweep lists the customers to check (every
 * customer when a conversation follows them all, else the subscribed ones) into check tasks of
 * `chunkSize` customers, which any instance claims by lease. A check reads the customer's usage
 * summary (App+User, the 'usage' throttle family), keeps the day's figure, and raises each
 * (conversation, customer, period, threshold) alert once, its post queued in the same write.
 */
export class BudgetMonitor {
  private readonly chunkSize: number;
  private readonly pageSize: number;
  private readonly authRetryMs: number;

  constructor(private readonly options: BudgetMonitorOptions) {
    this.chunkSize = Math.max(1, options.chunkSize ?? 50);
    this.pageSize = Math.max(1, options.pageSize ?? 500);
    this.authRetryMs = options.authRetryMs ?? 15 * 60_000;
  }

  /** Queues the sweep of this tick; false when it exists already (another scheduler was first). */
  startSweep(at: number): Promise<boolean> {
    const sweep = new Date(at).toISOString().slice(0, 16);
    return this.options.store.watches.insertIfAbsent({
      id: `${BUDGET_SWEEP_TASK}:${sweep}`,
      kind: BUDGET_SWEEP_TASK,
      payload: { sweep },
      nextRunAt: at,
    });
  }

  /** The handlers of the sweep's own queue (kept apart from request runs, which must not wait behind it). */
  handlers(): TaskHandler[] {
    return [
      { kind: BUDGET_SWEEP_TASK, handle: (task, ctx) => this.sweep(task, ctx) },
      { kind: BUDGET_CHECK_TASK, handle: (task, ctx) => this.checkChunk(task, ctx) },
    ];
  }

  private async sweep(task: Watch, ctx: TaskContext): Promise<TaskOutcome> {
    const { sweep } = sweepPayloadSchema.parse(task.payload);
    const { store } = this.options;
    const mine = `${BUDGET_CHECK_TASK}:${sweep}:`;
    const unfinished = (await store.watches.list({ kind: BUDGET_CHECK_TASK })).filter(
      (w) => !w.id.startsWith(mine),
    );
    if (unfinished.length > 0) {
      ctx.logger.warn(
        { sweep, unfinishedChecks: unfinished.length },
        'the previous budget sweep is still going; this one is skipped',
      );
      return { type: 'done' };
    }
    let chunks = 0;
    let customers = 0;
    const queue = async (batch: SweptCustomer[]) => {
      const input: WatchInput = {
        id: `${mine}${String(chunks).padStart(6, '0')}`,
        kind: BUDGET_CHECK_TASK,
        payload: { sweep, customers: batch.map((c) => ({ id: c.id, ...(c.name ? { name: c.name } : {}) })) },
        nextRunAt: ctx.now(),
      };
      // Ids follow the listing: a sweep run again after a crash finds the chunks it queued.
      await store.watches.insertIfAbsent(input);
      chunks += 1;
      customers += batch.length;
    };
    let batch: SweptCustomer[] = [];
    for await (const customer of this.customersToCheck(ctx)) {
      batch.push(customer);
      if (batch.length === this.chunkSize) {
        await queue(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await queue(batch);
    ctx.logger.info({ sweep, customers, chunks }, 'budget sweep queued its checks');
    return { type: 'done' };
  }

  private async *customersToCheck(ctx: TaskContext): AsyncGenerator<SweptCustomer> {
    const { store, pc } = this.options;
    if (await store.alerts.anyForAllCustomers()) {
      for await (const customer of pc.customers.list({
        size: this.pageSize,
        correlationId: ctx.correlationId,
        signal: ctx.signal,
      })) {
        yield { id: customer.id, name: customer.companyProfile?.companyName };
      }
      return;
    }
    for (let after: string | undefined; ;) {
      const page = await store.alerts.subscribedCustomers(after, this.pageSize);
      for (const id of page) yield { id };
      if (page.length < this.pageSize) return;
      after = page[page.length - 1];
    }
  }

  private async checkChunk(task: Watch, ctx: TaskContext): Promise<TaskOutcome> {
    const payload = checkPayloadSchema.parse(task.payload);
    const failures: string[] = [];
    for (let i = payload.done; i < payload.customers.length; i++) {
      if (ctx.signal.aborted) return { type: 'retry', delayMs: 0, payload: { ...payload, done: i } };
      const customer = payload.customers[i];
      try {
        const result = await this.checkCustomer(customer, ctx);
        if (result.status === 'skipped' && result.reason === 'failed') failures.push(customer.id);
      } catch (error) {
        if (ctx.signal.aborted) return { type: 'retry', delayMs: 0, payload: { ...payload, done: i } };
        if (error instanceof PartnerCenterError && isAuthLimitation(error)) {
          // Every customer would fail the same way: wait for the sign-in to be fixed.
          ctx.logger.error(
            { err: error, sweep: payload.sweep, retryInMs: this.authRetryMs },
            'the budget sweep cannot read usage (App+User sign-in refused); it will try again',
          );
          return { type: 'retry', delayMs: this.authRetryMs, payload: { ...payload, done: i } };
        }
        throw error;
      }
    }
    if (failures.length > 0) {
      ctx.logger.warn(
        { sweep: payload.sweep, failed: failures.length, customers: failures.slice(0, 20) },
        'some customers could not be checked; the next sweep tries them again',
      );
    }
    return { type: 'done' };
  }

  /**
   * Checks one customer: its spend this billing period against its budget, for every conversation
   * that follows it. A customer that no longer exists, or whose usage cannot be read after the
   * client's own retries, is skipped (and tried again by the next sweep).
   */
  async checkCustomer(
    customer: SweptCustomer,
    ctx: Pick<TaskContext, 'correlationId' | 'signal' | 'now' | 'logger'>,
  ): Promise<CheckResult> {
    const { pc, store } = this.options;
    let summary: CustomerUsageSummary;
    try {
      summary = await pc.usage.customerSummary(customer.id, {
        correlationId: ctx.correlationId,
        signal: ctx.signal,
      });
    } catch (error) {
      if (!(error instanceof PartnerCenterError)) throw error;
      if (isAuthLimitation(error) || error.code === 'aborted') throw error;
      if (isCustomerNotFound(error)) return { status: 'skipped', reason: 'not-found', code: error.code };
      ctx.logger.warn({ err: error, customerId: customer.id }, 'could not read a customer usage summary');
      return { status: 'skipped', reason: 'failed', code: error.code };
    }
    const spend = spendReadingOf(summary, ctx.now());
    if (!spend) return { status: 'checked', raised: [] };
    await recordSpend(store, customer.id, spend, ctx.now());
    if (spend.budget === undefined) return { status: 'checked', raised: [] };
    const forecast = forecastSpend({ ...spend, budget: spend.budget });
    const figures: AlertFigures = {
      totalCost: spend.totalCost,
      budget: spend.budget,
      currency: spend.currency,
      percentUsed: forecast.percentUsed ?? 0,
      projectedTotal: forecast.projectedTotal,
      projectedPercent: forecast.projectedPercent ?? 0,
      ...(forecast.projectedCrossing !== undefined ? { projectedCrossing: forecast.projectedCrossing } : {}),
      periodStart: spend.periodStart,
      periodEnd: spend.periodEnd,
      asOf: spend.asOf,
    };
    const name = customer.name ?? summary.resourceName ?? customer.id;
    const raised: BudgetAlert[] = [];
    for (const subscription of await store.alerts.list({ customerId: customer.id })) {
      raised.push(
        ...(await this.raiseFor(subscription, { id: customer.id, name }, spend.periodKey, figures, ctx)),
      );
    }
    if (raised.some((a) => a.state === 'pending')) this.options.posts.kick();
    return { status: 'checked', raised, forecast, budget: spend.budget };
  }

  /**
   * One conversation's alerts for a customer: the highest threshold newly reached is posted, lower
   * ones reached at the same time are recorded without a post (one card says it all), and a
   * forecast to exceed the budget is posted once while the budget is not yet spent. A conversation
   * that snoozed the customer for the period gets them recorded, not posted.
   */
  private async raiseFor(
    subscription: AlertSubscription,
    customer: { id: string; name: string },
    periodKey: string,
    figures: AlertFigures,
    ctx: Pick<TaskContext, 'now'>,
  ): Promise<BudgetAlert[]> {
    const { store } = this.options;
    const snoozed = await store.alerts.snoozed(subscription.conversationKey, customer.id, periodKey);
    const post = (id: string): WatchInput => ({
      id: `${ALERT_POST_TASK}:${id}`,
      kind: ALERT_POST_TASK,
      payload: { alertId: id },
      nextRunAt: ctx.now(),
    });
    const base = {
      subscriptionId: subscription.id,
      conversationKey: subscription.conversationKey,
      customerId: customer.id,
      customerName: customer.name,
      periodKey,
      figures: { ...figures },
    };
    const raised: BudgetAlert[] = [];
    let told = snoozed !== undefined;
    let posting = false;
    const reached = reachedThresholds(figures.percentUsed, subscription.thresholds).reverse();
    for (const threshold of reached) {
      const alert = await store.alerts.raise(
        { ...base, kind: 'threshold', threshold, state: told ? 'suppressed' : 'pending' },
        post,
      );
      // Already raised (this period, by an earlier sweep): lower thresholds are no news either.
      told = true;
      if (alert) raised.push(alert);
      if (alert?.state === 'pending') posting = true;
    }
    const spent = figures.percentUsed >= 100;
    if (!spent && figures.projectedPercent > 100) {
      // A threshold card posted now shows the forecast too: one card, not two.
      const alert = await store.alerts.raise(
        { ...base, kind: 'forecast', threshold: 0, state: snoozed || posting ? 'suppressed' : 'pending' },
        post,
      );
      if (alert) raised.push(alert);
    }
    return raised;
  }
}
