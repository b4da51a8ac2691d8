import type { CustomerState, ReservationEntitlementRecord, SubscriptionRecord } from './types';

/** A reservation counts while it is provisioned and not past its expiry (the preflight rule of the docs). */
export function isReservationActive(r: ReservationEntitlementRecord, now: number): boolean {
  const state = r.reservation.provisioningState;
  return (state === 'Created' || state === 'Creating') && r.reservation.expiryDateTime > now;
}

export function activeReservations(customer: CustomerState, now: number): ReservationEntitlementRecord[] {
  return customer.reservations.filter((r) => isReservationActive(r, now));
}

export function activeAzureSubscriptions(plan: SubscriptionRecord) {
  return plan.azureEntitlements.filter((e) => e.status === 'active');
}

export function findSubscription(customer: CustomerState, id: string): SubscriptionRecord | undefined {
  const key = id.toLowerCase();
  return customer.subscriptions.find((s) => s.id.toLowerCase() === key);
}

/** The customer's Azure plan that is not deleted (a customer has at most one). */
export function currentPlan(customer: CustomerState): SubscriptionRecord | undefined {
  return customer.subscriptions.find((s) => s.kind === 'azurePlan' && s.status !== 'deleted');
}

export function legacySubscription(customer: CustomerState): SubscriptionRecord | undefined {
  return customer.subscriptions.find((s) => s.kind === 'legacyAzure' && s.status === 'active');
}
