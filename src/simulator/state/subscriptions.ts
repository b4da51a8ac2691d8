import { activeAzureSubscriptions, activeReservations, findSubscription } from './assets';
import type { Actor } from './audit';
import { PcError, subscriptionNotFound } from './errors';
import type { AzureEntitlementRecord, CustomerState, SubscriptionRecord, SubscriptionStatus } from './types';
import type { World } from './world';

export function etagOf(subscription: SubscriptionRecord): string {
  const json = JSON.stringify({ id: subscription.id.toLowerCase(), version: subscription.version });
  return Buffer.from(json).toString('base64');
}

export function getSubscription(customer: CustomerState, id: string): SubscriptionRecord {
  const subscription = findSubscription(customer, id);
  if (!subscription) throw subscriptionNotFound(id);
  return subscription;
}

/** The fields a PATCH may carry (keys already camel-cased; the docs send PascalCase). */
export interface SubscriptionPatch {
  status?: string;
  friendlyName?: string;
  autoRenewEnabled?: boolean;
  etag?: string;
}

export type PatchOutcome =
  | { kind: 'updated'; subscription: SubscriptionRecord }
  | { kind: 'accepted'; subscription: SubscriptionRecord };

const KNOWN_STATUSES: SubscriptionStatus[] = [
  'active',
  'suspended',
  'deleted',
  'expired',
  'pending',
  'disabled',
];

function stripEtag(value: string): string {
  return value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

function assertSuspendable(world: World, customer: CustomerState, subscription: SubscriptionRecord): void {
  if (subscription.kind !== 'azurePlan') return;
  if (activeAzureSubscriptions(subscription).length > 0) {
    throw new PcError(
      403,
      '900115',
      "Azure plan can't be moved to suspended state since you have one or more Azure Subscriptions in the active state",
    );
  }
  if (activeReservations(customer, world.now()).length > 0) {
    throw new PcError(
      403,
      '900115',
      "Azure plan can't be moved to suspended state since you have one or more active usage assets (Azure reservations)",
    );
  }
}

/**
 * Suspend / reactivate / rename. Suspending an Azure plan is slow: it answers 202 + Location and
 * takes effect after `planSuspensionDelayMs`; every other change answers 200 at once.
 */
export function patchSubscription(
  world: World,
  customer: CustomerState,
  id: string,
  patch: SubscriptionPatch,
  ifMatch: string | undefined,
  actor: Actor,
): PatchOutcome {
  const subscription = getSubscription(customer, id);
  const expected = ifMatch ?? patch.etag;
  if (expected !== undefined && stripEtag(expected) !== etagOf(subscription)) {
    throw new PcError(400, '2055', 'Etag is no longer valid');
  }
  if (subscription.pendingStatus) {
    throw new PcError(409, '800082', 'Subscription is not ready to be updated. Try again after sometime');
  }
  if (subscription.status === 'deleted') {
    throw new PcError(
      400,
      '2011',
      `Subscription with ID ${subscription.id} and deleted status can't be updated.`,
    );
  }
  const desired = patch.status?.toLowerCase();
  if (desired !== undefined && !KNOWN_STATUSES.includes(desired as SubscriptionStatus)) {
    throw new PcError(400, '800002', `Invalid request input: unknown status '${patch.status}'.`);
  }
  const before = JSON.stringify({ Status: subscription.status, FriendlyName: subscription.friendlyName });
  const renames = patch.friendlyName !== undefined && patch.friendlyName !== subscription.friendlyName;

  if (desired === undefined || desired === subscription.status) {
    if (renames && subscription.status === 'suspended') {
      throw new PcError(400, '800091', "Can't update a subscription with suspended status");
    }
    if (renames) {
      subscription.friendlyName = patch.friendlyName ?? subscription.friendlyName;
      subscription.version += 1;
      audit(world, actor, customer, subscription, before);
    }
    return { kind: 'updated', subscription };
  }

  if (desired === 'suspended') {
    assertSuspendable(world, customer, subscription);
    if (renames) subscription.friendlyName = patch.friendlyName ?? subscription.friendlyName;
    if (subscription.kind === 'azurePlan') {
      const dueAt = world.now() + world.config.planSuspensionDelayMs;
      subscription.pendingStatus = { status: 'suspended', dueAt };
      subscription.version += 1;
      world.scheduler.at(dueAt, () => {
        subscription.pendingStatus = undefined;
        subscription.status = 'suspended';
        subscription.suspensionReasons = ['PartnerInitiated'];
        subscription.version += 1;
      });
      audit(world, actor, customer, subscription, before, 'progress');
      return { kind: 'accepted', subscription };
    }
    subscription.status = 'suspended';
    subscription.suspensionReasons = ['PartnerInitiated'];
    subscription.version += 1;
    audit(world, actor, customer, subscription, before);
    return { kind: 'updated', subscription };
  }

  if (desired === 'active' && subscription.status === 'suspended') {
    subscription.status = 'active';
    subscription.suspensionReasons = [];
    if (renames) subscription.friendlyName = patch.friendlyName ?? subscription.friendlyName;
    subscription.version += 1;
    audit(world, actor, customer, subscription, before);
    return { kind: 'updated', subscription };
  }

  throw new PcError(400, '800096', "Can't update the status for this subscription");
}

function audit(
  world: World,
  actor: Actor,
  customer: CustomerState,
  subscription: SubscriptionRecord,
  before: string,
  operationStatus: 'succeeded' | 'progress' = 'succeeded',
): void {
  world.record(actor, customer, {
    resourceType: 'subscription',
    operationType: 'update_subscription',
    operationStatus,
    resourceOldValue: before,
    resourceNewValue: JSON.stringify({
      Id: subscription.id,
      Status: subscription.pendingStatus?.status ?? subscription.status,
      FriendlyName: subscription.friendlyName,
    }),
    customizedData: [
      { key: 'SubscriptionId', value: subscription.id },
      { key: 'SubscriptionStatus', value: subscription.pendingStatus?.status ?? subscription.status },
    ],
  });
}

export function azurePlan(customer: CustomerState, id: string): SubscriptionRecord {
  const subscription = getSubscription(customer, id);
  if (subscription.kind !== 'azurePlan') {
    throw new PcError(
      400,
      '800002',
      `Invalid request input: subscription ${subscription.id} is not an Azure plan.`,
    );
  }
  return subscription;
}

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
