import { link } from '../http/links';
import { iso } from '../state/clock';
import { centsToAmount, toUsd } from '../state/money';
import type { MeterTotal, UsageSnapshot, UtilizationRecord } from '../state/usage';
import type { CustomerState, SubscriptionRecord, UsageLine } from '../state/types';

/** A date as the usage samples write it: `2019-09-01T00:00:00+00:00`, `2019-09-18T17:09:26.16+00:00`. */
function pcDate(ms: number): string {
  return iso(ms).replace('.000Z', 'Z').replace(/Z$/, '+00:00');
}

/** Billing period and freshness shared by all usage views: the current calendar month. */
export function usagePeriod(snapshot: UsageSnapshot) {
  return {
    billingStartDate: pcDate(snapshot.periodStart),
    billingEndDate: pcDate(snapshot.periodEnd),
    lastModifiedDate: pcDate(snapshot.lastModified),
  };
}

function currencyFields(customer: CustomerState, cents: number, legacy: boolean) {
  return legacy
    ? { currencyLocale: customer.profile.culture }
    : { currencyCode: customer.profile.currency, usdTotalCost: toUsd(cents, customer.profile.currency) };
}

/**
 * CustomerUsageSummary. Azure plan customers get `currencyCode` + `usdTotalCost`; a customer
 * with only MS-AZR-0145P gets the legacy shape of its sample (`currencyLocale`, `id`/`name`, and
 * the documented `ammount` spelling in `budget`).
 */
export function customerUsageSummaryView(
  customer: CustomerState,
  totalCents: number,
  legacyOnly: boolean,
  snapshot: UsageSnapshot,
) {
  const p = customer.profile;
  const budgetAmount = customer.budgetCents === null ? null : centsToAmount(customer.budgetCents);
  const budget = legacyOnly
    ? { ammount: budgetAmount, attributes: { objectType: 'SpendingBudget' } }
    : { amount: budgetAmount, attributes: { objectType: 'SpendingBudget' } };
  return {
    budget,
    ...(legacyOnly ? { id: p.id, name: p.companyName } : {}),
    resourceId: p.id,
    resourceName: p.companyName,
    ...usagePeriod(snapshot),
    totalCost: centsToAmount(totalCents),
    ...currencyFields(customer, totalCents, legacyOnly),
    links: { self: link(`/customers/${p.id}/usagesummary`) },
    attributes: { objectType: 'CustomerUsageSummary' },
  };
}

export function subscriptionUsageSummaryView(
  customer: CustomerState,
  subscription: SubscriptionRecord,
  cents: number,
  snapshot: UsageSnapshot,
) {
  const legacy = subscription.kind === 'legacyAzure';
  return {
    resourceId: subscription.id,
    resourceName: legacy ? subscription.friendlyName : 'Azure plan',
    ...usagePeriod(snapshot),
    totalCost: centsToAmount(cents),
    ...currencyFields(customer, cents, legacy),
    links: { self: link(`/customers/${customer.profile.id}/subscriptions/${subscription.id}/usagesummary`) },
    attributes: { objectType: 'SubscriptionUsageSummary' },
  };
}

export function subscriptionMonthlyUsageRecordView(
  customer: CustomerState,
  subscription: SubscriptionRecord,
  cents: number,
  snapshot: UsageSnapshot,
) {
  const legacy = subscription.kind === 'legacyAzure';
  return {
    status: subscription.status,
    ...(legacy ? {} : { partnerOnRecord: '' }),
    offerId: subscription.offerId,
    resourceId: subscription.id,
    id: subscription.id,
    resourceName: legacy ? subscription.friendlyName : 'Azure plan',
    name: legacy ? subscription.friendlyName : 'Azure plan',
    totalCost: centsToAmount(cents),
    ...(legacy
      ? { currencyLocale: customer.profile.culture, usdTotalCost: 0 }
      : { currencyCode: customer.profile.currency, usdTotalCost: toUsd(cents, customer.profile.currency) }),
    lastModifiedDate: usagePeriod(snapshot).lastModifiedDate,
    attributes: { objectType: 'SubscriptionMonthlyUsageRecord' },
  };
}

export function meterUsageRecordView(
  customer: CustomerState,
  subscriptionId: string,
  total: MeterTotal,
  snapshot: UsageSnapshot,
) {
  return {
    subscriptionId,
    meterId: total.meter.id,
    meterName: total.meter.name,
    category: total.meter.category,
    subcategory: total.meter.subcategory,
    quantityUsed: total.quantity,
    unit: total.meter.unit,
    totalCost: centsToAmount(total.cents),
    currencyCode: customer.profile.currency,
    usdTotalCost: toUsd(total.cents, customer.profile.currency),
    lastModifiedDate: usagePeriod(snapshot).lastModifiedDate,
    attributes: { objectType: 'MeterUsageRecord' },
  };
}

export function resourceUri(line: UsageLine): string {
  return `/subscriptions/${line.entitlementId}/resourceGroups/${line.resourceGroup}/providers/${line.meter.resourceProvider}/${line.meter.resourceType}/${line.resourceName}`;
}

export function resourceUsageRecordView(customer: CustomerState, line: UsageLine, snapshot: UsageSnapshot) {
  return {
    subscriptionId: line.subscriptionId,
    resourceUri: resourceUri(line),
    resourceType: line.meter.resourceProvider,
    entitlementId: line.entitlementId,
    entitlementName: line.entitlementName,
    resourceGroupName: line.resourceGroup,
    name: line.resourceName,
    resourceName: line.resourceName,
    totalCost: centsToAmount(line.cents),
    currencyCode: customer.profile.currency,
    usdTotalCost: toUsd(line.cents, customer.profile.currency),
    lastModifiedDate: usagePeriod(snapshot).lastModifiedDate,
    attributes: { objectType: 'ResourceUsageRecord' },
  };
}

export function utilizationRecordView(record: UtilizationRecord, showDetails: boolean) {
  const line = record.line;
  return {
    usageStartTime: iso(record.start),
    usageEndTime: iso(record.end),
    resource: {
      id: line.meter.id,
      name: line.meter.name,
      category: line.meter.category,
      subcategory: line.meter.subcategory,
      region: 'US West 2',
    },
    quantity: record.quantity,
    unit: line.meter.unit,
    infoFields: {},
    ...(showDetails
      ? {
          instanceData: {
            resourceUri: resourceUri(line),
            location: 'westus2',
            partNumber: '',
            orderNumber: '',
            tags: {},
            additionalInfo: {},
          },
        }
      : {}),
    attributes: { objectType: 'AzureUtilizationRecord' },
  };
}

export function budgetView(customer: CustomerState, method: 'GET' | 'PATCH') {
  const amount = customer.budgetCents === null ? null : centsToAmount(customer.budgetCents);
  return {
    amount,
    usageSpendingBudget: amount,
    attributes: { objectType: 'SpendingBudget' },
    links: { self: link(`/v1/customers/${customer.profile.id}/usagebudget`, method) },
  };
}
