import type { Actor } from './audit';
import { PcError } from './errors';
import type { AzureEntitlementRecord, CustomerState, EntitlementStatus, SubscriptionRecord } from './types';
import type { World } from './world';

/** The Azure subscriptions under an Azure plan (the `azureEntitlements` resource). */

export function getAzureEntitlement(plan: SubscriptionRecord, entitlementId: string): AzureEntitlementRecord {
  const key = entitlementId.toLowerCase();
  const entitlement = plan.azureEntitlements.find((e) => e.id.toLowerCase() === key);
  if (!entitlement)
    throw new PcError(404, '800111', "Azure subscription with the given entitlement ID isn't found.");
  return entitlement;
}

/** Cancel: accepted at once, the status flips to inactive about 10 minutes later (as documented). */
export function cancelAzureEntitlement(
  world: World,
  customer: CustomerState,
  plan: SubscriptionRecord,
  entitlementId: string,
  reason: string | undefined,
  actor: Actor,
): AzureEntitlementRecord {
  const entitlement = getAzureEntitlement(plan, entitlementId);
  if ((reason ?? '').toLowerCase() !== 'compromise') {
    throw new PcError(400, '900307', `Invalid cancellation reason '${reason ?? ''}'.`);
  }
  if (entitlement.status === 'active' && entitlement.deactivatesAt === undefined) {
    const dueAt = world.now() + world.config.entitlementCancelDelayMs;
    entitlement.deactivatesAt = dueAt;
    world.scheduler.at(dueAt, () => {
      if (entitlement.deactivatesAt !== dueAt) return;
      entitlement.status = 'inactive';
      entitlement.deactivatesAt = undefined;
    });
    world.record(actor, customer, {
      resourceType: 'subscription',
      operationType: 'update_subscription',
      resourceNewValue: JSON.stringify({
        Id: entitlement.id,
        Status: 'inactive',
        CancellationReason: 'compromise',
      }),
      customizedData: [
        { key: 'SubscriptionId', value: plan.id },
        { key: 'EntitlementId', value: entitlement.id },
      ],
    });
  }
  return entitlement;
}

export function reactivateAzureEntitlement(
  world: World,
  customer: CustomerState,
  plan: SubscriptionRecord,
  entitlementId: string,
  actor: Actor,
): void {
  const entitlement = getAzureEntitlement(plan, entitlementId);
  if (plan.status !== 'active') {
    throw new PcError(
      400,
      '900337',
      'The Azure subscription cannot be reactivated while its Azure plan is not active.',
    );
  }
  entitlement.status = 'active';
  entitlement.deactivatesAt = undefined;
  world.record(actor, customer, {
    resourceType: 'subscription',
    operationType: 'update_subscription',
    resourceNewValue: JSON.stringify({ Id: entitlement.id, Status: 'active' }),
    customizedData: [
      { key: 'SubscriptionId', value: plan.id },
      { key: 'EntitlementId', value: entitlement.id },
    ],
  });
}

/**
 * Control API: makes an Azure subscription under the plan active (or inactive) now, adding it when
 * the plan has no such id (the 900115 race: an Azure subscription appears between a preflight and
 * a PATCH). The plan resource itself is unchanged: its etag stays.
 */
export function setAzureEntitlement(
  world: World,
  plan: SubscriptionRecord,
  input: { id?: string; friendlyName?: string; status: EntitlementStatus },
): { entitlement: AzureEntitlementRecord; created: boolean } {
  const existing = input.id
    ? plan.azureEntitlements.find((e) => e.id.toLowerCase() === input.id?.toLowerCase())
    : undefined;
  if (existing) {
    existing.status = input.status;
    existing.deactivatesAt = undefined;
    if (input.friendlyName !== undefined) existing.friendlyName = input.friendlyName;
    return { entitlement: existing, created: false };
  }
  const entitlement: AzureEntitlementRecord = {
    id: input.id ?? world.ids.guid('azure-subscription'),
    friendlyName: input.friendlyName ?? `Azure subscription ${plan.azureEntitlements.length + 1}`,
    status: input.status,
    planId: plan.id,
  };
  plan.azureEntitlements.push(entitlement);
  return { entitlement, created: true };
}
