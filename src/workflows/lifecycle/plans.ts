import { collect, type PartnerCenterClient, type Subscription } from '../../partnercenter';
import { isAzurePlanOffer, isLegacyAzureOffer } from '../azurePlan';

export interface AzureSubscriptionSummary {
  id: string;
  name: string;
  status: string;
}

export interface PlanSummary {
  /** The plan's Partner Center subscription id. */
  id: string;
  name: string;
  status: string;
  offerId: string;
  azureSubscriptions: AzureSubscriptionSummary[];
}

export interface LegacySubscriptionSummary {
  id: string;
  name: string;
  status: string;
  /** The Azure subscription of a 0145P subscription. */
  entitlementId?: string;
}

export interface CustomerPlans {
  plans: PlanSummary[];
  /** MS-AZR-0145P subscriptions: moved to an Azure plan by the product upgrade. */
  legacy: LegacySubscriptionSummary[];
}

/** Statuses after which a subscription is no longer something the customer has. */
const GONE = new Set(['deleted', 'expired', 'disabled']);

/**
 * The customer's Azure plans with the Azure subscriptions under each (Partner Center lists them as
 * the plan's azureEntitlements), and its legacy 0145P subscriptions. One subscriptions list, then
 * one azureEntitlements list per plan.
 */
export async function customerPlans(
  pc: PartnerCenterClient,
  customerId: string,
  options: { correlationId: string },
): Promise<CustomerPlans> {
  const subscriptions = await collect(pc.subscriptions.list(customerId, options));
  const planSubscriptions = subscriptions.filter((s) => isAzurePlanOffer(s.offerId) && !GONE.has(s.status));
  const plans = await Promise.all(
    planSubscriptions.map(async (plan): Promise<PlanSummary> => {
      const entitlements = await collect(pc.azureEntitlements.list(customerId, plan.id, options));
      return {
        id: plan.id,
        name: nameOf(plan),
        status: plan.status,
        offerId: plan.offerId ?? '',
        azureSubscriptions: entitlements.map((e) => ({
          id: e.id,
          name: e.friendlyName ?? e.id,
          status: e.status,
        })),
      };
    }),
  );
  const legacy = subscriptions
    .filter((s) => isLegacyAzureOffer(s.offerId) && !GONE.has(s.status))
    .map((s) => ({
      id: s.id,
      name: nameOf(s),
      status: s.status,
      ...(s.entitlementId ? { entitlementId: s.entitlementId } : {}),
    }));
  return { plans, legacy };
}

function nameOf(subscription: Subscription): string {
  return subscription.friendlyName || subscription.offerName || subscription.id;
}
