import { z } from 'zod';
import type { ControlRoute } from '../http/pipeline';
import { errorBody } from '../http/reply';

/**
 * Control of the Graph billing exports: how the next export(s) end, whatever the configuration
 * says. `POST /_sim/graph/exports/next` `{ outcome: 'succeeded' | 'failed' | 'slow', polls?,
 * retryAfterSeconds?, code?, message?, times? }`; `DELETE` forgets what was planned.
 */

const nextExportSchema = z
  .object({
    outcome: z.enum(['succeeded', 'failed', 'slow']),
    /** GETs answered `notStarted`/`running` before the outcome (default: config, or 3 for `slow`). */
    polls: z.number().int().min(0).max(1_000).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3_600).optional(),
    /** The failed operation's error (default 5000 "No data available"). */
    code: z.string().min(1).optional(),
    message: z.string().min(1).optional(),
    /** How many of the next exports this applies to (default 1). */
    times: z.number().int().min(1).max(100).optional(),
  })
  .strict();

export const graphControlRoutes: ControlRoute[] = [
  {
    method: 'POST',
    path: '/_sim/graph/exports/next',
    handle(body, _q, sim) {
      const parsed = nextExportSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          status: 400,
          body: errorBody('800002', `${issue.path.join('.') || 'body'}: ${issue.message}`),
        };
      }
      const next = parsed.data;
      const { config } = sim.world;
      const plan = {
        outcome: next.outcome === 'failed' ? ('failed' as const) : ('succeeded' as const),
        runningPolls: next.polls ?? (next.outcome === 'slow' ? 3 : config.graphExportRunningPolls),
        retryAfterSeconds: next.retryAfterSeconds ?? config.graphExportRetryAfterSeconds,
        ...(next.outcome === 'failed' && (next.code || next.message)
          ? { error: { code: next.code ?? '5000', message: next.message ?? 'No data available' } }
          : {}),
      };
      sim.world.billingExports.planNext(plan, next.times ?? 1);
      return { status: 200, body: { planned: plan, times: next.times ?? 1 } };
    },
  },
  {
    method: 'DELETE',
    path: '/_sim/graph/exports/next',
    handle(_b, _q, sim) {
      sim.world.billingExports.clearPlans();
      return { status: 200, body: { ok: true } };
    },
  },
];
