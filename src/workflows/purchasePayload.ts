import { z } from 'zod';
import type { ActionRequest } from '../store';

/** What the operator picked: the payload of a purchase request is `{ item }`. */
export const purchaseItemSchema = z.object({
  customerId: z.string().min(1),
  customerName: z.string().min(1),
  country: z.string().min(2),
  /** From the availability's defaultCurrency; empty when Partner Center gave none. */
  currency: z.string(),
  productId: z.string().min(1),
  productTitle: z.string().min(1),
  skuId: z.string().min(1),
  skuTitle: z.string().min(1),
  availabilityId: z.string().min(1),
  /** As shown at request time; the runner reads the availability again before the cart. */
  catalogItemId: z.string().min(1),
  billingCycle: z.string().min(1),
  quantity: z.number().int().positive(),
  /** The availability's segment, to find its successor if the id was retired meanwhile. */
  segment: z.string().optional(),
});
export type PurchaseItem = z.infer<typeof purchaseItemSchema>;

export const purchasePayloadSchema = z.object({ item: purchaseItemSchema }).passthrough();
export type PurchasePayload = z.infer<typeof purchasePayloadSchema>;

export const orderRefSchema = z.object({
  id: z.string(),
  status: z.string(),
  /** Partner Center's creationDate (ISO), when the checkout result gave it. */
  creationDate: z.string().optional(),
});
export type OrderRef = z.infer<typeof orderRefSchema>;

export const orderErrorRefSchema = z.object({
  orderGroupId: z.string().optional(),
  code: z.string(),
  description: z.string().optional(),
});
export type OrderErrorRef = z.infer<typeof orderErrorRefSchema>;

/** The checkpoint of the cart step: THE cart of this request (only this one is ever checked out). */
export const cartCheckpointSchema = z.object({
  cartId: z.string(),
  catalogItemId: z.string(),
  cartCreatedAt: z.number(),
});

/** The checkpoint of the checkout step: the orders it placed. */
export const checkoutCheckpointSchema = z.object({
  orders: z.array(orderRefSchema).min(1),
  orderErrors: z.array(orderErrorRefSchema).default([]),
});

const orderLineSchema = z.object({
  lineItemNumber: z.number(),
  offerId: z.string(),
  subscriptionId: z.string().optional(),
  friendlyName: z.string().optional(),
  quantity: z.number().optional(),
});

/** The checkpoint of the step that waits for the orders: each one as Partner Center ended it. */
export const ordersCheckpointSchema = z.object({
  orders: z.array(z.object({ id: z.string(), status: z.string(), lineItems: z.array(orderLineSchema) })),
});

/** The successful result of a purchase (ActionRequest.result once 'succeeded'). */
export const purchaseResultSchema = z.object({
  orders: ordersCheckpointSchema.shape.orders,
  orderErrors: z.array(orderErrorRefSchema),
  /** Some order groups failed ('partial success'): repurchase what is missing. */
  partial: z.boolean(),
  planSubscriptionId: z.string().optional(),
  azureSubscriptionIds: z.array(z.string()),
  /** Epoch ms, by our clock. */
  completedAt: z.number(),
});
export type PurchaseResult = z.infer<typeof purchaseResultSchema>;

export const PURCHASE_STEPS = {
  cart: 'create-cart',
  checkout: 'checkout',
  orders: 'await-orders',
  plan: 'find-plan',
} as const;

/** What a purchase request has produced so far, read from its checkpoints and result. */
export interface PurchaseProgress {
  item?: PurchaseItem;
  catalogItemId?: string;
  orders: OrderRef[];
  /** When the orders were placed (epoch ms), if they were. */
  placedAt?: number;
  result?: PurchaseResult;
}

export function purchaseProgress(request: ActionRequest): PurchaseProgress {
  const payload = purchasePayloadSchema.safeParse(request.payload);
  const checkpoints = request.execution?.checkpoints ?? {};
  const cart = cartCheckpointSchema.safeParse(checkpoints[PURCHASE_STEPS.cart]?.data);
  const checkout = checkoutCheckpointSchema.safeParse(checkpoints[PURCHASE_STEPS.checkout]?.data);
  const result = purchaseResultSchema.safeParse(request.result);
  return {
    ...(payload.success ? { item: payload.data.item } : {}),
    ...(cart.success ? { catalogItemId: cart.data.catalogItemId } : {}),
    orders: checkout.success ? checkout.data.orders : [],
    ...(checkout.success ? { placedAt: checkpoints[PURCHASE_STEPS.checkout]?.at } : {}),
    ...(result.success ? { result: result.data } : {}),
  };
}
