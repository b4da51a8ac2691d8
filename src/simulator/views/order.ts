import { link } from '../http/links';
import { iso } from '../state/clock';
import { CURRENCY_SYMBOL, centsToAmount } from '../state/money';
import type { Country, OrderLineRecord, OrderRecord } from '../state/types';

function lineView(order: OrderRecord, line: OrderLineRecord, country: Country) {
  const price = centsToAmount(line.unitPriceCents);
  return {
    lineItemNumber: line.lineItemNumber,
    offerId: line.offerId,
    ...(line.subscriptionId ? { subscriptionId: line.subscriptionId } : {}),
    ...(line.termDuration ? { termDuration: line.termDuration } : {}),
    transactionType: 'New',
    friendlyName: line.friendlyName,
    quantity: line.quantity,
    ...(line.provisioningContext ? { provisioningContext: line.provisioningContext } : {}),
    pricing: {
      listPrice: price,
      discountedPrice: price,
      proratedPrice: price,
      price,
      extendedPrice: centsToAmount(line.unitPriceCents * line.quantity),
    },
    links: {
      product: link(`/products/${line.productId}?country=${country}`),
      sku: link(`/products/${line.productId}/skus/${line.skuId}?country=${country}`),
      ...(line.availabilityId
        ? {
            availability: link(
              `/products/${line.productId}/skus/${line.skuId}/availabilities/${line.availabilityId}?country=${country}`,
            ),
          }
        : {}),
      ...(line.subscriptionId
        ? { subscription: link(`/customers/${order.customerId}/subscriptions/${line.subscriptionId}`) }
        : {}),
    },
  };
}

export function orderView(order: OrderRecord, country: Country) {
  const base = `/customers/${order.customerId}/orders/${order.id}`;
  return {
    id: order.id,
    alternateId: order.alternateId,
    referenceCustomerId: order.customerId,
    billingCycle: order.billingCycle,
    currencyCode: order.currencyCode,
    currencySymbol: CURRENCY_SYMBOL[order.currencyCode],
    lineItems: order.lines.map((l) => lineView(order, l, country)),
    creationDate: iso(order.creationDate),
    status: order.status,
    transactionType: order.transactionType,
    links: {
      self: link(base),
      provisioningStatus: link(`${base}/provisioningstatus`),
      patchOperation: link(base, 'PATCH'),
    },
    totalPrice: centsToAmount(order.lines.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0)),
    client: {},
    attributes: { objectType: 'Order' },
  };
}

export function provisioningStatusView(order: OrderRecord) {
  const status =
    order.status === 'completed'
      ? 'fulfilled'
      : order.status === 'pending'
        ? 'prefulfillment_pending'
        : 'unfulfilled';
  return order.lines.map((line) => ({
    orderLineItemId: line.lineItemNumber,
    lineItemNumber: line.lineItemNumber,
    status,
    quantityProvisioningInformation: [{ quantity: line.quantity, status }],
  }));
}
