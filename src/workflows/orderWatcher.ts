import { z } from 'zod';
import type { Logger } from '../logging';
import { silentLogger } from '../logging';
import {
  collect,
  PartnerCenterError,
  type Order,
  type PartnerCenterClient,
  type Subscription,
} from '../partnercenter';
import type { ActionRequest, Store, Watch, WatchInput } from '../store';
import { isAzurePlanOffer } from './azurePlan';
import { nextDelayMs } from './backoff';
import { notifySafely, type RequestNotifier } from './notifier';
import { errorSummary } from './pcErrors';
import { readPurchasePayload, type OrderErrorRef, type PurchaseResult } from './purchasePayload';

export const ORDER_WATCH_KIND = 'order';
/** 5 s, doubling to 5 min. */
export const DEFAULT_ORDER_POLL = { initialMs: 5_000, maxMs: 5 * 60_000 };

/** Order statuses after which nothing more will happen (partner-center-api.md §5). */
const FAILED_ORDER_STATUSES = new Set(['cancelled', 'error', 'po review rejected', 'suspended']);
const DONE_ORDER_STATUSES = new Set(['completed', 'partial success']);

const orderWatchPayloadSchema = z
  .object({
    requestId: z.string(),
    customerId: z.string(),
    orderIds: z.array(z.string()).min(1),
    delayMs: z.number().positive(),
    polls: z.number().int().nonnegative().default(0),
  })
  .passthrough();
type OrderWatchPayload = z.infer<typeof orderWatchPayloadSchema>;

/** The durable watch of the orders one purchase request placed (one row per request). */
export function orderWatchFor(
  request: ActionRequest,
  orderIds: readonly string[],
  nextRunAt: number,
  delayMs: number = DEFAULT_ORDER_POLL.initialMs,
): WatchInput {
  const payload: OrderWatchPayload = {
    requestId: request.id,
    customerId: request.customerId,
    orderIds: [...orderIds],
    // A zero delay would make a payload the watcher refuses; one millisecond is "at once".
    delayMs: Math.max(1, delayMs),
    polls: 0,
  };
  return { id: `order:${request.id}`, kind: ORDER_WATCH_KIND, requestId: request.id, payload, nextRunAt };
}

export interface OrderWatcherDeps {
  store: Store;
  pc: PartnerCenterClient;
  notifier: RequestNotifier;
  logger?: Logger;
  now?: () => number;
  /** The holder name for watch claims (the scheduler's instance id). */
  instanceId: string;
  /** Watches claimed per tick (default 20). */
  batchSize?: number;
  /** How long a claimed watch is ours (default 2 min). */
  claimMs?: number;
  poll?: { initialMs: number; maxMs: number };
  /** Polls after completion to wait for the plan subscription to be listed (default 10). */
  maxProvisioningPolls?: number;
}

type CheckOutcome = 'completed' | 'waiting' | 'dropped';

/**
 * The job body that follows placed orders to their end. Each tick claims the order watches that
 * are due, GETs each order BY ID (the orders list lags up to 15 minutes) and, once completed,
 * finds the Azure plan subscription (`subscriptions?order_id=`) and its Azure subscriptions
 * (azureEntitlements), then marks the request succeeded. Polls back off from 5 s to 5 min and
 * honour Retry-After. Watches are rows in the store: they survive restarts and instances.
 */
export class OrderWatcher {
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly poll: { initialMs: number; maxMs: number };

  constructor(private readonly deps: OrderWatcherDeps) {
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger ?? silentLogger();
    this.poll = deps.poll ?? DEFAULT_ORDER_POLL;
  }

