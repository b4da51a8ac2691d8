import { z } from 'zod';
import type { ActionRequest, JsonObject } from '../store';

/** What the operator picked; the payload of a purchase request. */
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
  /** As shown at request time; the executor reads the availability again before the cart. */
  catalogItemId: z.string().min(1),
  billingCycle: z.string().min(1),
  quantity: z.number().int().positive(),
  /** The availability's segment, to find its successor if the id was retired meanwhile. */
  segment: z.string().optional(),
});
export type PurchaseItem = z.infer<typeof purchaseItemSchema>;

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

/**
 * Where the execution of a purchase stands, persisted on the request before each step that has
 * an effect in Partner Center:
 * - claimed: no cart of ours is known (a crash may have left an orphan cart: never checked out);
 * - cart-created: `cartId` is THE cart of this request; only this cart is ever checked out;
 * - order-placed: checkout returned `orders`; the order watcher takes it from there.
 */
export const EXECUTION_PHASES = ['claimed', 'cart-created', 'order-placed'] as const;
export type ExecutionPhase = (typeof EXECUTION_PHASES)[number];

export const executionSchema = z.object({
  attemptId: z.string(),
  phase: z.enum(EXECUTION_PHASES),
  claimedAt: z.number(),
  catalogItemId: z.string().optional(),
  cartId: z.string().optional(),
  cartCreatedAt: z.number().optional(),
  /** 400019 at checkout: the availability was read again and the cart updated (once only). */
  availabilityRefreshed: z.boolean().optional(),
  orders: z.array(orderRefSchema).optional(),
  orderErrors: z.array(orderErrorRefSchema).optional(),
  orderPlacedAt: z.number().optional(),
  /** Rounds that ended on a transient failure (the request stays resumable). */
  deferrals: z.number().int().nonnegative().optional(),
  lastError: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type Execution = z.infer<typeof executionSchema>;

export const purchasePayloadSchema = z
  .object({ item: purchaseItemSchema, execution: executionSchema.optional() })
  .passthrough();
export type PurchasePayload = z.infer<typeof purchasePayloadSchema>;

export function readPurchasePayload(request: ActionRequest): PurchasePayload {
  const parsed = purchasePayloadSchema.safeParse(request.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Request ${request.id} has no valid purchase payload at "${issue.path.join('.')}": ${issue.message}`,
    );
  }
  return parsed.data;
}

export function purchasePayloadJson(payload: PurchasePayload): JsonObject {
  // Round trip through JSON: undefined fields vanish, as they will in the store.
  return JSON.parse(JSON.stringify(payload)) as JsonObject;
}

/** The successful result of a purchase (ActionRequest.result once 'succeeded'). */
export interface PurchaseResult {
  orders: Array<{
    id: string;
    status: string;
    lineItems: Array<{
      lineItemNumber: number;
      offerId: string;
      subscriptionId?: string;
      friendlyName?: string;
      quantity?: number;
    }>;
  }>;
  orderErrors: OrderErrorRef[];
  /** Some order groups failed ('partial success'): repurchase what is missing. */
  partial: boolean;
  planSubscriptionId?: string;
  azureSubscriptionIds: string[];
  /** Epoch ms, by our clock. */
  completedAt: number;
}
