import { z } from 'zod';
import { PartnerCenterError, type PartnerCenterClient } from '../../partnercenter';
import { nextDelayMs } from '../backoff';
import { RequestFailure, step, type RequestStep, type StepContext, type StepResult } from '../requests/kind';

/** What suspend and reactivate requests carry: the Azure plan (a Partner Center subscription) to change. */
export const planChangePayloadSchema = z.object({
  customerId: z.string().min(1),
  customerName: z.string().min(1),
  planSubscriptionId: z.string().min(1),
  planName: z.string().min(1),
});
export type PlanChangePayload = z.infer<typeof planChangePayloadSchema>;

export interface PlanStatusTiming {
  /** First read-back of the status (default 10 s), doubling to `maxPollMs` (default 2 min). */
  firstPollMs?: number;
  maxPollMs?: number;
  /** How long a status change may take to show before the request fails for a person to check (default 30 min). */
  deadlineMs?: number;
}

const sentSchema = z.object({ answer: z.enum(['ok', 'accepted', 'already']), sentAt: z.number() });

/**
 * The step that sends the new status: the plan is read, sent back whole under If-Match; a stale etag
 * (2055) is read again and sent once more. Partner Center answers 200 or 202; either way the status
 * is confirmed by the next step. `refused` turns a Partner Center refusal into the kind's failure.
 */
export function sendStatusStep(
  pc: PartnerCenterClient,
  status: 'suspended' | 'active',
  refused: (
    error: PartnerCenterError,
    ctx: StepContext<PlanChangePayload>,
  ) => Promise<RequestFailure | undefined> = async () => undefined,
): RequestStep<PlanChangePayload> {
  return {
    name: status === 'suspended' ? 'suspend' : 'reactivate',
    async run(ctx) {
      const { customerId, planSubscriptionId } = ctx.payload;
      const send = (attempt: string) =>
        pc.subscriptions.sendStatus(customerId, planSubscriptionId, status, {
          correlationId: ctx.correlationId,
          requestId: ctx.pcRequestId(attempt),
        });
      try {
        let sent;
        try {
          sent = await send('patch');
        } catch (error) {
          if (!(error instanceof PartnerCenterError) || error.code !== '2055') throw error;
          // The plan changed since it was read: read it again and send once more.
          sent = await send('patch-again');
        }
        await ctx.audit({
          action: `plan.${status === 'suspended' ? 'suspend' : 'reactivate'}`,
          outcome: sent.unchanged ? 'already' : sent.answer,
          pcRequestId: ctx.pcRequestId('patch'),
          details: { planSubscriptionId },
        });
        return step.done(
          { answer: sent.unchanged ? 'already' : sent.answer, sentAt: ctx.now() },
          'status-sent',
        );
      } catch (error) {
        if (error instanceof PartnerCenterError) {
          const failure = await refused(error, ctx);
          if (failure) return step.failed(failure);
        }
        throw error;
      }
    },
  };
}

/**
 * The step that waits for the status to show: a change can take about ten minutes, so the plan is
 * read back with backoff until it has the new status, or the deadline passes and the request fails
 * saying what to check (never a silent success).
 */
export function confirmStatusStep(
  pc: PartnerCenterClient,
  status: 'suspended' | 'active',
  sentBy: string,
  timing: PlanStatusTiming = {},
): RequestStep<PlanChangePayload> {
  const poll = { initialMs: timing.firstPollMs ?? 10_000, maxMs: timing.maxPollMs ?? 2 * 60_000 };
  const deadlineMs = timing.deadlineMs ?? 30 * 60_000;
  return {
    name: 'confirm',
    async run(ctx): Promise<StepResult> {
      const sent = sentSchema.parse(ctx.checkpoint(sentBy));
      const { customerId, planSubscriptionId } = ctx.payload;
      const done = (planStatus: string): StepResult =>
        step.succeeded({
          planSubscriptionId,
          status: planStatus,
          answer: sent.answer,
          confirmedAt: ctx.now(),
          polls: ctx.poll.polls,
        });
      if (sent.answer === 'already') return done(status);
      // The change takes a while to show: the first look waits instead of asking at once.
      if (ctx.poll.polls === 0) return step.wait(poll.initialMs);
      const plan = await pc.subscriptions.get(customerId, planSubscriptionId, {
        correlationId: ctx.correlationId,
      });
      if (plan.status.toLowerCase() === status) return done(plan.status);
      if (ctx.now() - sent.sentAt >= deadlineMs) {
        return step.failed(
          new RequestFailure(
            'status-not-confirmed',
            `Partner Center accepted the change but the plan is still "${plan.status}" after ${Math.round(deadlineMs / 60_000)} minutes`,
            { details: { planSubscriptionId, status: plan.status } },
          ),
        );
      }
      return step.wait(nextDelayMs(ctx.poll.lastDelayMs, poll));
    },
  };
}
