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
  /** The plan's Azure subscriptions; absent when they were not asked for. */
  azureSubscriptions?: AzureSubscriptionSummary[];
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
 * one azureEntitlements list per plan, unless `azureSubscriptions: false` (a flow that only picks
 * a plan or looks for a legacy subscription does not show them: one call in all).
 */
export async function customerPlans(
  pc: PartnerCenterClient,
  customerId: string,
  options: { correlationId: string; azureSubscriptions?: boolean },
): Promise<CustomerPlans> {
  const call = { correlationId: options.correlationId };
  const subscriptions = await collect(pc.subscriptions.list(customerId, call));
  const planSubscriptions = subscriptions.filter((s) => isAzurePlanOffer(s.offerId) && !GONE.has(s.status));
  const plans = await Promise.all(
    planSubscriptions.map(async (plan): Promise<PlanSummary> => {
      const summary = { id: plan.id, name: nameOf(plan), status: plan.status, offerId: plan.offerId ?? '' };
      if (options.azureSubscriptions === false) return summary;
      const entitlements = await collect(pc.azureEntitlements.list(customerId, plan.id, call));
      return {
        ...summary,
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
