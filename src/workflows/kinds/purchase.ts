import {
  collect,
  PartnerCenterError,
  type CartCheckoutResult,
  type Order,
  type PartnerCenterClient,
} from '../../partnercenter';
import type { ActionRequest, Store } from '../../store';
import { isAzurePlanOffer } from '../azurePlan';
import { nextDelayMs } from '../backoff';
import { CART_ITEMS_ERROR, cartFor, cartLineErrors, freshAvailability, ordersSince } from '../purchaseCart';
import {
  cartCheckpointSchema,
  checkoutCheckpointSchema,
  ordersCheckpointSchema,
  purchasePayloadSchema,
  purchaseProgress,
  PURCHASE_STEPS,
  type OrderErrorRef,
  type PurchasePayload,
  type PurchaseResult,
} from '../purchasePayload';
import { RequestFailure, step, type Fact, type RequestKind, type StepContext } from '../requests/kind';

export const PURCHASE_KIND = 'purchase';

/** Order statuses after which nothing more will happen (partner-center-api.md §5). */
const FAILED_ORDER_STATUSES = new Set(['cancelled', 'error', 'po review rejected', 'suspended']);
const DONE_ORDER_STATUSES = new Set(['completed', 'partial success']);
/** The order list lags up to 15 min: a lost cart is only judged once that has passed. */
const ORDER_LIST_LAG_MS = 20 * 60_000;

export interface PurchaseKindDeps {
  pc: PartnerCenterClient;
  store: Pick<Store, 'requests'>;
  /** The first look at a placed order (default 5 s); then doubling to `maxPollMs`. */
  firstPollMs?: number;
  maxPollMs?: number;
  /** Looks after completion for the plan subscription to be listed (default 10). */
  maxProvisioningPolls?: number;
}

type Ctx = StepContext<PurchasePayload>;

/**
 * Buying an Azure plan, exactly one order per approved request:
 * 1. create-cart: the availability is read again and the cart created; its id is THE cart of the
 *    request once stored (a cart created by a run whose result was not stored is never checked out).
 * 2. checkout: the stored cart is checked out (idempotent per cart: a second checkout returns the
 *    first result); 400019 → the availability read again and the cart updated, once.
 * 3. await-orders: each order read BY ID (the list lags 15 minutes) until it ends.
 * 4. find-plan: the Azure plan subscription the orders made and the Azure subscriptions under it.
 */
