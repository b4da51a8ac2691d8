import { link } from '../http/links';
import { iso } from '../state/clock';
import type { CartRecord } from '../state/types';

export function cartView(cart: CartRecord) {
  return {
    id: cart.id,
    creationTimestamp: iso(cart.creationTimestamp),
    lastModifiedTimestamp: iso(cart.lastModifiedTimestamp),
    expirationTimestamp: iso(cart.expirationTimestamp),
    lastModifiedUser: cart.lastModifiedUser,
    status: cart.status,
    ...(cart.partnerOnRecordAttestationAccepted !== undefined
      ? { partnerOnRecordAttestationAccepted: cart.partnerOnRecordAttestationAccepted }
      : {}),
    lineItems: cart.lines.map((line) => ({
      id: line.id,
      catalogItemId: line.catalogItemId,
      ...(line.friendlyName ? { friendlyName: line.friendlyName } : {}),
      quantity: line.quantity,
      currencyCode: line.currencyCode,
      billingCycle: line.billingCycle,
      ...(line.termDuration ? { termDuration: line.termDuration } : {}),
      provisioningContext: line.provisioningContext,
      orderGroup: line.orderGroup,
      ...(line.error ? { error: { ...line.error, additionalInformation: {} } } : {}),
    })),
    links: { self: link(`/customers/${cart.customerId}/carts/${cart.id}`) },
    attributes: { objectType: 'Cart' },
  };
}
