import type { CallOptions } from '../callOptions';
import { defineOperation } from '../http/operation';
import type { PcResponse, Pipeline } from '../http/pipeline';
import { cartCheckoutResultSchema, cartSchema, type Cart, type CartCheckoutResult } from '../schemas';

const operations = {
  create: defineOperation({
    name: 'carts.create',
    method: 'POST',
    path: '/customers/{customerId}/carts',
    auth: 'app',
    family: 'carts',
    response: cartSchema,
    // Each POST makes a new cart, but Partner Center deduplicates by MS-RequestId: a retry after a
    // timeout or a reset carries the same id and returns the first cart.
    idempotent: false,
    idempotentByRequestId: true,
  }),
  get: defineOperation({
    name: 'carts.get',
    method: 'GET',
    path: '/customers/{customerId}/carts/{cartId}',
    auth: 'app',
    family: 'carts',
    response: cartSchema,
    idempotent: true,
  }),
  update: defineOperation({
    name: 'carts.update',
    method: 'PUT',
    path: '/customers/{customerId}/carts/{cartId}',
    auth: 'app',
    family: 'carts',
    response: cartSchema,
    idempotent: true,
  }),
  checkout: defineOperation({
    name: 'carts.checkout',
    method: 'POST',
    path: '/customers/{customerId}/carts/{cartId}/checkout',
    auth: 'app',
    family: 'carts',
    response: cartCheckoutResultSchema,
    // Documented as idempotent per cart: a repeat returns the first result.
    idempotent: true,
    // "Cart being processed by another request": the first checkout is still running.
    retryOnCodes: ['800064'],
  }),
};

export interface CartLineItemInput {
  /** Client-chosen line number (0, 1, …). */
  id: number;
  /** From the availability, fetched right before purchase (it changes over time). */
  catalogItemId: string;
  quantity: number;
  /** e.g. 'one_time' for the Azure plan, 'monthly'. */
  billingCycle: string;
  termDuration?: string;
  friendlyName?: string;
  provisioningContext?: Record<string, string>;
  participants?: { key: string; value: string }[];
  attestationAccepted?: boolean;
  [field: string]: unknown;
}

export interface CartInput {
  lineItems: CartLineItemInput[];
  partnerOnRecordAttestationAccepted?: boolean;
  [field: string]: unknown;
}

export interface CreateCartOptions extends CallOptions {
  /**
   * Called when the create attempt ended without a clear answer (timeout, reset, 5xx). Return the
   * cart if you can tell it was created (it is returned as is), undefined otherwise. Either way the
   * create may be retried safely: every retry carries the call's MS-RequestId, which Partner Center
   * deduplicates. When the retries run out, the last failure is thrown; calling again with the
   * same `requestId` (see PartnerCenterError.requestId) still cannot make a second cart.
   */
  guard?: () => Promise<Cart | undefined>;
}

export class CartsClient {
  constructor(private readonly pipeline: Pipeline) {}

  /** One cart per logical call: retried with the same MS-RequestId, which the service deduplicates. */
  create(customerId: string, cart: CartInput, options: CreateCartOptions = {}): Promise<Cart> {
    const guard = options.guard;
    return this.pipeline.call(operations.create, { params: { customerId }, body: cart }, options, {
      guard: guard ? async () => asResponse(await guard()) : undefined,
    });
  }

  get(customerId: string, cartId: string, options: CallOptions = {}): Promise<Cart> {
    return this.pipeline.call(operations.get, { params: { customerId, cartId } }, options);
  }

  /** PUT of the full cart (send back what get/create returned, modified). */
  update(
    customerId: string,
    cartId: string,
    cart: CartInput | Cart,
    options: CallOptions = {},
  ): Promise<Cart> {
    return this.pipeline.call(operations.update, { params: { customerId, cartId }, body: cart }, options);
  }

  /** Idempotent per cart: retried with the same MS-RequestId; a repeat returns the first result. */
  checkout(customerId: string, cartId: string, options: CallOptions = {}): Promise<CartCheckoutResult> {
    return this.pipeline.call(operations.checkout, { params: { customerId, cartId } }, options);
  }
}

function asResponse(cart: Cart | undefined): PcResponse<Cart> | undefined {
  return cart ? { status: 201, headers: {}, body: cart, requestId: '', correlationId: '' } : undefined;
}
