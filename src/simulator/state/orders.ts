import { hasAcceptedMca } from './agreements';
import { activeAzureSubscriptions, currentPlan, findSubscription, legacySubscription } from './assets';
import type { Actor } from './audit';
import { getCart, normalizeBillingCycle } from './carts';
import { resolveCatalogItem } from './catalog';
import { DAY_MS } from './clock';
import { orderNotFound, PcError } from './errors';
import { TAX_RATE } from './invoices';
import type {
  CartLineRecord,
  CartRecord,
  CheckoutOutcome,
  CustomerState,
  OrderErrorRecord,
  OrderLineRecord,
  OrderOutcome,
  OrderRecord,
  SubscriptionRecord,
} from './types';
import type { World } from './world';

/** Checkout and what follows it: orders, their completion (provisioning), the orders list. */

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Checkout, idempotent per cart: a second call returns the first result; a call while the same
 * cart is being checked out answers 409 800064; a failed checkout leaves the cart active.
 */
export async function checkoutCart(
  world: World,
  customer: CustomerState,
  cartId: string,
  actor: Actor,
): Promise<CheckoutOutcome> {
  const cart = getCart(world, customer, cartId);
  if (cart.checkoutResult) return cart.checkoutResult;
  if (cart.processing) {
    throw new PcError(409, '800064', `Cart ${cart.id} is being processed by another request`);
  }
  cart.processing = true;
  try {
    if (world.config.checkoutProcessingMs > 0) await delay(world.config.checkoutProcessingMs);
    world.settle();
    return placeOrders(world, customer, cart, actor);
  } finally {
    cart.processing = false;
  }
}

function validateForCheckout(customer: CustomerState, cart: CartRecord): void {
  const withErrors = cart.lines.filter((l) => l.error);
  if (withErrors.length > 0) {
    throw new PcError(
      400,
      '800009',
      'Error in Cart item(s)',
      withErrors.map((l) => ({ lineItemId: l.id, catalogItemId: l.catalogItemId, error: l.error })),
    );
  }
  const resolved = cart.lines.map((l) => resolveCatalogItem(l.catalogItemId));
  const needsMca = resolved.some(
    (r) => r.kind !== 'invalid' && r.sku.purchasePrerequisites.includes('MicrosoftCustomerAgreement'),
  );
  if (needsMca && !hasAcceptedMca(customer)) {
    throw new PcError(
      403,
      '13605',
      'Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center before you can complete this purchase',
    );
  }
  if (resolved.some((r) => r.kind === 'staleAvailability')) {
    throw new PcError(
      404,
      '400019',
      'Availability not found. This error can occur when checking out a cart. Issue a new GET to get the current availability ID and retry the cart check out.',
    );
  }
  const upgrade = customer.upgrade;
  const buysPlan = resolved.some((r) => r.kind === 'ok' && r.product.kind === 'azurePlan');
  if (upgrade && buysPlan && upgrade.status === 'InProgress') {
    throw new PcError(
      409,
      '900113',
      `This purchase isn't allowed as the upgrade request ${upgrade.id} is in progress`,
    );
  }
  if (upgrade && buysPlan && upgrade.status === 'Failed') {
    throw new PcError(
      409,
      '900114',
      `This purchase isn't allowed as the upgrade request ${upgrade.id} failed`,
    );
  }
  for (const line of cart.lines) {
    const r = resolveCatalogItem(line.catalogItemId);
    if (r.kind === 'ok' && r.product.kind === 'reservation') validateReservationContext(customer, line);
  }
}

