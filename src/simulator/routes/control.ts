import { z } from 'zod';
import { faultSpecSchema } from '../http/faults';
import type { ControlRoute, SimContext } from '../http/pipeline';
import { errorBody, type Reply } from '../http/reply';
import { graphControlRoutes } from './graphControl';
import { directoryControlRoutes } from './graphDirectory';
import { invoiceControlRoutes } from './invoiceControl';
import { lifecycleControlRoutes } from './lifecycleControl';
import { applyRateLimits, configView, rateLimitOverridesSchema } from './rateLimitConfig';
import { spendControlRoutes } from './spendControl';
import { statsControlRoutes } from './statsControl';

/** The control API (`/_sim/...`) of the simulator contract: faults, clock, reseed, config, request log. */

function parse<T extends z.ZodTypeAny>(
  schema: T,
  body: unknown,
): { ok: true; value: z.infer<T> } | { ok: false; reply: Reply } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    reply: { status: 400, body: errorBody('800002', `${issue.path.join('.') || 'body'}: ${issue.message}`) },
  };
}

const advanceSchema = z.object({ ms: z.number().finite().min(0) });
const reseedSchema = z.object({ extraCustomers: z.number().int().min(0).max(200_000).optional() });
const configSchema = z
  .object({
    orderCompletionDelayMs: z.number().int().min(0).optional(),
    orderListLagMs: z.number().int().min(0).optional(),
    upgradeCompletionDelayMs: z.number().int().min(0).optional(),
    rateLimits: z.boolean().optional(),
    planSuspensionAnswer: z.enum(['ok', 'accepted']).optional(),
    planSuspensionDelayMs: z.number().int().min(0).optional(),
    planReactivationAnswer: z.enum(['ok', 'accepted']).optional(),
    planReactivationDelayMs: z.number().int().min(0).optional(),
    appUserMfa: z.boolean().optional(),
    entitlementCancelDelayMs: z.number().int().min(0).optional(),
    checkoutProcessingMs: z.number().int().min(0).max(60_000).optional(),
    graphExportRunningPolls: z.number().int().min(0).max(1_000).optional(),
    graphExportRetryAfterSeconds: z.number().int().min(0).max(3_600).optional(),
    graphExportLinesPerBlob: z.number().int().min(1).max(1_000_000).optional(),
    graphSasLifetimeMs: z.number().int().min(0).optional(),
    rateLimitsPerMinute: rateLimitOverridesSchema.optional(),
  })
  .strict();

const clock = (sim: SimContext) => ({ now: sim.world.clock.iso() });

/** Resets everything but configuration and issued tokens. */
export function reseed(sim: SimContext, extraCustomers?: number): void {
  sim.world.clock.reset();
  sim.world.reseed(extraCustomers);
  sim.faults.clear();
  sim.limiter.reset();
  sim.requestLog.clear();
  sim.replays.clear();
}

export const controlRoutes: ControlRoute[] = [
  {
    method: 'GET',
    path: '/_sim/health',
    handle: (_b, _q, sim) => ({ status: 200, body: { ok: true, ...clock(sim) } }),
  },
  {
    method: 'POST',
    path: '/_sim/faults',
    handle(body, _q, sim) {
      const parsed = parse(faultSpecSchema, body);
      if (!parsed.ok) return parsed.reply;
      return { status: 200, body: { id: sim.faults.add(parsed.value) } };
    },
  },
  {
    method: 'DELETE',
    path: '/_sim/faults',
    handle(_b, _q, sim) {
      sim.faults.clear();
      return { status: 200, body: { ok: true } };
    },
  },
  { method: 'GET', path: '/_sim/clock', handle: (_b, _q, sim) => ({ status: 200, body: clock(sim) }) },
  {
    method: 'POST',
    path: '/_sim/clock/advance',
    handle(body, _q, sim) {
      const parsed = parse(advanceSchema, body);
      if (!parsed.ok) return parsed.reply;
      sim.world.clock.advance(parsed.value.ms);
      sim.world.settle();
      return { status: 200, body: clock(sim) };
    },
  },
  {
    method: 'POST',
    path: '/_sim/reseed',
    handle(body, _q, sim) {
      const parsed = parse(reseedSchema, body);
      if (!parsed.ok) return parsed.reply;
      reseed(sim, parsed.value.extraCustomers);
      return { status: 200, body: { ok: true, customers: sim.world.customers.count, ...clock(sim) } };
    },
  },
  {
    method: 'GET',
    path: '/_sim/config',
    handle: (_b, _q, sim) => ({ status: 200, body: configView(sim) }),
  },
  {
    method: 'PUT',
    path: '/_sim/config',
    handle(body, _q, sim) {
      const parsed = parse(configSchema, body);
      if (!parsed.ok) return parsed.reply;
      const { rateLimitsPerMinute, ...config } = parsed.value;
      if (rateLimitsPerMinute) applyRateLimits(sim, rateLimitsPerMinute);
      const changes = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
      Object.assign(sim.world.config, changes);
      return { status: 200, body: configView(sim) };
    },
  },
  {
    method: 'GET',
    path: '/_sim/requests',
    handle(_b, query, sim) {
      const since = Number(query.get('since') ?? 0);
      return { status: 200, body: { items: sim.requestLog.since(Number.isFinite(since) ? since : 0) } };
    },
  },
  {
    method: 'DELETE',
    path: '/_sim/requests',
    handle(_b, _q, sim) {
      sim.requestLog.clear();
      return { status: 200, body: { ok: true } };
    },
  },
  {
    method: 'GET',
    path: '/_sim/customers',
    handle(_b, _q, sim) {
      const items = sim.world.customers.entries().map((e) => ({
        id: e.id,
        companyName: e.companyName,
        domain: e.domain,
        country: e.country,
        currency: e.currency,
      }));
      return { status: 200, body: { items } };
    },
  },
  ...lifecycleControlRoutes,
  ...spendControlRoutes,
  ...statsControlRoutes,
  ...graphControlRoutes,
  ...directoryControlRoutes,
  ...invoiceControlRoutes,
];
