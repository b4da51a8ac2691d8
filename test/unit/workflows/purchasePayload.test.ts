import type { ActionRequest } from '../../../src/store';
import { purchasePayloadSchema, purchaseProgress, type PurchaseItem } from '../../../src/workflows';

const item: PurchaseItem = {
  customerId: 'c1',
  customerName: 'Contoso France',
  country: 'FR',
  currency: 'EUR',
  productId: 'DZH318Z0BPS6',
  productTitle: 'Microsoft Azure plan',
  skuId: '0001',
  skuTitle: 'Microsoft Azure plan',
  availabilityId: 'DZH318Z0BML6',
  catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
  billingCycle: 'one_time',
  quantity: 1,
};

function requestWith(extra: Partial<ActionRequest>): ActionRequest {
  return {
    id: 'r1',
    kind: 'purchase',
    state: 'executing',
    customerId: 'c1',
    customerName: 'Contoso France',
    requesterId: 'u1',
    requesterName: 'Megan',
    payload: { item },
    approvals: [],
    correlationId: 'corr',
    createdAt: 0,
    updatedAt: 0,
    version: 1,
    ...extra,
  };
}

describe('purchase payload', () => {
  it('names the field that makes a payload unusable', () => {
    const parsed = purchasePayloadSchema.safeParse({ item: { ...item, quantity: 'one' } });
    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.error.issues[0].path.join('.')).toBe('item.quantity');
  });

  it('reads what a purchase produced from its checkpoints: the stored cart, then the orders with when they were placed', () => {
    expect(purchaseProgress(requestWith({}))).toEqual({ item, orders: [] });
    const request = requestWith({
      execution: {
        attemptId: 'a',
        claimedAt: 1,
        checkpoints: {
          'create-cart': { at: 2, data: { cartId: 'cart-1', catalogItemId: 'X:Y:Z', cartCreatedAt: 2 } },
          checkout: { at: 3, data: { orders: [{ id: 'o-1', status: 'pending' }], orderErrors: [] } },
        },
      },
    });
    expect(purchaseProgress(request)).toEqual({
      item,
      catalogItemId: 'X:Y:Z',
      orders: [{ id: 'o-1', status: 'pending' }],
      placedAt: 3,
    });
  });

  it('ignores a checkpoint that does not have the shape of its step', () => {
    const request = requestWith({
      execution: { attemptId: 'a', claimedAt: 1, checkpoints: { checkout: { at: 3, data: { orders: [] } } } },
    });
    expect(purchaseProgress(request).orders).toEqual([]);
  });
});
