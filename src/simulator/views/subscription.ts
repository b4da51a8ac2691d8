import { link } from '../http/links';
import { iso } from '../state/clock';
import { etagOf } from '../state/subscriptions';
import type { AzureEntitlementRecord, Country, SubscriptionRecord } from '../state/types';

const FAR_FUTURE = '9999-12-14T00:00:00Z';

function planView(s: SubscriptionRecord, customerId: string, country: Country) {
  return {
    id: s.id,
    offerId: s.offerId,
    offerName: s.offerName,
    friendlyName: s.friendlyName,
    productType: { id: 'Azure', displayName: 'Azure' },
    quantity: 1,
    unitType: 'Usage-based',
    hasPurchasableAddons: false,
    creationDate: iso(s.creationDate),
    effectiveStartDate: iso(s.effectiveStartDate),
    commitmentEndDate: FAR_FUTURE,
    commitmentEndDateTime: FAR_FUTURE,
    status: s.status,
    ...(s.suspensionReasons.length > 0 ? { suspensionReasons: s.suspensionReasons } : {}),
    autoRenewEnabled: s.autoRenewEnabled,
    isTrial: false,
    billingType: 'usage',
    billingCycle: 'one_time',
    renewalTermDuration: '',
    isMicrosoftProduct: true,
    partnerId: '',
    attentionNeeded: false,
    actionTaken: false,
    contractType: 'subscription',
    ...(s.migratedFromSubscriptionId ? { migratedFromSubscriptionId: s.migratedFromSubscriptionId } : {}),
    links: {
      product: link(`/products/${s.productId}?country=${country}`),
      sku: link(`/products/${s.productId}/skus/${s.skuId}?country=${country}`),
      availability: link(
        `/products/${s.productId}/skus/${s.skuId}/availabilities/${s.availabilityId}?country=${country}`,
      ),
      self: link(`/customers/${customerId}/subscriptions/${s.id}`),
    },
    publisherName: 'Microsoft Corporation',
    orderId: s.orderId,
    attributes: { etag: etagOf(s), objectType: 'Subscription' },
  };
}

function legacyView(s: SubscriptionRecord, customerId: string, country: Country) {
  return {
    id: s.id,
    entitlementId: s.entitlementId,
    offerId: s.offerId,
    offerName: s.offerName,
    friendlyName: s.friendlyName,
    quantity: 1,
    unitType: 'Usage-based',
    creationDate: iso(s.creationDate),
    effectiveStartDate: iso(s.effectiveStartDate),
    commitmentEndDate: '9999-12-10T00:00:00Z',
    status: s.status,
    ...(s.suspensionReasons.length > 0 ? { suspensionReasons: s.suspensionReasons } : {}),
    autoRenewEnabled: s.autoRenewEnabled,
    billingType: 'usage',
    contractType: 'subscription',
    links: {
      offer: link(`/offers/${s.offerId}?country=${country}`),
      self: link(`/customers/${customerId}/subscriptions/${s.id}`),
    },
    orderId: s.orderId,
    attributes: { etag: etagOf(s), objectType: 'Subscription' },
  };
}

/** An Azure savings plan: a benefit subscription, as the savings-plan purchase page shows it. */
function savingsPlanView(s: SubscriptionRecord, customerId: string, country: Country) {
  const benefit = s.benefit;
  const end = benefit ? iso(benefit.commitmentEndDate) : FAR_FUTURE;
  return {
    id: s.id,
    offerId: s.offerId,
    offerName: s.offerName,
    friendlyName: s.friendlyName,
    productType: {
      id: 'Azure',
      displayName: 'Azure',
      subType: { id: 'SavingsPlan', displayName: 'SavingsPlan' },
    },
    quantity: 1,
    unitType: 'Benefit',
    hasPurchasableAddons: false,
    creationDate: iso(s.creationDate),
    effectiveStartDate: iso(s.effectiveStartDate),
    commitmentEndDate: end,
    billingCycleEndDate: end,
    status: s.status,
    ...(s.suspensionReasons.length > 0 ? { suspensionReasons: s.suspensionReasons } : {}),
    autoRenewEnabled: s.autoRenewEnabled,
    isTrial: false,
    billingType: 'benefit',
    billingCycle: 'one_time',
    termDuration: benefit?.termDuration ?? 'P1Y',
    renewalTermDuration: '',
    isMicrosoftProduct: true,
    partnerId: '',
    attentionNeeded: false,
    actionTaken: false,
    contractType: 'subscription',
    links: {
      product: link(`/products/${s.productId}?country=${country}`),
      sku: link(`/products/${s.productId}/skus/${s.skuId}?country=${country}`),
      availability: link(
        `/products/${s.productId}/skus/${s.skuId}/availabilities/${s.availabilityId ?? ''}?country=${country}`,
      ),
      self: link(`/customers/${customerId}/subscriptions/${s.id}`),
    },
    publisherName: 'Microsoft Corporation',
    lineItems: (benefit?.lineItems ?? []).map((line) => ({ ...line, scope: { ...line.scope } })),
    productOrderId: benefit?.productOrderId ?? '',
    orderId: s.orderId,
    attributes: { etag: etagOf(s), objectType: 'Subscription' },
  };
}

export function subscriptionView(s: SubscriptionRecord, customerId: string, country: Country) {
  if (s.kind === 'savingsPlan') return savingsPlanView(s, customerId, country);
  return s.kind === 'azurePlan' ? planView(s, customerId, country) : legacyView(s, customerId, country);
}

/** `productType.id` and `productType.subType.id` as the views show them (list filters). */
export function productTypeOf(s: SubscriptionRecord): { id?: string; subType?: string } {
  if (s.kind === 'savingsPlan') return { id: 'Azure', subType: 'SavingsPlan' };
  return s.kind === 'azurePlan' ? { id: 'Azure' } : {};
}

export function azureEntitlementView(e: AzureEntitlementRecord, customerId: string) {
  return {
    id: e.id,
    friendlyName: e.friendlyName,
    status: e.status,
    subscriptionId: e.planId,
    links: { self: link(`/customers/${customerId}/subscriptions/${e.planId}/azureEntitlements/${e.id}`) },
  };
}

export function subscriptionProvisioningView(s: SubscriptionRecord) {
  return {
    skuId: s.skuId,
    status: s.pendingStatus ? 'pending' : 'success',
    quantity: 1,
    endDate: FAR_FUTURE,
    attributes: { objectType: 'SubscriptionProvisioningStatus' },
  };
}
