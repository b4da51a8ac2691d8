import {
  collect,
  PartnerCenterError,
  type Availability,
  type Cart,
  type CartInput,
  type Order,
  type PartnerCenterClient,
} from '../partnercenter';
import type { JsonObject } from '../store';
import type { PurchaseItem } from './purchasePayload';
import { RequestFailure } from './requests/kind';

/** Cart line errors that Partner Center reports in the cart rather than as an HTTP error. */
export const CART_ITEMS_ERROR = '800009';

/** The Azure plan cart: one line, no term (the SKU has none), as partner-center-api.md §4 reads the docs. */
export function cartFor(item: PurchaseItem, catalogItemId: string): CartInput {
  return { lineItems: [{ id: 0, catalogItemId, quantity: item.quantity, billingCycle: item.billingCycle }] };
}

export function cartLineErrors(cart: Cart): JsonObject[] {
  return cart.lineItems
    .filter((line) => line.error)
    .map((line) => ({
      lineItemId: line.id,
      catalogItemId: line.catalogItemId,
      errorCode: String(line.error?.errorCode ?? ''),
      errorDescription: line.error?.errorDescription ?? '',
    }));
}

/**
 * The availability, read fresh (its id and catalogItemId change over time). If its id was
 * retired, the SKU's current availability of the same segment.
 */
export async function freshAvailability(
  pc: PartnerCenterClient,
  item: PurchaseItem,
  options: { correlationId: string; requestId?: string },
): Promise<Availability> {
  const scope = { customerId: item.customerId, fresh: true, correlationId: options.correlationId };
  try {
    return await pc.catalog.getAvailability(item.country, item.productId, item.skuId, item.availabilityId, {
      ...scope,
      ...(options.requestId ? { requestId: options.requestId } : {}),
    });
  } catch (error) {
    if (!(error instanceof PartnerCenterError) || (error.code !== '400019' && error.status !== 404))
      throw error;
    const current = (
      await pc.catalog.listAvailabilities(item.country, item.productId, item.skuId, scope)
    ).filter((a) => a.isPurchasable !== false);
    const successor =
      current.find((a) => item.segment !== undefined && a.segment === item.segment) ?? current[0];
    if (!successor) {
      throw new RequestFailure(
        '400019',
        `No purchasable availability is left for ${item.productId}:${item.skuId}`,
      );
    }
    return successor;
  }
}

/** Orders Partner Center lists for this customer since `since` (epoch ms) that hold the catalog item. */
export async function ordersSince(
  pc: PartnerCenterClient,
  customerId: string,
  since: number,
  catalogItemId: string,
  correlationId: string,
): Promise<Order[]> {
  const all = await collect(pc.orders.list(customerId, { correlationId }));
  const wanted = catalogItemId.toLowerCase();
  // Five minutes of slack for clocks that disagree.
  return all.filter(
    (o) =>
      Date.parse(o.creationDate ?? '') >= since - 5 * 60_000 &&
      o.lineItems.some((l) => l.offerId.toLowerCase() === wanted),
  );
}
