import {
  collect,
  PartnerCenterError,
  type Entitlement,
  type PartnerCenterClient,
  type Reservation,
  type Subscription,
} from '../../partnercenter';
import type { Blocker } from '../../store';
import { isAzurePlanOffer } from '../azurePlan';
import { isAuthLimitation } from '../pcErrors';

export const PREFLIGHT_CHECKS = [
  'azure-subscriptions',
  'reservations',
  'savings-plans',
  'pending-orders',
] as const;
export type PreflightCheckName = (typeof PREFLIGHT_CHECKS)[number];

export interface PreflightCheck {
  name: PreflightCheckName;
  /** clear: nothing blocks; blocked: see blockers; unknown: the check could not be made (see error). */
  result: 'clear' | 'blocked' | 'unknown';
  blockers: Blocker[];
  /** For 'unknown': the Partner Center code that stopped the check (e.g. 900421 without MFA). */
  error?: { code: string; message: string };
}

export interface Preflight {
  customerId: string;
  planSubscriptionId: string;
  checks: PreflightCheck[];
  /** Every check made and clear: the plan can be suspended. */
  clear: boolean;
  /** Every blocker of every check, in check order. */
  blockers: Blocker[];
  /** A check could not be made because the partner user's token has no MFA claim (900421). */
  mfaRequired: boolean;
  checkedAt: number;
}

/** Reservation states that no longer reserve anything. */
const ENDED_RESERVATION = /cancel|expir|fail|refund|exchang/i;

/**
 * What stands in the way of suspending an Azure plan (partner-center-api.md §8). Partner Center
 * refuses the suspension itself only for active Azure subscriptions (900115); reservations,
 * savings plans and reservation orders still in flight are checked here, so the partner is told
 * before the plan is suspended under a live commitment.
 *
 * - azure-subscriptions: the plan's azureEntitlements, any active (App).
 * - reservations: reserved-instance entitlements and their artifacts, any reservation expiring in the
 *   future and not cancelled (App+User).
 * - savings-plans: the customer's Azure savings plans (benefit subscriptions), any active or with an
 *   active line (App+User, as the savings-plan APIs document).
 * - pending-orders: one-time orders still pending for something other than an Azure plan (App).
 *
 * The reads run side by side. A check the credentials cannot make ends 'unknown', which does not
 * count as clear.
 *
 * `skip`: checks not made at all (they are absent from `checks`): when the suspension is sent,
 * Partner Center makes the Azure-subscription check itself (900115).
 */
export async function suspensionPreflight(
  pc: PartnerCenterClient,
  customerId: string,
  planSubscriptionId: string,
  options: {
    correlationId: string;
    now?: () => number;
    skip?: readonly PreflightCheckName[];
  },
): Promise<Preflight> {
  const now = options.now ?? Date.now;
  const call = { correlationId: options.correlationId };
  const blockersOf: Record<PreflightCheckName, () => Promise<Blocker[]>> = {
    'azure-subscriptions': async () =>
      activeAzureSubscriptions(pc, customerId, planSubscriptionId, options.correlationId),
    reservations: async () => {
      const entitlements = await collect(
        pc.entitlements.listReservedInstances(customerId, { ...call, showExpiry: true }),
      );
      const reservations = await Promise.all(
        entitlements
          .flatMap((e) => artifactLinks(e))
          .map((link) => pc.entitlements.getReservedInstanceArtifactDetails(link, call)),
      );
      return reservations
        .flatMap((details) => [
          ...(details.virtualMachineReservations ?? []),
          ...(details.reservations ?? []),
        ])
        .filter((r) => reserves(r, now()))
        .map((r) => ({
          type: 'reservation',
          id: r.reservationId,
          name: r.displayName ?? r.reservationId,
          ...(r.expiryDateTime ? { detail: r.expiryDateTime.slice(0, 10) } : {}),
        }));
    },
    'savings-plans': async () => {
      const subscriptions = await collect(pc.subscriptions.list(customerId, { ...call, asUser: true }));
      return subscriptions.filter(isActiveBenefit).map((s) => ({
        type: 'savings-plan',
        id: s.id,
        name: s.friendlyName || s.offerName || s.id,
      }));
    },
    'pending-orders': async () => {
      const orders = await collect(pc.orders.list(customerId, { ...call, billingType: 'onetime' }));
      return orders
        .filter((o) => o.status.toLowerCase() === 'pending')
        .filter((o) => o.lineItems.some((l) => !isAzurePlanOffer(l.offerId)))
        .map((o) => ({
          type: 'order',
          id: o.id,
          name: o.lineItems.map((l) => l.friendlyName ?? l.offerId).join(', '),
        }));
    },
  };
  const checks = await Promise.all(
    PREFLIGHT_CHECKS.filter((name) => !options.skip?.includes(name)).map((name) =>
      check(name, blockersOf[name]),
    ),
  );
  const blockers = checks.flatMap((c) => c.blockers);
  return {
    customerId,
    planSubscriptionId,
    checks,
    clear: checks.every((c) => c.result === 'clear'),
    blockers,
    mfaRequired: checks.some((c) => c.error?.code === '900421'),
    checkedAt: now(),
  };
}

/** The plan's Azure subscriptions that are active, as blockers (one azureEntitlements list). */
export async function activeAzureSubscriptions(
  pc: PartnerCenterClient,
  customerId: string,
  planSubscriptionId: string,
  correlationId: string,
): Promise<Blocker[]> {
  const entitlements = await collect(
    pc.azureEntitlements.list(customerId, planSubscriptionId, { correlationId }),
  );
  return entitlements
    .filter((e) => e.status.toLowerCase() === 'active')
    .map((e) => ({ type: 'azure-subscription', id: e.id, name: e.friendlyName ?? e.id }));
}

async function check(
  name: PreflightCheckName,
  blockersOf: () => Promise<Blocker[]>,
): Promise<PreflightCheck> {
  try {
    const blockers = await blockersOf();
    return { name, result: blockers.length > 0 ? 'blocked' : 'clear', blockers };
  } catch (error) {
    // What the credentials cannot read is unknown, not clear; anything else is Partner Center failing.
    if (error instanceof PartnerCenterError && isAuthLimitation(error)) {
      return {
        name,
        result: 'unknown',
        blockers: [],
        error: { code: error.code, message: error.description },
      };
    }
    throw error;
  }
}

function artifactLinks(entitlement: Entitlement): string[] {
  return (entitlement.entitledArtifacts ?? [])
    .filter((a) => (a.artifactType ?? '').toLowerCase() === 'reservedinstance' && a.link?.uri)
    .map((a) => a.link?.uri ?? '');
}

function reserves(reservation: Reservation, now: number): boolean {
  if (ENDED_RESERVATION.test(reservation.provisioningState ?? '')) return false;
  const expiry = Date.parse(reservation.expiryDateTime ?? '');
  return Number.isNaN(expiry) || expiry > now;
}

/** A savings plan (or another benefit) still in force. */
export function isActiveBenefit(subscription: Subscription): boolean {
  const benefit =
    (subscription.productType?.subType?.id ?? '').toLowerCase() === 'savingsplan' ||
    (subscription.billingType ?? '').toLowerCase() === 'benefit' ||
    (subscription.unitType ?? '').toLowerCase() === 'benefit';
  if (!benefit) return false;
  return (
    subscription.status.toLowerCase() === 'active' ||
    (subscription.lineItems ?? []).some((l) => (l.status ?? '').toLowerCase() === 'active')
  );
}
