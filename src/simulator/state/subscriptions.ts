import { activeAzureSubscriptions, findSubscription } from './assets';
import type { Actor } from './audit';
import { PcError, subscriptionNotFound } from './errors';
import type { CustomerState, SubscriptionRecord, SubscriptionStatus } from './types';
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

/**
 * `updated`: 200 with the subscription as `shown` (the new status, even when a GET shows it only
 * later); `accepted`: 202 + Location, no body.
 */
export type PatchOutcome =
  | { kind: 'updated'; subscription: SubscriptionRecord; shown: SubscriptionRecord }
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

/**
 * The documented rule enforced by the service: no suspension while the plan has an active Azure
 * subscription (403 900115). The reservation half of the rule has no documented error code, so it
 * is not enforced here: the preflight (reserved-instance entitlements) is the bot's job.
 */
function assertSuspendable(subscription: SubscriptionRecord): void {
  if (subscription.kind !== 'azurePlan') return;
  if (activeAzureSubscriptions(subscription).length > 0) {
    throw new PcError(
      403,
      '900115',
      "Azure plan can't be moved to suspended state since you have one or more Azure Subscriptions in the active state",
    );
  }
}

function applyStatus(subscription: SubscriptionRecord, status: 'suspended' | 'active'): void {
  subscription.status = status;
  subscription.suspensionReasons = status === 'suspended' ? ['PartnerInitiated'] : [];
}

/** The subscription as it is once its pending status change has taken effect. */
function projected(subscription: SubscriptionRecord): SubscriptionRecord {
  const pending = subscription.pendingStatus;
  if (!pending) return subscription;
  return {
    ...subscription,
    status: pending.status,
    suspensionReasons: pending.status === 'suspended' ? ['PartnerInitiated'] : [],
    pendingStatus: undefined,
  };
}

/**
 * Suspends or reactivates an Azure plan. The answer (200 or 202) and the delay until a GET shows
 * the new status are both configuration: Partner Center documents either answer, and a status
 * change that takes minutes to show.
 */
function changePlanStatus(
  world: World,
  actor: Actor,
  customer: CustomerState,
  subscription: SubscriptionRecord,
  target: 'suspended' | 'active',
  before: string,
): PatchOutcome {
  const suspending = target === 'suspended';
  const delayMs = suspending ? world.config.planSuspensionDelayMs : world.config.planReactivationDelayMs;
  const answer = suspending ? world.config.planSuspensionAnswer : world.config.planReactivationAnswer;
  subscription.version += 1;
  if (delayMs <= 0) {
    applyStatus(subscription, target);
    audit(world, actor, customer, subscription, before);
  } else {
    const dueAt = world.now() + delayMs;
    subscription.pendingStatus = { status: target, dueAt };
    world.scheduler.at(dueAt, () => {
      if (subscription.pendingStatus?.dueAt !== dueAt) return;
      subscription.pendingStatus = undefined;
      applyStatus(subscription, target);
      subscription.version += 1;
    });
    audit(world, actor, customer, subscription, before, 'progress');
  }
  return answer === 'accepted'
    ? { kind: 'accepted', subscription }
    : { kind: 'updated', subscription, shown: projected(subscription) };
}

/**
 * Suspend / reactivate / rename. An Azure plan's status change answers as configured (200 or 202)
 * and shows after a delay; every other change answers 200 at once. A savings plan is managed in
 * the Azure portal: 403 900321.
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
  const changesStatus = desired !== undefined && desired !== subscription.status;
  if (subscription.kind === 'savingsPlan' && (renames || changesStatus)) {
    throw new PcError(403, '900321', 'This operation is not supported for Azure savings plan.');
  }

  if (!changesStatus) {
    if (renames && subscription.status === 'suspended') {
      throw new PcError(400, '800091', "Can't update a subscription with suspended status");
    }
    if (renames) {
      subscription.friendlyName = patch.friendlyName ?? subscription.friendlyName;
      subscription.version += 1;
      audit(world, actor, customer, subscription, before);
    }
    return { kind: 'updated', subscription, shown: subscription };
  }

  const reactivates = desired === 'active' && subscription.status === 'suspended';
  if (desired !== 'suspended' && !reactivates) {
    throw new PcError(400, '800096', "Can't update the status for this subscription");
  }
  if (desired === 'suspended') assertSuspendable(subscription);
  if (renames) subscription.friendlyName = patch.friendlyName ?? subscription.friendlyName;
  const target = desired === 'suspended' ? 'suspended' : 'active';
  if (subscription.kind === 'azurePlan') {
    return changePlanStatus(world, actor, customer, subscription, target, before);
  }
  applyStatus(subscription, target);
  subscription.version += 1;
  audit(world, actor, customer, subscription, before);
  return { kind: 'updated', subscription, shown: subscription };
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

/** Control API: someone else changed the subscription; a PATCH with the old etag answers 400 2055. */
export function bumpEtag(subscription: SubscriptionRecord): { previousEtag: string; etag: string } {
  const previousEtag = etagOf(subscription);
  subscription.version += 1;
  return { previousEtag, etag: etagOf(subscription) };
}
