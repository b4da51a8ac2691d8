import { z } from 'zod';
import type { PartnerCenterClient } from '../../partnercenter';
import type { ActionRequest } from '../../store';
import { nextDelayMs } from '../backoff';
import { upgradeEnded } from '../lifecycle/upgrades';
import { RequestFailure, step, type Fact, type RequestKind } from '../requests/kind';

export const UPGRADE_KIND = 'upgrade';

export const upgradePayloadSchema = z.object({
  customerId: z.string().min(1),
  customerName: z.string().min(1),
  /** The legacy MS-AZR-0145P subscription the upgrade moves (shown; Partner Center upgrades the customer). */
  legacySubscriptionId: z.string().min(1),
});
export type UpgradePayload = z.infer<typeof upgradePayloadSchema>;

const startedSchema = z.object({ upgradeId: z.string(), existing: z.boolean(), startedAt: z.number() });

export const upgradeLineSchema = z.object({
  sourceProduct: z.string(),
  targetProduct: z.string(),
  upgradedDate: z.string().optional(),
  status: z.string().optional(),
});
export const upgradeResultSchema = z.object({
  upgradeId: z.string(),
  status: z.string(),
  lineItems: z.array(upgradeLineSchema),
  completedAt: z.number(),
});
export type UpgradeResult = z.infer<typeof upgradeResultSchema>;

export interface UpgradeKindDeps {
  pc: PartnerCenterClient;
  /** First status read (default 30 s), doubling to `maxPollMs` (default 5 min). */
  firstPollMs?: number;
  maxPollMs?: number;
  /** How long an upgrade may take before the request fails for a person to check (default 3 days). */
  deadlineMs?: number;
}

/**
 * Moving a legacy MS-AZR-0145P customer to an Azure plan (App+User throughout):
 * 1. start: the upgrade created (202 + Location names it); one already under way (900109) is the one
 *    followed; a refusal (900105, 900108, 900119, 900120, 900130…) fails with its code.
 * 2. await-upgrade: its status read until it ends; the line items (source, target, date) are the
 *    result, the error details the failure.
 */
export function upgradeKind(deps: UpgradeKindDeps): RequestKind<UpgradePayload> {
  const poll = { initialMs: deps.firstPollMs ?? 30_000, maxMs: deps.maxPollMs ?? 5 * 60_000 };
  const deadlineMs = deps.deadlineMs ?? 3 * 24 * 3_600_000;
  return {
    name: UPGRADE_KIND,
    payload: upgradePayloadSchema,
    requiredRole: 'requester',
    approval: { approvers: 1, expiryHours: 72 },
    steps: [
      {
        name: 'start',
        async run(ctx) {
          const pcRequestId = ctx.pcRequestId('create');
          const created = await deps.pc.productUpgrades.create(ctx.payload.customerId, {
            correlationId: ctx.correlationId,
            requestId: pcRequestId,
          });
          await ctx.audit({
            action: 'upgrade.create',
            outcome: created.existing ? 'existing' : 'created',
            pcRequestId,
            details: { upgradeId: created.upgradeId },
          });
          return step.done(
            { upgradeId: created.upgradeId, existing: created.existing, startedAt: ctx.now() },
            'upgrade-started',
          );
        },
      },
      {
        name: 'await-upgrade',
        async run(ctx) {
          const started = startedSchema.parse(ctx.checkpoint('start'));
          if (ctx.poll.polls === 0 && !started.existing) return step.wait(poll.initialMs);
          const status = await deps.pc.productUpgrades.getStatus(ctx.payload.customerId, started.upgradeId, {
            correlationId: ctx.correlationId,
          });
          const ended = upgradeEnded(status.status);
          const lines = (status.lineItems ?? []).map((l) => ({
            sourceProduct: l.sourceProduct?.name ?? l.sourceProduct?.id ?? '',
            targetProduct: l.targetProduct?.name ?? l.targetProduct?.id ?? '',
            ...(l.upgradedDate ? { upgradedDate: l.upgradedDate } : {}),
            ...(l.status ? { status: l.status } : {}),
          }));
          if (ended === 'completed') {
            const result: UpgradeResult = {
              upgradeId: started.upgradeId,
              status: status.status,
              lineItems: lines,
              completedAt: ctx.now(),
            };
            return step.succeeded(result);
          }
          if (ended === 'failed') {
            const details =
              status.errorDetails ?? status.lineItems?.find((l) => l.errorDetails)?.errorDetails;
            return step.failed(
              new RequestFailure(
                details?.code ? String(details.code) : 'upgrade-failed',
                details?.description ?? `Upgrade ${started.upgradeId} ended "${status.status}"`,
                {
                  details: { upgradeId: started.upgradeId, status: status.status, lineItems: lines },
                },
              ),
            );
          }
          if (ctx.now() - started.startedAt >= deadlineMs) {
            return step.failed(
              new RequestFailure(
                'upgrade-not-confirmed',
                `Upgrade ${started.upgradeId} is still "${status.status}"`,
                {
                  details: { upgradeId: started.upgradeId, status: status.status },
                },
              ),
            );
          }
          return step.wait(nextDelayMs(ctx.poll.lastDelayMs, poll));
        },
      },
    ],
    facts: upgradeFacts,
  };
}

export function upgradeFacts(request: ActionRequest, payload: UpgradePayload): Fact[] {
  const facts: Fact[] = [
    { key: 'customer', value: payload.customerName },
    { key: 'legacySubscription', value: payload.legacySubscriptionId },
  ];
  const started = startedSchema.safeParse(request.execution?.checkpoints.start?.data);
  if (started.success) facts.push({ key: 'upgradeId', value: started.data.upgradeId });
  const result = upgradeResultSchema.safeParse(request.result);
  if (result.success) {
    for (const line of result.data.lineItems) {
      facts.push({
        key: 'upgradedLine',
        value: `${line.sourceProduct} → ${line.targetProduct}${line.upgradedDate ? ` (${line.upgradedDate.slice(0, 10)})` : ''}`,
      });
    }
  }
  return facts;
}
