import { PartnerCenterError, type PartnerCenterClient, type ProductUpgradeStatus } from '../../partnercenter';
import { isAuthLimitation } from '../pcErrors';

export type UpgradeEligibility =
  | { state: 'eligible' }
  /** An upgrade exists already (in progress, done or failed): follow it rather than start one. */
  | { state: 'existing'; upgradeId: string; status?: ProductUpgradeStatus }
  /** Partner Center says no, with its code (900105, 900108, 900119, 900120, 900130…) or its reason. */
  | { state: 'not-eligible'; code: string; reason: string }
  /** The partner user's token cannot make the call (900421 without MFA, no App+User credential). */
  | { state: 'credentials'; code: string; reason: string };

/**
 * Whether the customer's legacy MS-AZR-0145P subscription can move to an Azure plan now (App+User).
 * The documented refusals of the eligibility call come back as not-eligible with their code; an
 * upgrade already made or under way is read back with its status.
 */
export async function upgradeEligibility(
  pc: PartnerCenterClient,
  customerId: string,
  options: { correlationId: string },
): Promise<UpgradeEligibility> {
  try {
    const eligibility = await pc.productUpgrades.checkEligibility(customerId, options);
    if (eligibility.upgradeId) {
      const status = await pc.productUpgrades.getStatus(customerId, eligibility.upgradeId, options);
      return { state: 'existing', upgradeId: eligibility.upgradeId, status };
    }
    if (eligibility.isEligible) return { state: 'eligible' };
    return { state: 'not-eligible', code: 'not-eligible', reason: eligibility.reason ?? '' };
  } catch (error) {
    if (!(error instanceof PartnerCenterError)) throw error;
    if (isAuthLimitation(error)) return { state: 'credentials', code: error.code, reason: error.description };
    if (error.status === 403 || error.status === 400 || error.status === 409) {
      return { state: 'not-eligible', code: error.code, reason: error.description };
    }
    throw error;
  }
}

/** Upgrade statuses after which nothing more will happen (the value is an open string). */
export function upgradeEnded(status: string): 'completed' | 'failed' | undefined {
  const value = status.toLowerCase();
  if (value === 'completed' || value === 'complete' || value === 'succeeded') return 'completed';
  if (value === 'failed' || value === 'error' || value === 'cancelled' || value === 'canceled')
    return 'failed';
  return undefined;
}
