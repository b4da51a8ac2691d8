import { splitCents } from './money';
import type { Meter, UsageLine } from './types';

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
 * Builds `count` resources whose costs add up to `totalCents` exactly, spread over the given Azure
 * subscriptions. Every usage figure the API serves (customer summary, subscription summary,
 * subscription/meter/resource usage records) is a sum over these lines, so they always agree.
 */
export function buildUsageLines(
  rand: () => number,
  targets: readonly UsageTarget[],
  totalCents: number,
  count: number,
): UsageLine[] {
  if (targets.length === 0 || totalCents <= 0 || count <= 0) return [];
  const weights = Array.from({ length: count }, () => 1 + Math.floor(rand() * 9));
  const parts = splitCents(totalCents, weights);
  return parts.map((cents, i) => {
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
      quantity: Math.round((cents / meter.unitPriceCents) * 10_000) / 10_000,
      cents,
    };
  });
}
