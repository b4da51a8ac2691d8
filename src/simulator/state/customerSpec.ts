import { MCA_TEMPLATE_ID, MCLOUD_TEMPLATE_ID } from './agreements';
import {
  azurePlanOrderLine,
  AZURE_PLAN_AVAILABILITY_ID,
  AZURE_PLAN_CATALOG_ITEM_ID,
  AZURE_PLAN_PRODUCT_ID,
  AZURE_PLAN_SKU_ID,
  COUNTRY_CURRENCY,
  LEGACY_AZURE_OFFER_ID,
  LEGACY_AZURE_PRODUCT_ID,
  RESERVATION_PRODUCT_ID,
  reservationOrderLine,
} from './catalog';
import { DAY_MS, iso } from './clock';
import { seededRandom, stableGuid, stableHex } from './ids';
import { savingsPlanFor, type SavingsPlanSpec } from './savingsPlans';
import { seedSpend } from './spend';
import { accruesUsage, buildUsageResources, usageTargets } from './usageData';
import type {
  AgreementRecord,
  AzureEntitlementRecord,
  Contact,
  Country,
  CustomerProfile,
  CustomerState,
  EntitlementStatus,
  OrderRecord,
  ReservationEntitlementRecord,
  SubscriptionRecord,
  UpgradeBlock,
  SpendState,
} from './types';

/** Everything that makes a customer's situation; turned into state only when the customer is first used. */
export interface CustomerSpec {
  key: string;
  companyName: string;
  domain: string;
  country: Country;
  city: string;
  region: string;
  addressLine1: string;
  postalCode: string;
  contact: Contact;
  mca: boolean;
  cloudAgreement?: boolean;
  plan?: { status: 'active' | 'suspended'; ageDays: number; entitlements: EntitlementStatus[] };
  legacy?: { ageDays: number; block?: UpgradeBlock };
  reservation?: 'active' | 'expired';
  /** An active Azure savings plan (a benefit subscription). */
  savingsPlan?: SavingsPlanSpec;
  /** Spend of the billing period so far at (re)seed, whatever the day of the month (cents). */
  usageCents?: number;
  /** Spend a reported day adds after the seed; default: usageCents / SEED_RUN_DAYS (state/spend.ts). */
  dailyUsageCents?: number;
  usageResources?: number;
  budgetCents?: number | null;
}

const CULTURE: Record<Country, { culture: string; language: string }> = {
  US: { culture: 'en-US', language: 'en' },
  GB: { culture: 'en-GB', language: 'en' },
  FR: { culture: 'fr-FR', language: 'fr' },
  DE: { culture: 'de-DE', language: 'de' },
};

export function customerIdFor(key: string): string {
  return stableGuid(`customer:${key}`);
}

export function profileFromSpec(spec: CustomerSpec): CustomerProfile {
  return {
    id: customerIdFor(spec.key),
    companyName: spec.companyName,
    domain: spec.domain,
    country: spec.country,
    currency: COUNTRY_CURRENCY[spec.country],
    ...CULTURE[spec.country],
    city: spec.city,
    region: spec.region,
    addressLine1: spec.addressLine1,
    postalCode: spec.postalCode,
    contact: spec.contact,
  };
}

function agreementsFor(spec: CustomerSpec, baseTime: number): AgreementRecord[] {
  const out: AgreementRecord[] = [];
  if (spec.cloudAgreement) {
    out.push({
      type: 'MicrosoftCloudAgreement',
      templateId: MCLOUD_TEMPLATE_ID,
      dateAgreed: iso(baseTime - 1600 * DAY_MS),
      primaryContact: spec.contact,
    });
  }
  if (spec.mca) {
    out.push({
      type: 'MicrosoftCustomerAgreement',
      templateId: MCA_TEMPLATE_ID,
      dateAgreed: iso(baseTime - 420 * DAY_MS),
      primaryContact: spec.contact,
    });
  }
  return out;
}

function planFor(spec: CustomerSpec, customerId: string, baseTime: number) {
  if (!spec.plan) return undefined;
  const created = baseTime - spec.plan.ageDays * DAY_MS;
  const planId = stableGuid(`${spec.key}:plan`);
  const orderId = stableHex(`${spec.key}:plan-order`, 12);
  const entitlements: AzureEntitlementRecord[] = spec.plan.entitlements.map((status, i) => ({
    id: stableGuid(`${spec.key}:azure-subscription:${i}`),
    friendlyName: i === 0 ? 'Microsoft Azure' : `Azure subscription ${i + 1}`,
    status,
    planId,
  }));
  const subscription: SubscriptionRecord = {
    id: planId,
    kind: 'azurePlan',
    offerId: AZURE_PLAN_CATALOG_ITEM_ID,
    offerName: 'Microsoft Azure plan',
    friendlyName: 'Microsoft Azure plan',
    productId: AZURE_PLAN_PRODUCT_ID,
    skuId: AZURE_PLAN_SKU_ID,
    availabilityId: AZURE_PLAN_AVAILABILITY_ID,
    status: spec.plan.status,
    suspensionReasons: spec.plan.status === 'suspended' ? ['PartnerInitiated'] : [],
    creationDate: created,
    effectiveStartDate: created,
    orderId,
    autoRenewEnabled: false,
    version: 1,
    azureEntitlements: entitlements,
  };
  const order = completedOrder(spec, customerId, {
    id: orderId,
    alternateId: orderId,
    billingCycle: 'one_time',
    creationDate: created - 5 * 60_000,
    completesAt: created,
    lines: [azurePlanOrderLine(planId)],
  });
  return { subscription, order };
}