  async tick(options: {
    correlationId: string;
    signal?: AbortSignal;
  }): Promise<{ checked: number; completed: number }> {
    const { store, instanceId } = this.deps;
    const claimed = await store.watches.due(
      this.now(),
      this.deps.batchSize ?? 20,
      instanceId,
      this.deps.claimMs ?? 2 * 60_000,
      ORDER_WATCH_KIND,
    );
    let checked = 0;
    let completed = 0;
    for (const watch of claimed) {
      if (options.signal?.aborted) {
        await store.watches.reschedule(watch.id, instanceId, watch.nextRunAt);
        continue;
      }
      checked += 1;
      try {
        if ((await this.check(watch, options.correlationId)) === 'completed') completed += 1;
      } catch (error) {
        this.logger.error(
          { watchId: watch.id, correlationId: options.correlationId, err: error },
          'order watch failed',
        );
        await this.retryLater(watch, undefined);
      }
    }
    return { checked, completed };
  }

  private async check(watch: Watch, correlationId: string): Promise<CheckOutcome> {
    const parsed = orderWatchPayloadSchema.safeParse(watch.payload);
    if (!parsed.success) {
      this.logger.error(
        { watchId: watch.id, issues: parsed.error.issues },
        'order watch payload is invalid; dropped',
      );
      await this.deps.store.watches.complete(watch.id, this.deps.instanceId);
      return 'dropped';
    }
    const payload = parsed.data;
    const request = await this.deps.store.requests.get(payload.requestId);
    if (!request || request.state !== 'executing') {
      await this.deps.store.watches.complete(watch.id, this.deps.instanceId);
      return 'dropped';
    }

    let orders: Order[];
    try {
      orders = await Promise.all(
        payload.orderIds.map((id) => this.deps.pc.orders.get(payload.customerId, id, { correlationId })),
      );
    } catch (error) {
      return this.pcTrouble(watch, payload, error, correlationId);
    }

    const failedOrder = orders.find((o) => FAILED_ORDER_STATUSES.has(o.status));
    if (failedOrder) return this.failRequest(watch, request, failedOrder, correlationId);
    if (!orders.every((o) => DONE_ORDER_STATUSES.has(o.status))) {
      await this.retryLater(watch, payload);
      return 'waiting';
    }

    let provisioned: { planSubscriptionId?: string; azureSubscriptionIds: string[] };
    try {
      provisioned = await this.provisioned(payload.customerId, orders, correlationId);
    } catch (error) {
      return this.pcTrouble(watch, payload, error, correlationId);
    }
    if (!provisioned.planSubscriptionId && payload.polls < (this.deps.maxProvisioningPolls ?? 10)) {
      await this.retryLater(watch, payload);
      return 'waiting';
    }
    return this.succeed(watch, request, orders, provisioned, correlationId);
  }

  /** The Azure plan subscription the orders created, and the Azure subscriptions under it. */
  private async provisioned(
    customerId: string,
    orders: readonly Order[],
    correlationId: string,
  ): Promise<{ planSubscriptionId?: string; azureSubscriptionIds: string[] }> {
    const subscriptions: Subscription[] = [];
    for (const order of orders) {
      subscriptions.push(
        ...(await collect(this.deps.pc.subscriptions.list(customerId, { orderId: order.id, correlationId }))),
      );
    }
    const plan = subscriptions.find((s) => isAzurePlanOffer(s.offerId));
    const fromLines = orders
      .flatMap((o) => o.lineItems)
      .find((l) => isAzurePlanOffer(l.offerId) && l.subscriptionId)?.subscriptionId;
    const planSubscriptionId = plan?.id ?? fromLines ?? undefined;
    if (!planSubscriptionId) return { azureSubscriptionIds: [] };
    const entitlements = await collect(
      this.deps.pc.azureEntitlements.list(customerId, planSubscriptionId, { correlationId }),
    );
    return { planSubscriptionId, azureSubscriptionIds: entitlements.map((e) => e.id) };
  }