function validateReservationContext(customer: CustomerState, line: CartLineRecord): void {
  const context = Object.fromEntries(
    Object.entries(line.provisioningContext).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  const scope = (context.scope ?? '').toLowerCase();
  if (scope !== 'shared' && scope !== 'single') {
    throw new PcError(
      400,
      '900312',
      `The selected scope '${context.scope ?? ''}' in the provisioning context is not supported.`,
    );
  }
  if (!context.subscriptionid) {
    throw new PcError(
      400,
      '900317',
      'Subscription ID (Azure plan ID) in the provisioning context is required for the transaction.',
    );
  }
  const target = findSubscription(customer, context.subscriptionid);
  const usable =
    target &&
    target.status === 'active' &&
    (target.kind === 'legacyAzure' || activeAzureSubscriptions(target).length > 0);
  if (!usable) {
    throw new PcError(
      400,
      '900318',
      'The Azure plan associated with the subscription ID was not found or there are no active Azure subscriptions under it. An Azure Plan with active subscription(s) is required to complete the purchase.',
    );
  }
}

function planGroupError(customer: CustomerState): OrderErrorRecord | undefined {
  if (currentPlan(customer)) {
    return {
      orderGroupId: '0',
      code: 800066,
      description:
        'The desired number of subscriptions exceeded the maximum number of subscriptions allowed per customer (one Azure plan per customer).',
    };
  }
  if (legacySubscription(customer)) {
    return {
      orderGroupId: '0',
      code: 800020,
      description:
        "The catalog item isn't eligible for purchase. The customer has a Microsoft Azure (MS-AZR-0145P) subscription: upgrade it to an Azure plan with the product upgrade API.",
    };
  }
  return undefined;
}

function placeOrders(world: World, customer: CustomerState, cart: CartRecord, actor: Actor): CheckoutOutcome {
  validateForCheckout(customer, cart);
  const now = world.now();
  const groups = new Map<string, CartLineRecord[]>();
  for (const line of cart.lines) groups.set(line.orderGroup, [...(groups.get(line.orderGroup) ?? []), line]);

  const orderIds: string[] = [];
  const orderErrors: OrderErrorRecord[] = [];
  for (const [group, lines] of groups) {
    const groupError = group === '0' ? planGroupError(customer) : undefined;
    if (groupError) {
      orderErrors.push(groupError);
      continue;
    }
    const order = newOrder(world, customer, cart, lines, now);
    customer.orders.push(order);
    orderIds.push(order.id);
    world.scheduler.at(order.completesAt, () => completeOrder(world, customer, order));
    world.record(actor, customer, {
      resourceType: 'order',
      operationType: 'create_order',
      resourceNewValue: JSON.stringify({
        Id: order.id,
        ReferenceCustomerId: customer.profile.id,
        CartId: cart.id,
      }),
      customizedData: [
        { key: 'OrderId', value: order.id },
        { key: 'BillingCycle', value: order.billingCycle },
        ...order.lines.map((l) => ({ key: `OfferId-${l.lineItemNumber}`, value: l.offerId })),
      ],
    });
  }
  cart.status = orderIds.length > 0 ? 'Ordered' : cart.status;
  cart.lastModifiedTimestamp = now;
  const outcome = { orderIds, orderErrors };
  if (orderIds.length > 0) cart.checkoutResult = outcome;
  world.settle();
  return outcome;
}

function newOrder(
  world: World,
  customer: CustomerState,
  cart: CartRecord,
  lines: CartLineRecord[],
  now: number,
): OrderRecord {
  const id = world.ids.hex('order', 12);
  const orderLines: OrderLineRecord[] = lines.map((line, i) => {
    const r = resolveCatalogItem(line.catalogItemId);
    if (r.kind !== 'ok') throw new PcError(500, '800003', 'Unexpected service error');
    return {
      lineItemNumber: i,
      offerId: line.catalogItemId,
      productId: r.product.id,
      skuId: r.sku.id,
      availabilityId: r.availability.id,
      friendlyName: line.friendlyName ?? r.sku.title,
      quantity: line.quantity,
      termDuration: line.termDuration ?? r.availability.terms[0]?.duration,
      provisioningContext:
        Object.keys(line.provisioningContext).length > 0 ? line.provisioningContext : undefined,
      effect: r.product.kind === 'reservation' ? 'reservation' : 'azurePlan',
      unitPriceCents: r.availability.unitPriceCents,
      plannedSubscriptionId: world.ids.guid('subscription'),
    };
  });
  const outcome = customer.nextOrderOutcomes?.shift();
  return {
    id,
    alternateId: id,
    customerId: customer.profile.id,
    billingCycle: lines[0].billingCycle,
    currencyCode: customer.profile.currency,
    lines: orderLines,
    creationDate: now,
    status: 'pending',
    completesAt: now + world.config.orderCompletionDelayMs,
    transactionType: 'UserPurchase',
    cartId: cart.id,
    ...(outcome ? { outcome } : {}),
  };
}

/**
 * The order ends as decided (`completed` unless the control API said otherwise). Only a completed
 * order provisions: the Azure plan subscription with its first Azure subscription, or the
 * reservation; a cancelled or failed one creates nothing.
 */
function completeOrder(world: World, customer: CustomerState, order: OrderRecord): void {
  if (order.status !== 'pending') return;
  order.status = order.outcome ?? 'completed';
  if (order.status !== 'completed') return;
  const now = world.now();
  for (const line of order.lines) {
    if (line.effect === 'savingsPlan') continue;
    if (line.effect === 'azurePlan') {
      const plan: SubscriptionRecord = {
        id: line.plannedSubscriptionId,
        kind: 'azurePlan',
        offerId: line.offerId,
        offerName: 'Microsoft Azure plan',
        friendlyName: line.friendlyName,
        productId: line.productId,
        skuId: line.skuId,
        availabilityId: line.availabilityId,
        status: 'active',
        suspensionReasons: [],
        creationDate: now,
        effectiveStartDate: now,
        orderId: order.id,
        autoRenewEnabled: false,
        version: 1,
        azureEntitlements: [],
      };
      plan.azureEntitlements.push({
        id: world.ids.guid('azure-subscription'),
        friendlyName: 'Microsoft Azure',
        status: 'active',
        planId: plan.id,
      });
      customer.subscriptions.push(plan);
      line.subscriptionId = plan.id;
    } else {
      addReservation(world, customer, order, line, now);
    }
  }
}

function addReservation(
  world: World,
  customer: CustomerState,
  order: OrderRecord,
  line: OrderLineRecord,
  now: number,
) {
  const years = line.termDuration === 'P3Y' ? 3 : 1;
  const resourceId = line.plannedSubscriptionId;
  customer.reservations.push({
    orderId: order.id,
    orderAlternateId: order.alternateId,
    lineItemId: String(line.lineItemNumber),
    productId: line.productId,
    skuId: line.skuId,
    quantity: line.quantity,
    groupId: world.ids.hex('reservation-group', 32),
    artifactLineItemId: world.ids.guid('reservation-line'),
    resourceId,
    reservation: {
      reservationId: world.ids.guid('reservation'),
      displayName: line.friendlyName,
      scopeType:
        (line.provisioningContext?.scope ?? 'shared').toLowerCase() === 'single' ? 'Single' : 'Shared',
      quantity: line.quantity,
      effectiveDateTime: now,
      expiryDateTime: now + years * 365 * DAY_MS,
      provisioningState: 'Created',
    },
  });
  const subtotalCents = line.unitPriceCents * line.quantity;
  const taxCents = Math.round(subtotalCents * TAX_RATE[customer.profile.currency]);
  world.invoices.addUnbilledPurchase({
    customer: customer.profile,
    orderId: order.id,
    orderDate: order.creationDate,
    productId: line.productId,
    skuId: line.skuId,
    availabilityId: line.availabilityId,
    productName: line.friendlyName,
    skuName: line.friendlyName,
    chargeType: 'new',
    unitPriceCents: line.unitPriceCents,
    quantity: line.quantity,
    subtotalCents,
    taxCents,
    totalCents: subtotalCents + taxCents,
    currency: customer.profile.currency,
    subscriptionId: resourceId,
    subscriptionStartDate: now,
    subscriptionEndDate: now + years * 365 * DAY_MS,
    chargeStartDate: now,
    chargeEndDate: now + years * 365 * DAY_MS,
    termAndBillingCycle: years === 3 ? 'Three-Year commitment' : 'One-Year commitment',
    billingFrequency: 'OneTime',
    referenceId: world.ids.guid('reference'),
    reservationOrderId: world.ids.guid('reservation-order'),
  });
}

export function findOrder(customer: CustomerState, orderId: string): OrderRecord {
  const key = orderId.toLowerCase();
  const order = customer.orders.find(
    (o) => o.id.toLowerCase() === key || o.alternateId.toLowerCase() === key,
  );
  if (!order) throw orderNotFound();
  return order;
}

/** The orders list lags: an order shows there only `orderListLagMs` after its creation. */
export function listedOrders(world: World, customer: CustomerState, billingType?: string): OrderRecord[] {
  const now = world.now();
  const wanted = billingType ? normalizeBillingCycle(billingType) : undefined;
  return customer.orders
    .filter((o) => o.creationDate + world.config.orderListLagMs <= now)
    .filter((o) => !wanted || normalizeBillingCycle(o.billingCycle) === wanted)
    .sort((a, b) => a.creationDate - b.creationDate);
}

/**
 * Control API: how an order ends. A pending order takes the outcome when it is due; a completed
 * order can still end cancelled or in error, which cancels what it provisioned (its subscriptions
 * become `deleted`, their Azure subscriptions inactive, its reservations cancelled).
 */
export function setOrderOutcome(customer: CustomerState, order: OrderRecord, outcome: OrderOutcome): void {
  if (order.status === 'pending') {
    order.outcome = outcome;
    return;
  }
  if (order.status === outcome) return;
  if (order.status !== 'completed' || outcome === 'completed') {
    throw new PcError(409, '800002', `Order ${order.id} has already ended ${order.status}.`);
  }
  order.status = outcome;
  order.outcome = outcome;
  const ids = new Set(order.lines.map((l) => l.subscriptionId?.toLowerCase()).filter(Boolean));
  for (const subscription of customer.subscriptions) {
    if (!ids.has(subscription.id.toLowerCase())) continue;
    subscription.status = 'deleted';
    subscription.version += 1;
    for (const e of subscription.azureEntitlements) e.status = 'inactive';
  }
  for (const r of customer.reservations) {
    if (r.orderId === order.id) r.reservation.provisioningState = 'Cancelled';
  }
}

/** Control API: the outcomes the customer's next orders take, in order. */
export function queueOrderOutcomes(customer: CustomerState, outcome: OrderOutcome, times: number): void {
  customer.nextOrderOutcomes = [
    ...(customer.nextOrderOutcomes ?? []),
    ...Array.from({ length: times }, () => outcome),
  ];
}
