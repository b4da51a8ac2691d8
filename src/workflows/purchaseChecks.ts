import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging';
import { silentLogger } from '../logging';
import { collect, PartnerCenterError, type PartnerCenterClient, type Subscription } from '../partnercenter';
import type { Store } from '../store';
import { isAzurePlanOffer, isLegacyAzureOffer } from './azurePlan';
import type { CustomerSummary } from './customers';
import { isAuthLimitation } from './pcErrors';
import type { Caller, RolePolicy } from './roles';

export interface PurchaseReadiness {
  customer: CustomerSummary;
  /** MS-AZR-0145P: an Azure plan cannot be bought; offer the product upgrade instead. */
  legacySubscription?: { id: string; offerId: string; status: string };
  /** The customer already has an Azure plan: more Azure subscriptions go under it. */
  existingAzurePlan?: { subscriptionId: string; status: string };
  /** 'unknown' when the App+User call is not possible (no partner user credential, 900329, 401). */
  mca: 'accepted' | 'missing' | 'unknown';
  /** Why mca is 'unknown' (a PartnerCenterError code), for the operator and the logs. */
  mcaCheckError?: string;
  /** Nothing seen that stops an Azure plan purchase (an unknown MCA is left to checkout: 13605). */
  canPurchaseAzurePlan: boolean;
}

/** Subscription states that no longer count as something the customer has. */
const GONE = new Set(['deleted', 'expired', 'disabled']);

/**
 * The checks before the catalog: a legacy 0145P subscription (blocks the purchase), an existing
 * Azure plan (a second one is refused), and the Microsoft Customer Agreement (13605 at checkout).
 * Two calls in parallel: subscriptions (App) and the customer's agreements (App+User).
 */
export async function checkPurchaseReadiness(
  pc: PartnerCenterClient,
  customer: CustomerSummary,
  options: { correlationId: string; logger?: Logger },
): Promise<PurchaseReadiness> {
  const call = { correlationId: options.correlationId };
  const [subscriptions, mcaCheck] = await Promise.all([
    collect(pc.subscriptions.list(customer.id, call)),
    checkMca(pc, customer.id, call, options.logger ?? silentLogger()),
  ]);

  const plan = pickPlan(subscriptions);
  const legacy = plan
    ? undefined
    : subscriptions.find((s) => isLegacyAzureOffer(s.offerId) && !GONE.has(s.status));
  const readiness: PurchaseReadiness = {
    customer,
    mca: mcaCheck.mca,
    ...(mcaCheck.error ? { mcaCheckError: mcaCheck.error } : {}),
    canPurchaseAzurePlan: !plan && !legacy && mcaCheck.mca !== 'missing',
  };
  if (legacy) {
    readiness.legacySubscription = { id: legacy.id, offerId: legacy.offerId ?? '', status: legacy.status };
  }
  if (plan) readiness.existingAzurePlan = { subscriptionId: plan.id, status: plan.status };
  return readiness;
}

/** The customer's Azure plan, preferring an active one. */
function pickPlan(subscriptions: readonly Subscription[]): Subscription | undefined {
  const plans = subscriptions.filter((s) => isAzurePlanOffer(s.offerId) && !GONE.has(s.status));
  return plans.find((s) => s.status === 'active') ?? plans[0];
}

async function checkMca(
  pc: PartnerCenterClient,
  customerId: string,
  call: { correlationId: string },
  logger: Logger,
): Promise<{ mca: PurchaseReadiness['mca']; error?: string }> {
  try {
    const agreements = await collect(pc.agreements.list(customerId, call));
    return { mca: agreements.length > 0 ? 'accepted' : 'missing' };
  } catch (error) {
    if (!(error instanceof PartnerCenterError)) throw error;
    // Checkout is the authority (13605); a failed look-up must not block the purchase dialog.
    if (!isAuthLimitation(error)) {
      logger.warn(
        { customerId, correlationId: call.correlationId, error: error.toJSON() },
        'MCA check failed',
      );
    }
    return { mca: 'unknown', error: error.code };
  }
}

export interface McaAttestationDeps {
  pc: PartnerCenterClient;
  store: Store;
  roles: RolePolicy;
  logger?: Logger;
}

export interface McaAttestationInput {
  customerId: string;
  caller: Caller;
  contact: { firstName: string; lastName: string; email: string; phoneNumber?: string };
  /** ISO 8601 date the customer accepted the agreement. */
  dateAgreed: string;
  correlationId: string;
}

export type McaAttestationResult =
  { ok: true } | { ok: false; reason: 'forbidden' | 'pc-error'; error?: PartnerCenterError };

/**
 * Records the partner's attestation that the customer accepted the Microsoft Customer Agreement
 * (App+User). A requester (who buys) or an admin may do it; it is audited either way.
 */
export async function recordMcaAttestation(
  deps: McaAttestationDeps,
  input: McaAttestationInput,
): Promise<McaAttestationResult> {
  const { caller } = input;
  if (!(await deps.roles.has(caller, 'requester'))) {
    return { ok: false, reason: 'forbidden' };
  }
  const pcRequestId = randomUUID();
  const audit = (outcome: string, details: Record<string, unknown> = {}) =>
    deps.store.audit.append({
      actorId: caller.aadObjectId ?? 'unknown',
      actorName: caller.name,
      action: 'mca.attest',
      customerId: input.customerId,
      correlationId: input.correlationId,
      pcRequestId,
      outcome,
      details: { contactEmail: input.contact.email, dateAgreed: input.dateAgreed, ...details },
    });
  try {
    await deps.pc.agreements.createAttestation(
      input.customerId,
      {
        primaryContact: {
          firstName: input.contact.firstName,
          lastName: input.contact.lastName,
          email: input.contact.email,
          ...(input.contact.phoneNumber ? { phoneNumber: input.contact.phoneNumber } : {}),
        },
        dateAgreed: input.dateAgreed,
      },
      { correlationId: input.correlationId, requestId: pcRequestId },
    );
  } catch (error) {
    if (!(error instanceof PartnerCenterError)) throw error;
    await audit('failed', { code: error.code });
    return { ok: false, reason: 'pc-error', error };
  }
  await audit('ok');
  return { ok: true };
}
