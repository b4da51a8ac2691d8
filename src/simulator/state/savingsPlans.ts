import { COUNTRY_CURRENCY } from './catalog';
import { DAY_MS } from './clock';
import { stableGuid, stableHex } from './ids';
import type { Country, OrderRecord, SubscriptionRecord } from './types';

/**
 * Azure savings plans on an Azure plan: benefit subscriptions (productType Azure / subType
 * SavingsPlan, billingType benefit, unitType Benefit) as the savings-plan purchase page shows them.
 * Ids come from that page's sample; the simulator seeds them but does not sell them (no catalog entry).
 */

export const SAVINGS_PLAN_PRODUCT_ID = 'DZH318Z09V6F';
export const SAVINGS_PLAN_SKU_ID = '0001';
export const SAVINGS_PLAN_AVAILABILITY_ID = 'DZH318Z0BLD3';
export const SAVINGS_PLAN_CATALOG_ITEM_ID = `${SAVINGS_PLAN_PRODUCT_ID}:${SAVINGS_PLAN_SKU_ID}:${SAVINGS_PLAN_AVAILABILITY_ID}`;

export interface SavingsPlanSpec {
  /** Days since purchase; the term is one year. */
  ageDays: number;
  /** Hourly commitment in the customer's currency, e.g. 0.05. */
  hourlyCommitment: number;
}

/** A seeded, active one-year compute savings plan with shared scope, and its completed order. */
export function savingsPlanFor(
  key: string,
  country: Country,
  customerId: string,
  spec: SavingsPlanSpec,
  baseTime: number,
): { subscription: SubscriptionRecord; order: OrderRecord } {
  const created = baseTime - spec.ageDays * DAY_MS;
  const id = stableGuid(`${key}:savings-plan`);
  const orderId = stableHex(`${key}:savings-plan-order`, 12);
  const productOrderId = stableGuid(`${key}:savings-plan-product-order`);
  const friendlyName = `Compute_Savings_Plan_${key.replace(/[^a-z0-9]/gi, '')}`;
  const currency = COUNTRY_CURRENCY[country];
  const subscription: SubscriptionRecord = {
    id,
    kind: 'savingsPlan',
    offerId: SAVINGS_PLAN_CATALOG_ITEM_ID,
    offerName: 'Compute savings plan, 1 Year',
    friendlyName,
    productId: SAVINGS_PLAN_PRODUCT_ID,
    skuId: SAVINGS_PLAN_SKU_ID,
    availabilityId: SAVINGS_PLAN_AVAILABILITY_ID,
    status: 'active',
    suspensionReasons: [],
    creationDate: created,
    effectiveStartDate: created,
    orderId,
    autoRenewEnabled: true,
    version: 1,
    azureEntitlements: [],
    benefit: {
      termDuration: 'P1Y',
      commitmentEndDate: created + 365 * DAY_MS,
      productOrderId,
      lineItems: [
        {
          id: productOrderId,
          friendlyName,
          scope: { type: 'shared' },
          autoRenewEnabled: true,
          status: 'active',
          purchaseCommitment: {
            amount: spec.hourlyCommitment,
            currency: currency.toLowerCase(),
            grain: 'Hourly',
          },
        },
      ],
    },
  };
  const order: OrderRecord = {
    id: orderId,
    alternateId: orderId,
    customerId,
    billingCycle: 'one_time',
    currencyCode: currency,
    creationDate: created - 5 * 60_000,
    completesAt: created,
    status: 'completed',
    transactionType: 'UserPurchase',
    lines: [
      {
        lineItemNumber: 0,
        offerId: SAVINGS_PLAN_CATALOG_ITEM_ID,
        productId: SAVINGS_PLAN_PRODUCT_ID,
        skuId: SAVINGS_PLAN_SKU_ID,
        availabilityId: SAVINGS_PLAN_AVAILABILITY_ID,
        friendlyName,
        quantity: 1,
        termDuration: 'P1Y',
        provisioningContext: { scope: 'shared' },
        effect: 'savingsPlan',
        unitPriceCents: 0,
        plannedSubscriptionId: id,
        subscriptionId: id,
      },
    ],
  };
  return { subscription, order };
}
