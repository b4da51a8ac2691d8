import type { Actor } from './audit';
import { resolveCatalogItem, type CatalogSku } from './catalog';
import { DAY_MS } from './clock';
import { cartNotFound, invalidInput, PcError } from './errors';
import type { CartLineError, CartLineRecord, CartRecord, CustomerState } from './types';
import type { World } from './world';

export interface CartLineInput {
  id?: number;
  catalogItemId: string;
  quantity: number;
  billingCycle: string;
  termDuration?: string;
  friendlyName?: string;
  provisioningContext?: Record<string, string>;
}

export interface CartInput {
  lineItems: CartLineInput[];
  partnerOnRecordAttestationAccepted?: boolean;
}

const CART_LIFETIME_MS = 7 * DAY_MS;

/** Billing cycles arrive as `OneTime`, `one_time`, `onetime`, `Monthly`...: compare them in one form. */
export function normalizeBillingCycle(value: string): string {
  const v = value.replace(/[\s_-]/g, '').toLowerCase();
  return v === 'onetime' ? 'one_time' : v;
}

function lineError(
  customer: CustomerState,
  line: CartLineInput,
): { error?: CartLineError; orderGroup: string; sku?: CatalogSku } {
  const resolved = resolveCatalogItem(line.catalogItemId);
  if (resolved.kind === 'invalid') {
    return {
      orderGroup: '0',
      error: {
        errorCode: 'catalog_item_id_is_not_valid',
        errorDescription: `The catalog item ID ${line.catalogItemId} is not valid.`,
      },
    };
  }
  const { product, sku } = resolved;
  const orderGroup = product.kind === 'reservation' ? '1' : '0';
  if (product.kind === 'legacyAzure' || (resolved.kind === 'ok' && !resolved.availability.isPurchasable)) {
    return {
      orderGroup,
      sku,
      error: {
        errorCode: 'unable_to_process_cart_line_item',
        errorDescription: `${sku.title} is no longer available for new purchases in ${customer.profile.country}.`,
      },
    };
  }
  if (line.quantity < sku.minimumQuantity || line.quantity > sku.maximumQuantity) {
    return {
      orderGroup,
      sku,
      error: {
        errorCode: 'invalid_input',
        errorDescription: `Quantity ${line.quantity} is outside ${sku.minimumQuantity}..${sku.maximumQuantity}.`,
      },
    };
  }
  if (!sku.supportedBillingCycles.includes(normalizeBillingCycle(line.billingCycle))) {
    return {
      orderGroup,
      sku,
      error: {
        errorCode: 'invalid_input',
        errorDescription: `Billing cycle ${line.billingCycle} is not supported; use ${sku.supportedBillingCycles.join(', ')}.`,
      },
    };
  }
  return { orderGroup, sku };
}

function buildLines(customer: CustomerState, input: CartInput): CartLineRecord[] {
  if (!Array.isArray(input.lineItems) || input.lineItems.length === 0) {
    throw invalidInput('The cart must have at least one line item.');
  }
  return input.lineItems.map((line, index) => {
    const check = lineError(customer, line);
    return {
      id: line.id ?? index,
      catalogItemId: line.catalogItemId,
      friendlyName: line.friendlyName,
      quantity: line.quantity,
      billingCycle: normalizeBillingCycle(line.billingCycle),
      termDuration: line.termDuration,
      provisioningContext: line.provisioningContext ?? {},
      orderGroup: check.orderGroup,
      currencyCode: customer.profile.currency,
      ...(check.error ? { error: check.error } : {}),
    };
  });
}

export function createCart(
  world: World,
  customer: CustomerState,
  input: CartInput,
  actor: Actor,
): CartRecord {
  const now = world.now();
  const cart: CartRecord = {
    id: world.ids.guid('cart'),
    customerId: customer.profile.id,
    creationTimestamp: now,
    lastModifiedTimestamp: now,
    expirationTimestamp: now + CART_LIFETIME_MS,
    lastModifiedUser: actor.userId ?? actor.applicationId,
    status: 'Active',
    partnerOnRecordAttestationAccepted: input.partnerOnRecordAttestationAccepted,
    lines: buildLines(customer, input),
    processing: false,
  };
  customer.carts.set(cart.id.toLowerCase(), cart);
  return cart;
}

export function getCart(world: World, customer: CustomerState, cartId: string): CartRecord {
  const cart = customer.carts.get(cartId.toLowerCase());
  if (!cart) throw cartNotFound();
  if (cart.status === 'Active' && cart.expirationTimestamp <= world.now()) throw cartNotFound();
  return cart;
}

export function updateCart(
  world: World,
  customer: CustomerState,
  cartId: string,
  input: CartInput,
  actor: Actor,
): CartRecord {
  const cart = getCart(world, customer, cartId);
  if (cart.processing)
    throw new PcError(409, '800064', `Cart ${cart.id} is being processed by another request`);
  if (cart.status !== 'Active') {
    throw new PcError(400, '800065', `Cart ${cart.id} has already been submitted and can't be updated.`);
  }
  cart.lines = buildLines(customer, input);
  cart.lastModifiedTimestamp = world.now();
  cart.lastModifiedUser = actor.userId ?? actor.applicationId;
  if (input.partnerOnRecordAttestationAccepted !== undefined) {
    cart.partnerOnRecordAttestationAccepted = input.partnerOnRecordAttestationAccepted;
  }
  return cart;
}