  private async succeed(
    watch: Watch,
    request: ActionRequest,
    orders: readonly Order[],
    provisioned: { planSubscriptionId?: string; azureSubscriptionIds: string[] },
    correlationId: string,
  ): Promise<CheckOutcome> {
    const orderErrors: OrderErrorRef[] = readPurchasePayload(request).execution?.orderErrors ?? [];
    const result: PurchaseResult = {
      orders: orders.map((o) => ({
        id: o.id,
        status: o.status,
        lineItems: o.lineItems.map((l) => ({
          lineItemNumber: l.lineItemNumber,
          offerId: l.offerId,
          ...(l.subscriptionId ? { subscriptionId: l.subscriptionId } : {}),
          ...(l.friendlyName ? { friendlyName: l.friendlyName } : {}),
          ...(l.quantity !== undefined ? { quantity: l.quantity } : {}),
        })),
      })),
      orderErrors,
      partial: orderErrors.length > 0 || orders.some((o) => o.status === 'partial success'),
      ...(provisioned.planSubscriptionId ? { planSubscriptionId: provisioned.planSubscriptionId } : {}),
      azureSubscriptionIds: provisioned.azureSubscriptionIds,
      completedAt: this.now(),
    };
    const outcome = await this.deps.store.requests.transition(request.id, {
      from: 'executing',
      to: 'succeeded',
      patch: { result },
    });
    await this.deps.store.watches.complete(watch.id, this.deps.instanceId);
    if (!outcome.ok) return 'dropped';
    await this.audit(
      outcome.request,
      'purchase.succeed',
      result.partial ? 'partial' : 'succeeded',
      correlationId,
      {
        orderIds: result.orders.map((o) => o.id),
        ...(result.planSubscriptionId ? { planSubscriptionId: result.planSubscriptionId } : {}),
        azureSubscriptionIds: result.azureSubscriptionIds,
      },
    );
    await notifySafely(this.deps.notifier, this.logger, outcome.request, 'succeeded');
    return 'completed';
  }

  private async failRequest(
    watch: Watch,
    request: ActionRequest,
    order: Order,
    correlationId: string,
  ): Promise<CheckOutcome> {
    const code = `order-${order.status.replace(/\s+/g, '-')}`;
    const outcome = await this.deps.store.requests.transition(request.id, {
      from: 'executing',
      to: 'failed',
      patch: { error: { code, message: `Order ${order.id} ended "${order.status}"`, orderId: order.id } },
    });
    await this.deps.store.watches.complete(watch.id, this.deps.instanceId);
    if (!outcome.ok) return 'dropped';
    await this.audit(outcome.request, 'purchase.fail', 'failed', correlationId, { code, orderId: order.id });
    await notifySafely(this.deps.notifier, this.logger, outcome.request, 'failed');
    return 'completed';
  }

  /** Partner Center could not answer now: poll again later (a Retry-After is a floor). Never fails the purchase. */
  private async pcTrouble(
    watch: Watch,
    payload: OrderWatchPayload,
    error: unknown,
    correlationId: string,
  ): Promise<CheckOutcome> {
    if (!(error instanceof PartnerCenterError)) throw error;
    this.logger.warn(
      { watchId: watch.id, correlationId, error: errorSummary(error) },
      'order poll failed; retrying later',
    );
    await this.retryLater(watch, payload, error.retryAfterSeconds);
    return 'waiting';
  }

  private async retryLater(
    watch: Watch,
    payload: OrderWatchPayload | undefined,
    retryAfterSeconds?: number,
  ): Promise<void> {
    const previous =
      payload?.delayMs ?? (typeof watch.payload.delayMs === 'number' ? watch.payload.delayMs : undefined);
    const delayMs = nextDelayMs(previous, this.poll, retryAfterSeconds);
    const next = payload ? { ...payload, delayMs, polls: payload.polls + 1 } : { ...watch.payload, delayMs };
    await this.deps.store.watches.reschedule(watch.id, this.deps.instanceId, this.now() + delayMs, next);
  }

  private async audit(
    request: ActionRequest,
    action: string,
    outcome: string,
    correlationId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.store.audit.append({
      actorId: 'system:order-watcher',
      actorName: `order watcher ${this.deps.instanceId}`,
      action,
      requestId: request.id,
      customerId: request.customerId,
      correlationId,
      outcome,
      details,
    });
  }
}