function legacyFor(spec: CustomerSpec, customerId: string, baseTime: number) {
  if (!spec.legacy) return undefined;
  const created = baseTime - spec.legacy.ageDays * DAY_MS;
  const id = stableGuid(`${spec.key}:legacy`);
  const orderId = stableGuid(`${spec.key}:legacy-order`);
  const subscription: SubscriptionRecord = {
    id,
    kind: 'legacyAzure',
    offerId: LEGACY_AZURE_OFFER_ID,
    offerName: 'Microsoft Azure',
    friendlyName: 'Microsoft Azure',
    productId: LEGACY_AZURE_PRODUCT_ID,
    skuId: LEGACY_AZURE_OFFER_ID,
    status: 'active',
    suspensionReasons: [],
    creationDate: created,
    effectiveStartDate: created,
    orderId,
    entitlementId: stableGuid(`${spec.key}:legacy-azure-subscription`),
    autoRenewEnabled: false,
    version: 1,
    azureEntitlements: [],
  };
  const order = completedOrder(spec, customerId, {
    id: orderId,
    alternateId: stableHex(`${spec.key}:legacy-order`, 12),
    billingCycle: 'monthly',
    creationDate: created - 5 * 60_000,
    completesAt: created,
    lines: [
      {
        lineItemNumber: 0,
        offerId: LEGACY_AZURE_OFFER_ID,
        productId: LEGACY_AZURE_PRODUCT_ID,
        skuId: LEGACY_AZURE_OFFER_ID,
        availabilityId: '',
        friendlyName: 'Microsoft Azure',
        quantity: 1,
        effect: 'azurePlan',
        unitPriceCents: 0,
        plannedSubscriptionId: id,
        subscriptionId: id,
      },
    ],
  });
  return { subscription, order };
}

function reservationFor(spec: CustomerSpec, customerId: string, baseTime: number) {
  if (!spec.reservation) return undefined;
  const effective = baseTime - 400 * DAY_MS;
  const expiry = spec.reservation === 'active' ? effective + 3 * 365 * DAY_MS : baseTime - 35 * DAY_MS;
  const orderId = `${stableHex(`${spec.key}:ri-order`, 31)}1`;
  const alternateId = stableHex(`${spec.key}:ri-order-alt`, 12);
  const entitlement: ReservationEntitlementRecord = {
    orderId,
    orderAlternateId: alternateId,
    lineItemId: '0',
    productId: RESERVATION_PRODUCT_ID,
    skuId: spec.reservation === 'active' ? '0002' : '0001',
    quantity: 1,
    groupId: stableHex(`${spec.key}:ri-group`, 32),
    artifactLineItemId: stableGuid(`${spec.key}:ri-line`),
    resourceId: stableGuid(`${spec.key}:ri-resource`),
    reservation: {
      reservationId: stableGuid(`${spec.key}:reservation`),
      displayName: `VM_RI_${spec.key.replace(/[^a-z0-9]/gi, '')}`,
      scopeType: 'Shared',
      quantity: 1,
      effectiveDateTime: effective,
      expiryDateTime: expiry,
      provisioningState: spec.reservation === 'active' ? 'Created' : 'Expired',
    },
  };
  const order = completedOrder(spec, customerId, {
    id: orderId,
    alternateId,
    billingCycle: 'one_time',
    creationDate: effective - 60 * 60_000,
    completesAt: effective,
    lines: [reservationOrderLine(entitlement.skuId, entitlement.resourceId)],
  });
  return { entitlement, order };
}

/** A seeded order: placed and completed long before the simulator started. */
function completedOrder(
  spec: CustomerSpec,
  customerId: string,
  order: Pick<OrderRecord, 'id' | 'alternateId' | 'billingCycle' | 'creationDate' | 'completesAt' | 'lines'>,
): OrderRecord {
  return {
    ...order,
    customerId,
    currencyCode: COUNTRY_CURRENCY[spec.country],
    status: 'completed',
    transactionType: 'UserPurchase',
  };
}

function spendFor(spec: CustomerSpec, subscriptions: SubscriptionRecord[], baseTime: number): SpendState {
  const resources = buildUsageResources(
    seededRandom(`${spec.key}:usage`),
    usageTargets(subscriptions),
    spec.usageResources ?? 4,
  );
  const seed = Math.floor(seededRandom(`${spec.key}:spend`)() * 4294967296);
  const anchorCents = resources.length > 0 ? (spec.usageCents ?? 0) : 0;
  return seedSpend(seed, resources, baseTime, anchorCents, accruesUsage(subscriptions), spec.dailyUsageCents);
}

/** Builds a customer's full state from its spec; `baseTime` is the simulated time of the (re)seed. */
export function materializeCustomer(spec: CustomerSpec, baseTime: number): CustomerState {
  const profile = profileFromSpec(spec);
  const plan = planFor(spec, profile.id, baseTime);
  const legacy = legacyFor(spec, profile.id, baseTime);
  const reservation = reservationFor(spec, profile.id, baseTime);
  const savingsPlan = spec.savingsPlan
    ? savingsPlanFor(spec.key, spec.country, profile.id, spec.savingsPlan, baseTime)
    : undefined;
  const subscriptions = [legacy?.subscription, plan?.subscription, savingsPlan?.subscription].filter(
    (s): s is SubscriptionRecord => !!s,
  );
  const orders = [legacy?.order, reservation?.order, plan?.order, savingsPlan?.order].filter(
    (o): o is OrderRecord => !!o,
  );
  return {
    profile,
    agreements: agreementsFor(spec, baseTime),
    budgetCents: spec.budgetCents ?? null,
    subscriptions,
    reservations: reservation ? [reservation.entitlement] : [],
    orders,
    carts: new Map(),
    spend: spendFor(spec, subscriptions, baseTime),
    upgradeBlock: spec.legacy?.block,
  };
}
