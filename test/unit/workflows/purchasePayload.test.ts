import type { ActionRequest } from '../../../src/store';
import { purchasePayloadJson, readPurchasePayload, type PurchaseItem } from '../../../src/workflows';

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

function requestWith(payload: Record<string, unknown>): ActionRequest {
  return {
    id: 'r1',
    kind: 'purchase',
    state: 'executing',
    customerId: 'c1',
    customerName: 'Contoso France',
    requesterId: 'u1',
    requesterName: 'Megan',
    payload,
    correlationId: 'corr',
    createdAt: 0,
    updatedAt: 0,
    version: 1,
  };
}

describe('purchase payload', () => {
  it('round-trips the item and the execution state through JSON, dropping undefined fields', () => {
    const json = purchasePayloadJson({
      item,
      execution: {
        attemptId: 'a',
        phase: 'cart-created',
        claimedAt: 1,
        cartId: 'cart-1',
        lastError: undefined,
      },
    });
    expect(json).toEqual({
      item,
      execution: { attemptId: 'a', phase: 'cart-created', claimedAt: 1, cartId: 'cart-1' },
    });
    expect(readPurchasePayload(requestWith(json)).execution?.cartId).toBe('cart-1');
  });

  it('names the field that makes a stored payload unusable', () => {
    expect(() => readPurchasePayload(requestWith({ item: { ...item, quantity: 'one' } }))).toThrow(
      /item\.quantity/,
    );
    expect(() =>
      readPurchasePayload(
        requestWith({ item, execution: { attemptId: 'a', phase: 'shipped', claimedAt: 1 } }),
      ),
    ).toThrow(/execution\.phase/);
  });
});
