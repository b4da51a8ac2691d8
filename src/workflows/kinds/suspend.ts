import type { PartnerCenterClient } from '../../partnercenter';
import type { ActionRequest } from '../../store';
import { activeAzureSubscriptions, suspensionPreflight } from '../lifecycle/preflight';
import { RequestFailure, step, type Fact, type RequestKind } from '../requests/kind';
import {
  confirmStatusStep,
  planChangePayloadSchema,
  sendStatusStep,
  type PlanChangePayload,
  type PlanStatusTiming,
} from './planStatus';

export const SUSPEND_KIND = 'suspend';

export interface SuspendKindDeps {
  pc: PartnerCenterClient;
  timing?: PlanStatusTiming;
}

/**
 * Suspending an Azure plan:
 * 1. preflight: the checks run again at execution (an approval can come hours after the request):
 *    anything that blocks, or a check that cannot be made, fails the request with what blocks it.
 *    All but the Azure-subscription check, which Partner Center makes itself when the plan is sent
 *    (900115, next step): reading the plan's Azure subscriptions here would only repeat it.
 * 2. suspend: the plan sent back with status suspended under If-Match (2055: read again, once);
 *    900115 (an active Azure subscription under the plan) fails with those subscriptions as
 *    blockers.
 * 3. confirm: the status read back until it shows suspended, or the deadline passes.
 */
export function suspendKind(deps: SuspendKindDeps): RequestKind<PlanChangePayload> {
  return {
    name: SUSPEND_KIND,
    payload: planChangePayloadSchema,
    requiredRole: 'requester',
    approval: { approvers: 1, expiryHours: 72 },
    steps: [
      {
        name: 'preflight',
        async run(ctx) {
          const preflight = await suspensionPreflight(
            deps.pc,
            ctx.payload.customerId,
            ctx.payload.planSubscriptionId,
            { correlationId: ctx.correlationId, now: ctx.now, skip: ['azure-subscriptions'] },
          );
          await ctx.audit({
            action: 'plan.preflight',
            outcome: preflight.clear ? 'clear' : 'blocked',
            details: {
              checks: preflight.checks.map((c) => `${c.name}:${c.result}`),
              blockers: preflight.blockers.length,
            },
          });
          if (preflight.mfaRequired) {
            return step.failed(new RequestFailure('900421', 'The partner user sign-in has no MFA claim'));
          }
          if (preflight.blockers.length > 0) {
            return step.failed(
              new RequestFailure('preflight-blocked', 'Something still uses the plan', {
                blockers: preflight.blockers,
              }),
            );
          }
          if (!preflight.clear) {
            const unknown = preflight.checks.filter((c) => c.result === 'unknown');
            return step.failed(
              new RequestFailure(
                'preflight-incomplete',
                `Could not check: ${unknown.map((c) => c.name).join(', ')}`,
                {
                  details: { unknown: unknown.map((c) => ({ check: c.name, code: c.error?.code ?? '' })) },
                },
              ),
            );
          }
          return step.done({ checkedAt: preflight.checkedAt });
        },
      },
      sendStatusStep(deps.pc, 'suspended', async (error, ctx) => {
        if (error.code !== '900115') return undefined;
        const blockers = await activeAzureSubscriptions(
          deps.pc,
          ctx.payload.customerId,
          ctx.payload.planSubscriptionId,
          ctx.correlationId,
        );
        return new RequestFailure('900115', error.description, {
          blockers,
          ...(error.requestId ? { pcRequestId: error.requestId } : {}),
        });
      }),
      confirmStatusStep(deps.pc, 'suspended', 'suspend', deps.timing),
    ],
    facts: planFacts,
    subject: (payload) => `${payload.customerId}:${payload.planSubscriptionId}`,
  };
}

export function planFacts(_request: ActionRequest, payload: PlanChangePayload): Fact[] {
  return [
    { key: 'customer', value: payload.customerName },
    { key: 'plan', value: payload.planName },
    { key: 'planSubscription', value: payload.planSubscriptionId },
  ];
}