export function purchaseKind(deps: PurchaseKindDeps): RequestKind<PurchasePayload> {
  const poll = { initialMs: deps.firstPollMs ?? 5_000, maxMs: deps.maxPollMs ?? 5 * 60_000 };

  /**
   * The cart, made with the CatalogItemId the requester confirmed: no read of the availability
   * first. Catalog items change rarely; one retired between the request and its approval makes
   * checkout answer 400019, and the checkout step then reads the availability again and updates
   * the cart (recoverCheckout). The common case costs one call.
   */
  async function createCart(ctx: Ctx) {
    const { item } = ctx.payload;
    const pcRequestId = ctx.pcRequestId('create-cart');
    const cart = await deps.pc.carts.create(item.customerId, cartFor(item, item.catalogItemId), {
      correlationId: ctx.correlationId,
      requestId: pcRequestId,
    });
    await ctx.audit({
      action: 'purchase.cart.create',
      outcome: 'ok',
      pcRequestId,
      details: { cartId: cart.id, catalogItemId: item.catalogItemId },
    });
    const lineErrors = cartLineErrors(cart);
    if (lineErrors.length > 0) {
      return step.failed(
        new RequestFailure(CART_ITEMS_ERROR, 'Error in cart item(s)', {
          details: { lineErrors, cartId: cart.id },
        }),
      );
    }
    return step.done({
      cartId: cart.id,
      catalogItemId: item.catalogItemId,
      cartCreatedAt: ctx.now(),
    });
  }

  async function checkout(ctx: Ctx) {
    const cart = cartCheckpointSchema.parse(ctx.checkpoint(PURCHASE_STEPS.cart));
    let result: CartCheckoutResult;
    try {
      result = await checkoutOnce(ctx, cart.cartId, 'checkout');
    } catch (error) {
      result = await recoverCheckout(ctx, cart, error);
    }
    const orders = result.orders.map((o) => ({
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
      return step.failed(
        new RequestFailure(first?.code ?? 'no-order', first?.description ?? 'Checkout placed no order', {
          details: { orderErrors },
        }),
      );
    }
    await deps.store.requests.linkOrders(
      ctx.request.id,
      orders.map((o) => o.id),
    );
    await ctx.audit({
      action: 'purchase.order-placed',
      outcome: orderErrors.length > 0 ? 'partial' : 'ok',
      details: { orderIds: orders.map((o) => o.id), orderErrors: orderErrors.map((e) => e.code) },
    });
    return step.done({ orders, orderErrors }, 'order-placed');
  }

  /** 800009, 400019 (once), a lost cart or the historic 800065: what the checkout error tells us. */
  async function recoverCheckout(
    ctx: Ctx,
    cart: { cartId: string; catalogItemId: string; cartCreatedAt: number },
    error: unknown,
  ): Promise<CartCheckoutResult> {
    if (!(error instanceof PartnerCenterError)) throw error;
    const { item } = ctx.payload;
    if (error.code === CART_ITEMS_ERROR) {
      const fresh = await deps.pc.carts.get(item.customerId, cart.cartId, {
        correlationId: ctx.correlationId,
      });
      throw new RequestFailure(error.code, error.description, {
        details: { lineErrors: cartLineErrors(fresh), cartId: cart.cartId },
        ...(error.requestId ? { pcRequestId: error.requestId } : {}),
      });
    }
    if (error.code === '800008' || (error.status === 404 && error.code !== '400019'))
      return cartLost(ctx, cart);
    if (error.code === '800065') {
      // Historic answer to a second checkout: the cart was ordered, find what it became.
      const found = await ordersSince(
        deps.pc,
        item.customerId,
        claimedAt(ctx),
        cart.catalogItemId,
        ctx.correlationId,
      );
      if (found.length > 0) return { orders: found, orderErrors: [] };
      throw pending(ctx, `${error.description} (its order is not listed yet)`);
    }
    if (error.code !== '400019') throw error;
    // The availability changed: read it again, put it in the cart, and check out ONCE more.
    const availability = await freshAvailability(
      deps.pc,
      { ...item, catalogItemId: cart.catalogItemId },
      {
        correlationId: ctx.correlationId,
      },
    );
    const current = await deps.pc.carts.get(item.customerId, cart.cartId, {
      correlationId: ctx.correlationId,
    });
    const pcRequestId = ctx.pcRequestId('update-cart');
    const updated = await deps.pc.carts.update(
      item.customerId,
      cart.cartId,
      {
        lineItems: current.lineItems.map((line) => ({
          id: line.id,
          catalogItemId: availability.catalogItemId,
          quantity: line.quantity,
          billingCycle: line.billingCycle ?? item.billingCycle,
        })),
      },
      { correlationId: ctx.correlationId, requestId: pcRequestId },
    );
    await ctx.audit({
      action: 'purchase.cart.update',
      outcome: 'ok',
      pcRequestId,
      details: { cartId: cart.cartId, catalogItemId: availability.catalogItemId, reason: '400019' },
    });
    const lineErrors = cartLineErrors(updated);
    if (lineErrors.length > 0) {
      throw new RequestFailure(CART_ITEMS_ERROR, 'Error in cart item(s)', {
        details: { lineErrors, cartId: cart.cartId },
      });
    }
    try {
      return await checkoutOnce(ctx, cart.cartId, 'checkout-again');
    } catch (again) {
      if (again instanceof PartnerCenterError && again.code === '400019') {
        throw new RequestFailure(again.code, again.description, {
          details: { cartId: cart.cartId },
          ...(again.requestId ? { pcRequestId: again.requestId } : {}),
        });
      }
      throw again;
    }
  }

  async function checkoutOnce(ctx: Ctx, cartId: string, call: string): Promise<CartCheckoutResult> {
    const pcRequestId = ctx.pcRequestId(call);
    try {
      const result = await deps.pc.carts.checkout(ctx.payload.item.customerId, cartId, {
        correlationId: ctx.correlationId,
        requestId: pcRequestId,
      });
      await ctx.audit({
        action: 'purchase.checkout',
        outcome: result.orders.length > 0 ? 'ok' : 'no-order',
        pcRequestId,
        details: {
          cartId,
          orderIds: result.orders.map((o) => o.id),
          orderErrors: (result.orderErrors ?? []).map((e) => e.code),
        },
      });
      return result;
    } catch (error) {
      await ctx.audit({
        action: 'purchase.checkout',
        outcome: 'error',
        pcRequestId: error instanceof PartnerCenterError ? (error.requestId ?? pcRequestId) : pcRequestId,
        details: { cartId, code: error instanceof PartnerCenterError ? error.code : 'internal' },
      });
      throw error;
    }
  }

  /** Our cart is gone (expired, or not found): its checkout may or may not have happened. */
  async function cartLost(
    ctx: Ctx,
    cart: { cartId: string; catalogItemId: string; cartCreatedAt: number },
  ): Promise<CartCheckoutResult> {
    const { item } = ctx.payload;
    const orders = await ordersSince(
      deps.pc,
      item.customerId,
      claimedAt(ctx),
      cart.catalogItemId,
      ctx.correlationId,
    );
    if (orders.length > 0) return { orders, orderErrors: [] };
    if (ctx.now() - cart.cartCreatedAt < ORDER_LIST_LAG_MS) {
      throw pending(
        ctx,
        `Cart ${cart.cartId} is not found and no order is listed yet (the list lags up to 15 min)`,
      );
    }
    throw new RequestFailure(
      'cart-not-found',
      `Cart ${cart.cartId} is gone and Partner Center lists no order for it; check the customer's orders before buying again`,
      { details: { cartId: cart.cartId } },
    );
  }

  async function awaitOrders(ctx: Ctx) {
    // A fresh order is pending for a while: the first look waits instead of asking at once.
    if (ctx.poll.polls === 0) return step.wait(poll.initialMs);
    const placed = checkoutCheckpointSchema.parse(ctx.checkpoint(PURCHASE_STEPS.checkout));
    const orders: Order[] = [];
    for (const ref of placed.orders) {
      orders.push(
        await deps.pc.orders.get(ctx.payload.item.customerId, ref.id, { correlationId: ctx.correlationId }),
      );
    }
    const failed = orders.find((o) => FAILED_ORDER_STATUSES.has(o.status));
    if (failed) {
      return step.failed(
        new RequestFailure(
          `order-${failed.status.replace(/\s+/g, '-')}`,
          `Order ${failed.id} ended "${failed.status}"`,
          {
            details: { orderId: failed.id },
          },
        ),
      );
    }
    if (!orders.every((o) => DONE_ORDER_STATUSES.has(o.status))) {
      return step.wait(nextDelayMs(ctx.poll.lastDelayMs, poll));
    }
    return step.done({
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
    });
  }

  async function findPlan(ctx: Ctx) {
    const customerId = ctx.payload.item.customerId;
    const { orders } = ordersCheckpointSchema.parse(ctx.checkpoint(PURCHASE_STEPS.orders));
    const { orderErrors } = checkoutCheckpointSchema.parse(ctx.checkpoint(PURCHASE_STEPS.checkout));
    // A completed order's line names the subscription it made: the list by order is read only
    // when it does not.
    const fromLines = orders
      .flatMap((o) => o.lineItems)
      .find((l) => isAzurePlanOffer(l.offerId) && l.subscriptionId)?.subscriptionId;
    let planSubscriptionId = fromLines;
    for (const order of fromLines ? [] : orders) {
      const listed = await collect(
        deps.pc.subscriptions.list(customerId, { orderId: order.id, correlationId: ctx.correlationId }),
      );
      planSubscriptionId ??= listed.find((s) => isAzurePlanOffer(s.offerId))?.id;
    }
    if (!planSubscriptionId && ctx.poll.polls < (deps.maxProvisioningPolls ?? 10)) {
      return step.wait(nextDelayMs(ctx.poll.lastDelayMs, poll));
    }
    const azureSubscriptionIds = planSubscriptionId
      ? (
          await collect(
            deps.pc.azureEntitlements.list(customerId, planSubscriptionId, {
              correlationId: ctx.correlationId,
            }),
          )
        ).map((e) => e.id)
      : [];
    const result: PurchaseResult = {
      orders,
      orderErrors,
      partial: orderErrors.length > 0 || orders.some((o) => o.status === 'partial success'),
      ...(planSubscriptionId ? { planSubscriptionId } : {}),
      azureSubscriptionIds,
      completedAt: ctx.now(),
    };
    await ctx.audit({
      action: 'purchase.provisioned',
      outcome: result.partial ? 'partial' : 'ok',
      details: {
        orderIds: orders.map((o) => o.id),
        ...(planSubscriptionId ? { planSubscriptionId } : {}),
        azureSubscriptionIds,
      },
    });
    return step.succeeded(result);
  }

  return {
    name: PURCHASE_KIND,
    payload: purchasePayloadSchema,
    requiredRole: 'requester',
    approval: { approvers: 1, expiryHours: 72 },
    steps: [
      { name: PURCHASE_STEPS.cart, run: createCart },
      { name: PURCHASE_STEPS.checkout, run: checkout },
      { name: PURCHASE_STEPS.orders, run: awaitOrders },
      { name: PURCHASE_STEPS.plan, run: findPlan },
    ],
    facts: purchaseFacts,
    subject: (payload) => payload.item.customerId,
  };
}

function claimedAt(ctx: Ctx): number {
  return ctx.request.execution?.claimedAt ?? ctx.request.createdAt;
}

function pending(ctx: Ctx, description: string): PartnerCenterError {
  return new PartnerCenterError({
    code: 'pending',
    description,
    method: 'GET',
    path: `/v1/customers/${ctx.payload.item.customerId}/orders`,
    correlationId: ctx.correlationId,
  });
}

export function purchaseFacts(request: ActionRequest, payload: PurchasePayload): Fact[] {
  const { item } = payload;
  const progress = purchaseProgress(request);
  const orderIds = [
    ...new Set([...progress.orders.map((o) => o.id), ...(progress.result?.orders.map((o) => o.id) ?? [])]),
  ];
  const facts: Fact[] = [
    { key: 'customer', value: `${item.customerName} (${item.country})` },
    { key: 'product', value: item.productTitle },
    { key: 'sku', value: item.skuTitle },
    { key: 'catalogItemId', value: progress.catalogItemId ?? item.catalogItemId },
    { key: 'billingCycle', value: { type: 'term', set: 'billingCycle', value: item.billingCycle } },
    { key: 'quantity', value: item.quantity },
  ];
  if (orderIds.length > 0) facts.push({ key: 'orders', value: { type: 'list', items: orderIds } });
  if (progress.result?.planSubscriptionId)
    facts.push({ key: 'planSubscription', value: progress.result.planSubscriptionId });
  if (progress.result && progress.result.azureSubscriptionIds.length > 0) {
    facts.push({
      key: 'azureSubscriptions',
      value: { type: 'list', items: progress.result.azureSubscriptionIds },
    });
  }
  return facts;
}
