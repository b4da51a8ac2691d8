import type { Meter, SubscriptionRecord, UsageResource } from './types';

/** Meters used to build usage: each simulated resource consumes one of them. */
export const METERS: readonly Meter[] = [
  {
    id: 'DZH318Z0BQPS-0009-D2s v3',
    name: 'D2s v3',
    category: 'Virtual Machines',
    subcategory: 'Dsv3 Series',
    unit: '1 Hour',
    resourceType: 'virtualMachines',
    resourceProvider: 'Microsoft.Compute',
    unitPriceCents: 11,
  },
  {
    id: 'DZH318Z0BP88-0033-P10 Disks',
    name: 'P10 Disks',
    category: 'Storage',
    subcategory: 'Premium SSD Managed Disks',
    unit: '1/Month',
    resourceType: 'disks',
    resourceProvider: 'Microsoft.Compute',
    unitPriceCents: 1971,
  },
  {
    id: 'DZH318Z0BNVX-005J-Data Transfer Out (GB)',
    name: 'Data Transfer Out',
    category: 'Bandwidth',
    subcategory: 'Bandwidth',
    unit: '1 GB',
    resourceType: 'virtualNetworks',
    resourceProvider: 'Microsoft.Network',
    unitPriceCents: 9,
  },
  {
    id: 'DZH318Z0BNZ5-006G-Data Stored (GB/Month)',
    name: 'LRS Data Stored',
    category: 'Storage',
    subcategory: 'Tables',
    unit: '1 GB/Month',
    resourceType: 'storageAccounts',
    resourceProvider: 'Microsoft.Storage',
    unitPriceCents: 5,
  },
  {
    id: 'DZH318Z0BQ4N-0016-S1 DTUs',
    name: 'S1 DTUs',
    category: 'SQL Database',
    subcategory: 'Standard - DTUs',
    unit: '1/Day',
    resourceType: 'servers/databases',
    resourceProvider: 'Microsoft.Sql',
    unitPriceCents: 97,
  },
  {
    id: 'DZH318Z0BQ5C-0021-P1 v3 App',
    name: 'P1 v3 App',
    category: 'Azure App Service',
    subcategory: 'Premium v3 Plan',
    unit: '1 Hour',
    resourceType: 'serverFarms',
    resourceProvider: 'Microsoft.Web',
    unitPriceCents: 24,
  },
];

export interface UsageTarget {
  subscriptionId: string;
  entitlementId: string;
  entitlementName: string;
}

/**
 * The Azure subscriptions a customer's resources run in: a legacy MS-AZR-0145P subscription
 * itself, or the Azure subscriptions of an Azure plan (the active ones; all of them when none is).
 */
export function usageTargets(subscriptions: readonly SubscriptionRecord[]): UsageTarget[] {
  const targets: UsageTarget[] = [];
  for (const s of subscriptions) {
    if (s.kind === 'legacyAzure' && s.entitlementId) {
      targets.push({ subscriptionId: s.id, entitlementId: s.entitlementId, entitlementName: s.friendlyName });
    } else if (s.kind === 'azurePlan') {
      const active = s.azureEntitlements.filter((e) => e.status === 'active');
      const chosen = active.length > 0 ? active : s.azureEntitlements;
      for (const e of chosen)
        targets.push({ subscriptionId: s.id, entitlementId: e.id, entitlementName: e.friendlyName });
    }
  }
  return targets;
}

/** Whether the subscriptions still run up usage: an active 0145P, or an active plan with an active Azure subscription. */
export function accruesUsage(subscriptions: readonly SubscriptionRecord[]): boolean {
  return subscriptions.some(
    (s) =>
      s.status === 'active' &&
      ((s.kind === 'legacyAzure' && !!s.entitlementId) ||
        (s.kind === 'azurePlan' && s.azureEntitlements.some((e) => e.status === 'active'))),
  );
}

/**
 * Builds `count` resources spread over the given Azure subscriptions, each with a meter and a
 * weight (its share of the customer's spend). Every usage figure the API serves is a split of the
 * customer's daily spend over these, so they always agree.
 */
export function buildUsageResources(
  rand: () => number,
  targets: readonly UsageTarget[],
  count: number,
): UsageResource[] {
  if (targets.length === 0 || count <= 0) return [];
  return Array.from({ length: count }, (_, i) => {
    const weight = 1 + Math.floor(rand() * 9);
    const meter = METERS[Math.floor(rand() * METERS.length)];
    const target = targets[i % targets.length];
    const group = ['rg-prod', 'rg-web', 'rg-data', 'rg-shared'][Math.floor(rand() * 4)];
    return {
      subscriptionId: target.subscriptionId,
      entitlementId: target.entitlementId,
      entitlementName: target.entitlementName,
      resourceGroup: group,
      resourceName: `${meter.resourceType.split('/')[0].toLowerCase()}-${String(i + 1).padStart(2, '0')}`,
      meter,
      weight,
    };
  });
}
