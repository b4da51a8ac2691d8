import type { PartnerCenterClient } from '../../partnercenter';
import type { RequestKind } from '../requests/kind';
import {
  confirmStatusStep,
  planChangePayloadSchema,
  sendStatusStep,
  type PlanChangePayload,
  type PlanStatusTiming,
} from './planStatus';
import { planFacts } from './suspend';

export const REACTIVATE_KIND = 'reactivate';

/** Reactivating a suspended Azure plan: the status sent (If-Match, 2055 read again once), then confirmed. */
export function reactivateKind(deps: {
  pc: PartnerCenterClient;
  timing?: PlanStatusTiming;
}): RequestKind<PlanChangePayload> {
  return {
    name: REACTIVATE_KIND,
    payload: planChangePayloadSchema,
    requiredRole: 'requester',
    approval: { approvers: 1, expiryHours: 72 },
    steps: [
      sendStatusStep(deps.pc, 'active'),
      confirmStatusStep(deps.pc, 'active', 'reactivate', deps.timing),
    ],
    facts: planFacts,
    subject: (payload) => `${payload.customerId}:${payload.planSubscriptionId}`,
  };
}
