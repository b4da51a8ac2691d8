import { currentPlan, legacySubscription } from './assets';
import type { Actor } from './audit';
import {
  azurePlanOrderLine,
  AZURE_PLAN_AVAILABILITY_ID,
  AZURE_PLAN_CATALOG_ITEM_ID,
  AZURE_PLAN_PRODUCT_ID,
  AZURE_PLAN_SKU_ID,
} from './catalog';
import { PcError } from './errors';
import type { CustomerState, SubscriptionRecord, UpgradeOutcome, UpgradeRecord } from './types';
import type { World } from './world';

export interface Eligibility {
  isEligible: boolean;
  upgradeId?: string;
  reason?: string;
}

const NO_AZURE = "Can't process Azure upgrade since customer has no Azure subscriptions.";

/**
 * Legacy MS-AZR-0145P → Azure plan transition, as the product-upgrade API describes it. The docs
 * set `upgradeId` whenever an upgrade exists; after a failed one (the docs are silent) the customer
 * may try again: eligible as before, with the failed upgrade's id.
 */
export function eligibility(customer: CustomerState): Eligibility {
  const upgrade = customer.upgrade;
  if (upgrade?.status === 'InProgress') {
    return { isEligible: false, upgradeId: upgrade.id, reason: `The upgrade ${upgrade.id} is in progress.` };
  }
  if (upgrade?.status === 'Completed') {
    return { isEligible: false, upgradeId: upgrade.id, reason: `The upgrade ${upgrade.id} is completed.` };
  }
  const failed = upgrade?.status === 'Failed' ? { upgradeId: upgrade.id } : {};
  if (customer.upgradeBlock) return { isEligible: false, ...failed, reason: customer.upgradeBlock.reason };
  if (!legacySubscription(customer)) return { isEligible: false, ...failed, reason: NO_AZURE };
  return { isEligible: true, ...failed };
}

export function createUpgrade(world: World, customer: CustomerState, actor: Actor): UpgradeRecord {
  const existing = customer.upgrade;
  if (existing?.status === 'InProgress') {
    throw new PcError(
      409,
      '900109',
      `This upgrade isn't allowed as original upgrade ${existing.id} is in progress`,
    );
  }
  if (existing?.status === 'Completed') {
    throw new PcError(
      400,
      '900110',
      `Can't process the upgrade request for completed upgrade ${existing.id}`,
    );
  }
  if (customer.upgradeBlock) {
    throw new PcError(customer.upgradeBlock.status, customer.upgradeBlock.code, customer.upgradeBlock.reason);
  }
  const legacy = legacySubscription(customer);
  if (!legacy || !legacy.entitlementId) throw new PcError(403, '900108', NO_AZURE);

  const now = world.now();
  const upgrade: UpgradeRecord = {
    id: world.ids.guid('upgrade'),
    customerId: customer.profile.id,
    status: 'InProgress',
    createdAt: now,
    completesAt: now + world.config.upgradeCompletionDelayMs,
    sourceSubscriptionId: legacy.id,
    sourceEntitlementId: legacy.entitlementId,
    targetPlanId: currentPlan(customer)?.id ?? world.ids.guid('subscription'),
    ...(customer.nextUpgradeOutcome ? { outcome: customer.nextUpgradeOutcome } : {}),
  };
  customer.nextUpgradeOutcome = undefined;
  customer.upgrade = upgrade;
  world.upgrades.set(upgrade.id.toLowerCase(), upgrade);
  world.scheduler.at(upgrade.completesAt, () => completeUpgrade(world, customer, upgrade));
  world.record(actor, customer, {
    resourceType: 'subscription',
    operationType: 'upgrade_subscription',
    operationStatus: 'progress',
    resourceNewValue: JSON.stringify({
      Id: upgrade.id,
      ProductFamily: 'Azure',
      CustomerId: customer.profile.id,
    }),
    customizedData: [
      { key: 'UpgradeId', value: upgrade.id },
      { key: 'SourceSubscriptionId', value: legacy.id },
    ],
  });
  return upgrade;
}

export function getUpgrade(world: World, customer: CustomerState, upgradeId: string): UpgradeRecord {
  const upgrade = world.upgrades.get(upgradeId.toLowerCase());
  if (!upgrade) throw new PcError(404, '900106', 'No upgrade request was found');
  if (upgrade.customerId.toLowerCase() !== customer.profile.id.toLowerCase()) {
    throw new PcError(
      400,
      '900111',
      `The upgrade ID provided doesn't belong to customer ${customer.profile.id}. The customer is mapped to upgrade ID ${customer.upgrade?.id ?? ''}`,
    );
  }
  return upgrade;
}

/**
 * Completion: the Azure plan exists with the legacy Azure subscription under it, the legacy
 * subscription is suspended and the spending budget is gone (it does not carry over).
 */
function completeUpgrade(world: World, customer: CustomerState, upgrade: UpgradeRecord): void {
  if (upgrade.status !== 'InProgress') return;
  const now = world.now();
  if (upgrade.outcome?.status === 'Failed') {
    // Nothing moves: the legacy subscription stays active and the budget stays.
    upgrade.status = 'Failed';
    upgrade.errorDetails = upgrade.outcome.errorDetails;
    return;
  }
  const legacy = customer.subscriptions.find((s) => s.id === upgrade.sourceSubscriptionId);
  let plan = currentPlan(customer);
  if (!plan) {
    const orderId = world.ids.hex('order', 12);
    plan = {
      id: upgrade.targetPlanId,
      kind: 'azurePlan',
      offerId: AZURE_PLAN_CATALOG_ITEM_ID,
      offerName: 'Microsoft Azure plan',
      friendlyName: 'Microsoft Azure plan',
      productId: AZURE_PLAN_PRODUCT_ID,
      skuId: AZURE_PLAN_SKU_ID,
      availabilityId: AZURE_PLAN_AVAILABILITY_ID,
      status: 'active',
      suspensionReasons: [],
      creationDate: now,
      effectiveStartDate: now,
      orderId,
      autoRenewEnabled: false,
      version: 1,
      azureEntitlements: [],
      migratedFromSubscriptionId: upgrade.sourceSubscriptionId,
    } satisfies SubscriptionRecord;
    customer.subscriptions.push(plan);
    customer.orders.push({
      id: orderId,
      alternateId: orderId,
      customerId: customer.profile.id,
      billingCycle: 'one_time',
      currencyCode: customer.profile.currency,
      creationDate: now,
      status: 'completed',
      completesAt: now,
      transactionType: 'SystemPurchase',
      lines: [azurePlanOrderLine(plan.id)],
    });
  }
  plan.azureEntitlements.push({
    id: upgrade.sourceEntitlementId,
    friendlyName: legacy?.friendlyName ?? 'Microsoft Azure',
    status: 'active',
    planId: plan.id,
  });
  if (legacy) {
    legacy.status = 'suspended';
    legacy.suspensionReasons = ['Upgraded'];
    legacy.version += 1;
  }
  customer.budgetCents = null;
  upgrade.status = 'Completed';
  upgrade.upgradedDate = now;
}

/** Control API: how an upgrade in progress ends, when it is due (`upgradeCompletionDelayMs`). */
export function setUpgradeOutcome(upgrade: UpgradeRecord, outcome: UpgradeOutcome): void {
  if (upgrade.status !== 'InProgress') {
    throw new PcError(409, '800002', `Upgrade ${upgrade.id} has already ended ${upgrade.status}.`);
  }
  upgrade.outcome = outcome;
}
