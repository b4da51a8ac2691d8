import type { Logger } from '../logging';
import { silentLogger } from '../logging';
import {
  collect,
  PartnerCenterError,
  type Order,
  type OrderLineItemProvisioningStatus,
  type PartnerCenterClient,
} from '../partnercenter';
import type { Store } from '../store';
import { isAuthLimitation } from './pcErrors';
import { purchaseProgress } from './purchasePayload';

export interface OrderLineSummary {
  lineItemNumber: number;
  offerId: string;
  friendlyName?: string;
  quantity?: number;
  subscriptionId?: string;
  termDuration?: string;
}

export interface OrderSummary {
  id: string;
  status: string;
  /** ISO 8601, as Partner Center gives it. */
  creationDate?: string;
  billingCycle?: string;
  currencyCode?: string;
  totalPrice?: number;
  lineItems: OrderLineSummary[];
  /** Our purchase request that placed it, when we know it. */
  requestId?: string;
}

export type ProvisioningInfo =
  | { available: true; lines: Array<{ lineItemNumber?: number; status: string }> }
  /** 'app-user-required': the call needs the partner user credential (App+User), which failed or is absent. */
  | { available: false; reason: 'app-user-required'; code: string };

export interface OrderDetails extends OrderSummary {
  provisioning?: ProvisioningInfo;
}

export interface OrderQueryDeps {
  pc: PartnerCenterClient;
  logger?: Logger;
}

/** `order <id>`: the order by id, and its provisioning status where the auth mode allows it. */
export async function getOrderDetails(
  deps: OrderQueryDeps,
  input: { customerId: string; orderId: string; correlationId: string; includeProvisioning: boolean },
): Promise<OrderDetails> {
  const call = { correlationId: input.correlationId };
  const [order, provisioning] = await Promise.all([
    deps.pc.orders.get(input.customerId, input.orderId, call),
    input.includeProvisioning ? provisioningOf(deps, input.customerId, input.orderId, call) : undefined,
  ]);
  return { ...summarizeOrder(order), ...(provisioning ? { provisioning } : {}) };
}

async function provisioningOf(
  deps: OrderQueryDeps,
  customerId: string,
  orderId: string,
  call: { correlationId: string },
): Promise<ProvisioningInfo> {
  let lines: OrderLineItemProvisioningStatus[];
  try {
    lines = await deps.pc.orders.getProvisioningStatus(customerId, orderId, call);
  } catch (error) {
    // App+User only: without the partner user (or with app-only auth), leave it out and say why.
    if (!(error instanceof PartnerCenterError) || !isAuthLimitation(error)) throw error;
    (deps.logger ?? silentLogger()).info(
      { customerId, orderId, correlationId: call.correlationId, code: error.code },
      'order provisioning status unavailable',
    );
    return { available: false, reason: 'app-user-required', code: error.code };
  }
  return {
    available: true,
    lines: lines.map((l) => ({
      ...(l.lineItemNumber !== undefined ? { lineItemNumber: l.lineItemNumber } : {}),
      status: l.status,
    })),
  };
}

export interface ListCustomerOrdersDeps {
  pc: PartnerCenterClient;
  store: Store;
}

export type ListedOrder = OrderSummary & {
  source: 'partner-center' | 'pending-listing';
  /** Set when the status is the one stored when the order was placed (its fresh read failed). */
  statusAsOf?: number;
};

/**
 * `orders <customer>`: newest first. Partner Center lists a new order only after up to 15
 * minutes; an order we placed within `pendingWindowMs` (default 20 min, a little more than the
 * documented lag) that it does not list yet comes from our own request records, marked
 * 'pending-listing'.
 */
export async function listCustomerOrders(
  deps: ListCustomerOrdersDeps,
  input: { customerId: string; correlationId: string; now: number; pendingWindowMs?: number },
): Promise<Array<ListedOrder>> {
  const window = input.pendingWindowMs ?? 20 * 60_000;
  const [listed, requests] = await Promise.all([
    collect(deps.pc.orders.list(input.customerId, { correlationId: input.correlationId })),
    deps.store.requests.list({
      kind: 'purchase',
      customerId: input.customerId,
      state: ['executing', 'succeeded'],
      limit: 100,
    }),
  ]);

  const placed = requests.flatMap((request) => {
    const progress = purchaseProgress(request);
    const { item, placedAt } = progress;
    if (!item || placedAt === undefined) return [];
    const catalogItemId = progress.catalogItemId ?? item.catalogItemId;
    return progress.orders.map((order) => ({ order, request, item, catalogItemId, placedAt }));
  });
  const requestOf = new Map(placed.map((p) => [p.order.id.toLowerCase(), p.request.id]));

  const result: ListedOrder[] = listed.map((order) => {
    const requestId = requestOf.get(order.id.toLowerCase());
    return { ...summarizeOrder(order), ...(requestId ? { requestId } : {}), source: 'partner-center' };
  });
  const shown = new Set(listed.map((o) => o.id.toLowerCase()));
  const unlisted = placed.filter(({ order, placedAt }) => {
    if (input.now - placedAt > window || shown.has(order.id.toLowerCase())) return false;
    shown.add(order.id.toLowerCase());
    return true;
  });
  // Orders the list does not show yet are read by id (the by-id read has no lag), so that `orders`
  // and `order <id>` give the same status; what was stored when it was placed is the fallback.
  const fresh = await Promise.allSettled(
    unlisted.map(({ order }) =>
      deps.pc.orders.get(input.customerId, order.id, { correlationId: input.correlationId }),
    ),
  );
  unlisted.forEach(({ order, request, item, catalogItemId, placedAt }, i) => {
    const read = fresh[i];
    if (read.status === 'fulfilled') {
      result.push({ ...summarizeOrder(read.value), requestId: request.id, source: 'pending-listing' });
      return;
    }
    result.push({
      id: order.id,
      status: order.status,
      creationDate: order.creationDate ?? new Date(placedAt).toISOString(),
      billingCycle: item.billingCycle,
      ...(item.currency ? { currencyCode: item.currency } : {}),
      lineItems: [
        {
          lineItemNumber: 0,
          offerId: catalogItemId,
          friendlyName: item.skuTitle,
          quantity: item.quantity,
        },
      ],
      requestId: request.id,
      source: 'pending-listing',
      statusAsOf: placedAt,
    });
  });
  return result.sort((a, b) => timeOf(b.creationDate) - timeOf(a.creationDate) || b.id.localeCompare(a.id));
}

export function summarizeOrder(order: Order): OrderSummary {
  return {
    id: order.id,
    status: order.status,
    ...(order.creationDate ? { creationDate: order.creationDate } : {}),
    ...(order.billingCycle ? { billingCycle: order.billingCycle } : {}),
    ...(order.currencyCode ? { currencyCode: order.currencyCode } : {}),
    ...(order.totalPrice !== undefined ? { totalPrice: order.totalPrice } : {}),
    lineItems: order.lineItems.map((l) => ({
      lineItemNumber: l.lineItemNumber,
      offerId: l.offerId,
      ...(l.friendlyName ? { friendlyName: l.friendlyName } : {}),
      ...(l.quantity !== undefined ? { quantity: l.quantity } : {}),
      ...(l.subscriptionId ? { subscriptionId: l.subscriptionId } : {}),
      ...(l.termDuration ? { termDuration: l.termDuration } : {}),
    })),
  };
}

function timeOf(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : t;
}
