import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging';
import { silentLogger } from '../logging';
import {
  PartnerCenterError,
  type Cart,
  type CartCheckoutResult,
  type Order,
  type PartnerCenterClient,
} from '../partnercenter';
import type { ActionRequest, JsonObject, Store } from '../store';
import { realSleep } from './backoff';
import {
  BUSY_CODES,
  CART_ITEMS_ERROR,
  cartFor,
  cartLineErrors,
  freshAvailability,
  isDefinitePcRefusal,
  ordersSince,
  PurchaseFailure,
} from './purchaseCart';
import { notifySafely, type RequestEvent, type RequestNotifier } from './notifier';
import { DEFAULT_ORDER_POLL, orderWatchFor } from './orderWatcher';
import { errorSummary } from './pcErrors';
import {
  purchasePayloadJson,
  readPurchasePayload,
  type Execution,
  type OrderErrorRef,
  type OrderRef,
  type PurchaseItem,
  type PurchasePayload,
} from './purchasePayload';

/**
 * Points of an execution, for observers (tests, metrics). 'cart-created' and 'checked-out' follow
 * the Partner Center call before its outcome is persisted; the others follow the persisted state.
 */
export type PurchaseStep =
  'claimed' | 'cart-created' | 'cart-persisted' | 'checked-out' | 'order-placed' | 'failed' | 'deferred';

export interface PurchaseExecutorDeps {
  store: Store;
  pc: PartnerCenterClient;
  notifier: RequestNotifier;
  logger?: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Names this process in execution leases (default: a random id). */
  instanceId?: string;
  /** How long one run owns a request; renewed before every step (default 5 min). */
  executionLeaseMs?: number;
  /** Rounds per run before a request that keeps meeting transient failures is left for a later resume (default 4). */
  maxRounds?: number;
  /** Waits between rounds (default 5 s, 15 s, 45 s). */
  retryDelaysMs?: readonly number[];
  /** First poll of a placed order (default 5 s). */
  firstOrderPollMs?: number;
  /** Told of each step (awaited): tests freeze a run here to play a crash. */
  onStep?: (step: PurchaseStep, request: ActionRequest) => void | Promise<void>;
}

type RoundOutcome =
  { kind: 'done'; request: ActionRequest | undefined } | { kind: 'deferred'; request: ActionRequest };

const ACTOR = 'system:purchase-executor';
/** The order list lags up to 15 min: a lost cart is only judged once that has passed. */
const ORDER_LIST_LAG_MS = 20 * 60_000;

/**
 * Executes approved purchase requests: exactly one order per request, whatever happens.
 *
 * - A run claims the request (`approved → executing`, compare-and-set) under a per-request lease;
 *   losers return at once. Resumes (`executing` left by a crash) take the same lease.
 * - The availability is read again, the cart created, and its id persisted on the request
 *   (versioned update) BEFORE checkout. Only the persisted cart is ever checked out; checkout is
 *   idempotent per cart, so checking it out again returns the first result.
 * - A crash between "cart created" and "cart id persisted" leaves an orphan cart that nobody
 *   knows and nobody checks out (carts expire after 7 days); the next run creates a new one.
 * - A transient failure (throttling, 5xx, timeouts, 800060/800064) leaves the request
 *   `executing` with the failure noted: resumable, never failed while the outcome is unknown.
 */
export class PurchaseExecutor {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  private readonly instanceId: string;
  private readonly leaseMs: number;
  private readonly maxRounds: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly firstOrderPollMs: number;
  private readonly background = new Set<Promise<unknown>>();
  private readonly active = new Map<string, number>();

  constructor(private readonly deps: PurchaseExecutorDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? realSleep;
    this.logger = deps.logger ?? silentLogger();
    this.instanceId = deps.instanceId ?? randomUUID();
    this.leaseMs = deps.executionLeaseMs ?? 5 * 60_000;
    this.maxRounds = Math.max(1, deps.maxRounds ?? 4);
    this.retryDelaysMs = deps.retryDelaysMs ?? [5_000, 15_000, 45_000];
    this.firstOrderPollMs = deps.firstOrderPollMs ?? DEFAULT_ORDER_POLL.initialMs;
  }

  /** Runs execute() in the background; drain() waits for it. */
  schedule(requestId: string, correlationId: string): void {
    const run: Promise<unknown> = this.execute(requestId, { correlationId })
      .catch((error: unknown) =>
        this.logger.error({ requestId, correlationId, err: error }, 'purchase execution crashed'),
      )
      .finally(() => this.background.delete(run));
    this.background.add(run);
  }

