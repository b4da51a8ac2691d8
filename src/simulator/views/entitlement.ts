import { link } from '../http/links';
import { iso } from '../state/clock';
import type { ReservationEntitlementRecord } from '../state/types';

export function artifactUri(customerId: string, r: ReservationEntitlementRecord): string {
  return `/customers/${customerId}/artifacts/reservedinstance/groups/${r.groupId}/lineitems/${r.artifactLineItemId}/resource/${r.resourceId}`;
}

/** An `entitlementType: reservedinstance` Entitlement with its one artifact link. */
export function reservationEntitlementView(
  customerId: string,
  r: ReservationEntitlementRecord,
  showExpiry: boolean,
) {
  return {
    includedEntitlements: [],
    referenceOrder: { id: r.orderId, lineItemId: r.lineItemId, alternateId: r.orderAlternateId },
    productId: r.productId,
    skuId: r.skuId,
    quantity: r.quantity,
    entitledArtifacts: [
      { link: link(artifactUri(customerId, r)), resourceId: r.resourceId, artifactType: 'reservedinstance' },
    ],
    entitlementType: 'reservedinstance',
    fulfillmentState: 'fulfilled',
    ...(showExpiry ? { expiryDate: iso(r.reservation.expiryDateTime) } : {}),
    dynamicAttributes: { reservationType: 'virtualmachines' },
  };
}

/** Reservation details as the documentation sample shows them (`virtualMachineReservations`). */
export function reservationArtifactView(r: ReservationEntitlementRecord) {
  return {
    type: 'virtual_machine_reserved_instance',
    virtualMachineReservations: [
      {
        displayName: r.reservation.displayName,
        reservationId: r.reservation.reservationId,
        appliedScopes: [],
        scopeType: r.reservation.scopeType,
        quantity: r.reservation.quantity,
        expiryDateTime: iso(r.reservation.expiryDateTime).replace(/\.\d{3}Z$/, ''),
        effectiveDateTime: iso(r.reservation.effectiveDateTime),
        provisioningState: r.reservation.provisioningState,
      },
    ],
  };
}