  /** Claims an approved request and executes it. Returns the request as this run left it. */
  async execute(requestId: string, options: { correlationId: string }): Promise<ActionRequest> {
    return (await this.run(requestId, 'claim', options.correlationId)).request;
  }

  /** On start-up (and safe to repeat): executes requests left 'approved', resumes those left 'executing'. */
  async resumeInterrupted(options: { correlationId: string }): Promise<number> {
    const pending = await this.deps.store.requests.list({
      kind: 'purchase',
      state: ['approved', 'executing'],
      limit: 500,
    });
    let resumed = 0;
    for (const request of pending.reverse()) {
      if (this.active.has(request.id)) continue;
      const mode = request.state === 'approved' ? 'claim' : 'resume';
      const outcome = await this.run(request.id, mode, options.correlationId);
      if (outcome.acted) resumed += 1;
    }
    return resumed;
  }

  /** Waits for every scheduled execution (graceful shutdown, tests). */
  async drain(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  private async run(
    requestId: string,
    mode: 'claim' | 'resume',
    correlationId: string,
  ): Promise<{ acted: boolean; request: ActionRequest }> {
    const request = await this.deps.store.requests.get(requestId);
    if (!request) throw new Error(`Request ${requestId} not found`);
    if (request.kind !== 'purchase')
      throw new TypeError(`Request ${requestId} is a ${request.kind}, not a purchase`);
    const expected = mode === 'claim' ? 'approved' : 'executing';
    if (request.state !== expected) return { acted: false, request };
    if (mode === 'resume' && readPurchasePayload(request).execution?.phase === 'order-placed') {
      // Nothing left to buy: only make sure the order watch exists.
      await this.ensureWatch(request, correlationId);
      return { acted: false, request };
    }

    // One holder per run: a second run in this same process must not share the first one's lease.
    const holder = `${this.instanceId}:${randomUUID()}`;
    const lease = leaseName(requestId);
    if (!(await this.deps.store.leases.tryAcquire(lease, holder, this.leaseMs))) {
      return { acted: false, request: (await this.deps.store.requests.get(requestId)) ?? request };
    }
    this.active.set(requestId, (this.active.get(requestId) ?? 0) + 1);
    try {
      let current = request;
      if (mode === 'claim') {
        const claimed = await this.claim(request, correlationId);
        if (!claimed)
          return { acted: false, request: (await this.deps.store.requests.get(requestId)) ?? request };
        current = claimed;
      } else {
        await this.audit(current, 'purchase.resume', 'resumed', correlationId);
      }
      return { acted: true, request: await this.drive(current, holder, correlationId) };
    } finally {
      const left = (this.active.get(requestId) ?? 1) - 1;
      if (left > 0) this.active.set(requestId, left);
      else this.active.delete(requestId);
      await this.deps.store.leases.release(lease, holder);
    }
  }

  private async claim(request: ActionRequest, correlationId: string): Promise<ActionRequest | undefined> {
    let payload: PurchasePayload;
    try {
      payload = readPurchasePayload(request);
    } catch (error) {
      const failed = await this.deps.store.requests.transition(request.id, {
        from: 'approved',
        to: 'failed',
        patch: { error: { code: 'invalid-payload', message: (error as Error).message } },
      });
      if (failed.ok) await this.afterFailure(failed.request, 'invalid-payload', correlationId);
      return undefined;
    }
    const execution: Execution = { attemptId: randomUUID(), phase: 'claimed', claimedAt: this.now() };
    const claimed = await this.deps.store.requests.transition(request.id, {
      from: 'approved',
      to: 'executing',
      patch: { payload: purchasePayloadJson({ ...payload, execution }) },
    });
    if (!claimed.ok) return undefined;
    await this.audit(claimed.request, 'purchase.claim', 'executing', correlationId, {
      attemptId: execution.attemptId,
      instanceId: this.instanceId,
    });
    await this.notify(claimed.request, 'executing');
    await this.step('claimed', claimed.request);
    return claimed.request;
  }

  private async drive(request: ActionRequest, holder: string, correlationId: string): Promise<ActionRequest> {
    let latest = request;
    for (let round = 0; round < this.maxRounds; round++) {
      if (round > 0)
        await this.sleep(this.retryDelaysMs[Math.min(round - 1, this.retryDelaysMs.length - 1)] ?? 0);
      if (!(await this.deps.store.leases.renew(leaseName(request.id), holder, this.leaseMs))) {
        this.logger.warn({ requestId: request.id, correlationId }, 'purchase execution lease lost; stopping');
        break;
      }
      const outcome = await this.advance(request.id, holder, correlationId);
      if (outcome.request) latest = outcome.request;
      if (outcome.kind === 'done') return latest;
    }
    return (await this.deps.store.requests.get(request.id)) ?? latest;
  }

  /** One round: continues from the persisted phase until the order is placed, or fails, or defers. */
  private async advance(requestId: string, holder: string, correlationId: string): Promise<RoundOutcome> {
    const request = await this.deps.store.requests.get(requestId);
    if (!request || request.state !== 'executing') return { kind: 'done', request };
    const { item, execution } = readPurchasePayload(request);
    if (!execution)
      return this.fail(request, new PurchaseFailure('invalid-payload', 'No execution state'), correlationId);
    if (execution.phase === 'order-placed') {
      await this.ensureWatch(request, correlationId);
      return { kind: 'done', request };
    }
    try {
      const cart = execution.cartId
        ? await this.readBackCart(request, execution.cartId, correlationId)
        : await this.createAndPersistCart(request, item, execution, correlationId);
      // The cart is persisted: if another run took over meanwhile, it checks out this same cart.
      const stillOurs =
        cart !== 'order-found' &&
        cart !== undefined &&
        (await this.deps.store.leases.renew(leaseName(requestId), holder, this.leaseMs));
      if (!stillOurs) return { kind: 'done', request: await this.deps.store.requests.get(requestId) };
      const result = await this.checkout(request, item, cart, correlationId);
      // Only an observer needs the request as it stands here: spare the store read otherwise.
      if (this.deps.onStep)
        await this.step('checked-out', (await this.deps.store.requests.get(requestId)) ?? request);
      return await this.recordCheckout(requestId, result, correlationId);
    } catch (error) {
      return this.handleFailure(requestId, error, correlationId);
    }
  }

  private async createAndPersistCart(
    request: ActionRequest,
    item: PurchaseItem,
    execution: Execution,
    correlationId: string,
  ): Promise<Cart | undefined> {
    const availability = await freshAvailability(this.deps.pc, item, correlationId);
    const pcRequestId = randomUUID();
    const cart = await this.deps.pc.carts.create(
      request.customerId,
      cartFor(item, availability.catalogItemId),
      {
        correlationId,
        requestId: pcRequestId,
        // No API lists a customer's carts, so after an unclear create there is no cart to find: the
        // client may create again. A cart created by the unclear attempt is an orphan: its id is
        // never persisted, so it is never checked out, and Partner Center drops it after 7 days.
        guard: async () => undefined,
      },
    );
    await this.audit(request, 'purchase.cart.create', 'ok', correlationId, {
      cartId: cart.id,
      catalogItemId: availability.catalogItemId,
      pcRequestId,
    });
    await this.step('cart-created', request);
    const lineErrors = cartLineErrors(cart);
    if (lineErrors.length > 0) {
      throw new PurchaseFailure(CART_ITEMS_ERROR, 'Error in cart item(s)', { lineErrors, cartId: cart.id });
    }
    const persisted = await this.updateExecution(request.id, execution.attemptId, (current) =>
      // Another run that lost its lease may have persisted its cart first: that one is THE cart.
      current.cartId
        ? current
        : {
            ...current,
            phase: 'cart-created',
            cartId: cart.id,
            cartCreatedAt: this.now(),
            catalogItemId: availability.catalogItemId,
          },
    );
    if (!persisted) return undefined;
    await this.step('cart-persisted', persisted.request);
    const theCartId = persisted.execution.cartId;
    if (theCartId !== cart.id) {
      this.logger.warn(
        { requestId: request.id, orphan: cart.id, cartId: theCartId },
        'another run persisted its cart first',
      );
      return theCartId ? this.deps.pc.carts.get(request.customerId, theCartId, { correlationId }) : undefined;
    }
    return cart;
  }

  /**
   * The persisted cart, read back before anything is checked out again. 'Ordered' means an
   * earlier run checked it out: checking it out again returns that first result.
   */
  private async readBackCart(
    request: ActionRequest,
    cartId: string,
    correlationId: string,
  ): Promise<Cart | 'order-found'> {
    try {
      const cart = await this.deps.pc.carts.get(request.customerId, cartId, { correlationId });
      this.logger.info(
        { requestId: request.id, cartId, cartStatus: cart.status, correlationId },
        'purchase cart read back',
      );
      return cart;
    } catch (error) {
      if (!(error instanceof PartnerCenterError) || (error.code !== '800008' && error.status !== 404))
        throw error;
      return this.cartLost(request, cartId, correlationId);
    }
  }

  /** Our cart is gone (expired, or not found): its checkout may or may not have happened. */
  private async cartLost(
    request: ActionRequest,
    cartId: string,
    correlationId: string,
  ): Promise<'order-found'> {
    const orders = await this.ordersForRequest(request, correlationId);
    if (orders.length > 0) {
      await this.recordCheckout(request.id, { orders, orderErrors: [] }, correlationId);
      return 'order-found';
    }
    const createdAt = readPurchasePayload(request).execution?.cartCreatedAt ?? request.updatedAt;
    if (this.now() - createdAt < ORDER_LIST_LAG_MS) {
      throw new PartnerCenterError({
        code: 'pending',
        description: `Cart ${cartId} is not found and no order is listed yet (the list lags up to 15 min)`,
        method: 'GET',
        path: `/v1/customers/${request.customerId}/carts/${cartId}`,
        correlationId,
      });
    }
    throw new PurchaseFailure(
      'cart-not-found',
      `Cart ${cartId} is gone and Partner Center lists no order for it; check the customer's orders before buying again`,
      { cartId },
    );
  }

  private async checkout(
    request: ActionRequest,
    item: PurchaseItem,
    cart: Cart,
    correlationId: string,
  ): Promise<CartCheckoutResult> {
    try {
      return await this.checkoutOnce(request, cart.id, correlationId);
    } catch (error) {
      if (!(error instanceof PartnerCenterError)) throw error;
      if (error.code === CART_ITEMS_ERROR) {
        const fresh = await this.deps.pc.carts.get(request.customerId, cart.id, { correlationId });
        throw new PurchaseFailure(
          error.code,
          error.description,
          { lineErrors: cartLineErrors(fresh), cartId: cart.id },
          error.requestId,
        );
      }
      if (error.code !== '400019') throw error;
      const execution = readPurchasePayload(
        (await this.deps.store.requests.get(request.id)) ?? request,
      ).execution;
      if (execution?.availabilityRefreshed) {
        throw new PurchaseFailure(error.code, error.description, { cartId: cart.id }, error.requestId);
      }
      return this.refreshCartAndRetry(request, item, cart, execution, correlationId);
    }
  }

  /** 400019: the availability changed. Read it again, put it in the cart, and check out ONCE more. */
  private async refreshCartAndRetry(
    request: ActionRequest,
    item: PurchaseItem,
    cart: Cart,
    execution: Execution | undefined,
    correlationId: string,
  ): Promise<CartCheckoutResult> {
    const availability = await freshAvailability(
      this.deps.pc,
      { ...item, catalogItemId: execution?.catalogItemId ?? item.catalogItemId },
      correlationId,
    );
    const pcRequestId = randomUUID();
    const updated = await this.deps.pc.carts.update(
      request.customerId,
      cart.id,
      {
        lineItems: cart.lineItems.map((line) => ({
          id: line.id,
          catalogItemId: availability.catalogItemId,
          quantity: line.quantity,
          billingCycle: line.billingCycle ?? item.billingCycle,
        })),
      },
      { correlationId, requestId: pcRequestId },
    );
    await this.audit(request, 'purchase.cart.update', 'ok', correlationId, {
      cartId: cart.id,
      catalogItemId: availability.catalogItemId,
      reason: '400019',
      pcRequestId,
    });
    if (execution) {
      await this.updateExecution(request.id, execution.attemptId, (current) => ({
        ...current,
        availabilityRefreshed: true,
        catalogItemId: availability.catalogItemId,
      }));
    }
    const lineErrors = cartLineErrors(updated);
    if (lineErrors.length > 0)
      throw new PurchaseFailure(CART_ITEMS_ERROR, 'Error in cart item(s)', { lineErrors, cartId: cart.id });
    try {
      return await this.checkoutOnce(request, cart.id, correlationId);
    } catch (error) {
      if (error instanceof PartnerCenterError && error.code === '400019') {
        throw new PurchaseFailure(error.code, error.description, { cartId: cart.id }, error.requestId);
      }
      throw error;
    }
  }

  private async checkoutOnce(
    request: ActionRequest,
    cartId: string,
    correlationId: string,
  ): Promise<CartCheckoutResult> {
    const pcRequestId = randomUUID();
    try {
      const result = await this.deps.pc.carts.checkout(request.customerId, cartId, {
        correlationId,
        requestId: pcRequestId,
      });
      await this.audit(
        request,
        'purchase.checkout',
        result.orders.length > 0 ? 'ok' : 'no-order',
        correlationId,
        {
          cartId,
          pcRequestId,
          orderIds: result.orders.map((o) => o.id),
          orderErrors: (result.orderErrors ?? []).map((e) => e.code),
        },
      );
      return result;
    } catch (error) {
      await this.audit(request, 'purchase.checkout', 'error', correlationId, {
        cartId,
        pcRequestId: error instanceof PartnerCenterError ? (error.requestId ?? pcRequestId) : pcRequestId,
        code: errorSummary(error).code,
      });
      if (error instanceof PartnerCenterError && error.code === '800065') {
        // Historic answer to a second checkout: the cart was ordered, find what it became.
        const found = await this.ordersForRequest(request, correlationId);
        if (found.length > 0) return { orders: found, orderErrors: [] };
        throw new PartnerCenterError({
          code: 'pending',
          description: `${error.description} (its order is not listed yet)`,
          method: error.method,
          path: error.path,
          status: error.status,
          requestId: error.requestId,
          correlationId,
        });
      }
      throw error;
    }
  }

  private async recordCheckout(
    requestId: string,
    result: Pick<CartCheckoutResult, 'orders' | 'orderErrors'>,
    correlationId: string,
  ): Promise<RoundOutcome> {
    const request = await this.deps.store.requests.get(requestId);
    if (!request || request.state !== 'executing') return { kind: 'done', request };
    const orders: OrderRef[] = result.orders.map((o) => ({
      id: o.id,
      status: o.status,
      ...(o.creationDate ? { creationDate: o.creationDate } : {}),
    }));
    const orderErrors: OrderErrorRef[] = (result.orderErrors ?? []).map((e) => ({
      code: e.code,
      ...(e.orderGroupId ? { orderGroupId: e.orderGroupId } : {}),
      ...(e.description ? { description: e.description } : {}),
    }));
    if (orders.length === 0) {
      const first = orderErrors[0];
      return this.fail(
        request,
        new PurchaseFailure(first?.code ?? 'no-order', first?.description ?? 'Checkout placed no order', {
          orderErrors,
        }),
        correlationId,
      );
    }
    const { execution } = readPurchasePayload(request);
    const persisted = await this.updateExecution(requestId, execution?.attemptId, (current) => ({
      ...current,
      phase: 'order-placed',
      orders,
      orderErrors,
      orderPlacedAt: this.now(),
      lastError: undefined,
    }));
    if (!persisted) return { kind: 'done', request: await this.deps.store.requests.get(requestId) };
    await this.deps.store.requests.linkOrders(
      requestId,
      orders.map((o) => o.id),
    );
    await this.audit(
      persisted.request,
      'purchase.order-placed',
      orderErrors.length > 0 ? 'partial' : 'ok',
      correlationId,
      {
        orderIds: orders.map((o) => o.id),
        orderErrors: orderErrors.map((e) => e.code),
      },
    );
    await this.ensureWatch(persisted.request, correlationId);
    await this.notify(persisted.request, 'order-placed');
    await this.step('order-placed', persisted.request);
    return { kind: 'done', request: persisted.request };
  }

  private async ensureWatch(request: ActionRequest, correlationId: string): Promise<void> {
    const { execution } = readPurchasePayload(request);
    const orderIds = (execution?.orders ?? []).map((o) => o.id);
    if (orderIds.length === 0) return;
    const watch = orderWatchFor(request, orderIds, this.now() + this.firstOrderPollMs, this.firstOrderPollMs);
    if (await this.deps.store.watches.get(watch.id)) return;
    await this.deps.store.watches.upsert(watch);
    await this.audit(request, 'purchase.watch', 'created', correlationId, { watchId: watch.id, orderIds });
  }

  private async handleFailure(
    requestId: string,
    error: unknown,
    correlationId: string,
  ): Promise<RoundOutcome> {
    const request = await this.deps.store.requests.get(requestId);
    if (!request || request.state !== 'executing') return { kind: 'done', request };
    if (error instanceof PurchaseFailure) return this.fail(request, error, correlationId);
    if (isDefinitePcRefusal(error)) {
      return this.fail(
        request,
        new PurchaseFailure(error.code, error.description || error.message, {}, error.requestId),
        correlationId,
      );
    }
    return this.defer(request, error, correlationId);
  }

  /** Partner Center said no: the request fails with its code. */
  private async fail(
    request: ActionRequest,
    failure: PurchaseFailure,
    correlationId: string,
  ): Promise<RoundOutcome> {
    const outcome = await this.deps.store.requests.transition(request.id, {
      from: 'executing',
      to: 'failed',
      patch: {
        error: {
          code: failure.code,
          message: failure.message,
          ...failure.details,
          ...(failure.pcRequestId ? { pcRequestId: failure.pcRequestId } : {}),
        },
      },
    });
    if (!outcome.ok)
      return { kind: 'done', request: outcome.reason === 'not-found' ? undefined : outcome.current };
    await this.afterFailure(outcome.request, failure.code, correlationId, failure.pcRequestId);
    return { kind: 'done', request: outcome.request };
  }

  private async afterFailure(
    request: ActionRequest,
    code: string,
    correlationId: string,
    pcRequestId?: string,
  ): Promise<void> {
    await this.audit(request, 'purchase.fail', 'failed', correlationId, {
      code,
      ...(pcRequestId ? { pcRequestId } : {}),
    });
    await this.notify(request, 'failed');
    await this.step('failed', request);
  }

  /** The outcome is unknown or the service is busy: note it and leave the request resumable. */
  private async defer(request: ActionRequest, error: unknown, correlationId: string): Promise<RoundOutcome> {
    const summary = errorSummary(error);
    this.logger.warn({ requestId: request.id, correlationId, err: error }, 'purchase step deferred');
    const { execution } = readPurchasePayload(request);
    const persisted = await this.updateExecution(request.id, execution?.attemptId, (current) => ({
      ...current,
      deferrals: (current.deferrals ?? 0) + 1,
      lastError: { code: summary.code, message: summary.message },
    }));
    const latest = persisted?.request ?? request;
    await this.audit(latest, 'purchase.defer', 'deferred', correlationId, {
      code: summary.code,
      busy: BUSY_CODES.has(summary.code),
      ...(summary.pcRequestId ? { pcRequestId: summary.pcRequestId } : {}),
    });
    await this.step('deferred', latest);
    return { kind: 'deferred', request: latest };
  }

  /**
   * Versioned update of the execution state, merged on a concurrent change (a card attached
   * meanwhile bumps the version too). Undefined when the request is no longer executing.
   */
  private async updateExecution(
    requestId: string,
    attemptId: string | undefined,
    change: (current: Execution) => Execution,
  ): Promise<{ request: ActionRequest; execution: Execution } | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.deps.store.requests.get(requestId);
      if (!current || current.state !== 'executing') return undefined;
      const payload = readPurchasePayload(current);
      if (!payload.execution || (attemptId !== undefined && payload.execution.attemptId !== attemptId))
        return undefined;
      const execution = change(payload.execution);
      const outcome = await this.deps.store.requests.update(requestId, {
        expectedVersion: current.version,
        patch: { payload: purchasePayloadJson({ ...payload, execution }) },
      });
      if (outcome.ok) return { request: outcome.request, execution };
      if (outcome.reason === 'not-found') return undefined;
    }
    throw new Error(`Request ${requestId} keeps changing; execution state not saved`);
  }

  /** The orders Partner Center lists for this request's item since it was claimed. */
  private async ordersForRequest(request: ActionRequest, correlationId: string): Promise<Order[]> {
    const { item, execution } = readPurchasePayload(request);
    return ordersSince(
      this.deps.pc,
      request.customerId,
      execution?.claimedAt ?? request.createdAt,
      execution?.catalogItemId ?? item.catalogItemId,
      correlationId,
    );
  }

  private async audit(
    request: ActionRequest,
    action: string,
    outcome: string,
    correlationId: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const { pcRequestId, ...rest } = details;
    await this.deps.store.audit.append({
      actorId: ACTOR,
      actorName: `purchase executor ${this.instanceId}`,
      action,
      requestId: request.id,
      customerId: request.customerId,
      correlationId,
      ...(typeof pcRequestId === 'string' ? { pcRequestId } : {}),
      outcome,
      details: { approverId: request.approverId, ...rest } as JsonObject,
    });
  }

  private notify(request: ActionRequest, event: RequestEvent): Promise<void> {
    return notifySafely(this.deps.notifier, this.logger, request, event);
  }

  private async step(step: PurchaseStep, request: ActionRequest): Promise<void> {
    await this.deps.onStep?.(step, request);
  }
}

function leaseName(requestId: string): string {
  return `purchase-execution:${requestId}`;
}
