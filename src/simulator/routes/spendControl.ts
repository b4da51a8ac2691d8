import { z } from 'zod';
import type { ControlRoute, SimContext } from '../http/pipeline';
import { errorBody, errorReply, type Reply } from '../http/reply';
import { DAY_MS, iso } from '../state/clock';
import { PcError } from '../state/errors';
import { centsToAmount, toUsd } from '../state/money';
import { dailySeries, periodStartOf, reportedDays, USAGE_LAG_MS } from '../state/spend';
import { changeSpend, currentDailyCents, type SpendChange } from '../state/spendControl';
import type { CustomerState } from '../state/types';
import {
  customerSpendCents,
  linesOfSubscription,
  sumCents,
  usageSnapshot,
  usageSubscriptions,
} from '../state/usage';
import { usagePeriod } from '../views/usage';

/**
 * Control API for Azure spend: read a customer's current-period spend with its budget, daily
 * series and per-subscription split, or set it (`totalCost`, `addCost`, `percentOfBudget`,
 * `addPercentOfBudget`, optionally `dailyCost`, the run rate of the days reported afterwards).
 */

const money = z.number().finite();
const changeSchema = z
  .object({
    totalCost: money.min(0).optional(),
    addCost: money.optional(),
    percentOfBudget: money.min(0).optional(),
    addPercentOfBudget: money.optional(),
    dailyCost: money.min(0).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const given = (['totalCost', 'addCost', 'percentOfBudget', 'addPercentOfBudget'] as const).filter(
      (k) => body[k] !== undefined,
    );
    if (given.length > 1) {
      ctx.addIssue({ code: 'custom', message: `give one of ${given.join(', ')}` });
    } else if (given.length === 0 && body.dailyCost === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'give totalCost, addCost, percentOfBudget, addPercentOfBudget or dailyCost',
      });
    }
  });

function changeOf(body: z.infer<typeof changeSchema>): SpendChange {
  if (body.totalCost !== undefined) return { kind: 'totalCost', value: body.totalCost };
  if (body.addCost !== undefined) return { kind: 'addCost', value: body.addCost };
  if (body.percentOfBudget !== undefined) return { kind: 'percentOfBudget', value: body.percentOfBudget };
  if (body.addPercentOfBudget !== undefined)
    return { kind: 'addPercentOfBudget', value: body.addPercentOfBudget };
  return { kind: 'dailyCostOnly' };
}

/** The customer's spend as the usage views show it now, plus what tests need to reason about it. */
export function spendView(customer: CustomerState, now: number) {
  const snapshot = usageSnapshot(customer, now);
  const total = customerSpendCents(customer, snapshot);
  const currency = customer.profile.currency;
  const budget = customer.budgetCents;
  const series = dailySeries(customer.spend, periodStartOf(now), now);
  return {
    customerId: customer.profile.id,
    companyName: customer.profile.companyName,
    currencyCode: currency,
    ...usagePeriod(snapshot),
    totalCost: centsToAmount(total),
    usdTotalCost: toUsd(total, currency),
    budget: budget === null ? null : centsToAmount(budget),
    percentOfBudget: budget === null || budget === 0 ? null : Math.round((total / budget) * 10_000) / 100,
    dailyCost: centsToAmount(currentDailyCents(customer, now)),
    estimateLagMs: USAGE_LAG_MS,
    reportedDays: reportedDays(snapshot.periodStart, now),
    subscriptions: usageSubscriptions(customer).map((s) => ({
      subscriptionId: s.id,
      kind: s.kind,
      totalCost: centsToAmount(sumCents(linesOfSubscription(snapshot, s.id))),
    })),
    daily: series.map((cents, d) => ({
      date: iso(snapshot.periodStart + d * DAY_MS).slice(0, 10),
      cost: centsToAmount(cents),
    })),
  };
}

function withCustomer(
  sim: SimContext,
  params: Record<string, string>,
  act: (c: CustomerState) => Reply,
): Reply {
  try {
    return act(sim.world.customer(params.customerId ?? ''));
  } catch (error) {
    if (error instanceof PcError) return errorReply(error);
    throw error;
  }
}

export const spendControlRoutes: ControlRoute[] = [
  {
    method: 'GET',
    path: '/_sim/customers/:customerId/spend',
    handle(_body, _query, sim, params) {
      sim.world.settle();
      return withCustomer(sim, params, (customer) => ({
        status: 200,
        body: spendView(customer, sim.world.now()),
      }));
    },
  },
  {
    method: 'PUT',
    path: '/_sim/customers/:customerId/spend',
    handle(body, _query, sim, params) {
      const parsed = changeSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          status: 400,
          body: errorBody('800002', `${issue.path.join('.') || 'body'}: ${issue.message}`),
        };
      }
      sim.world.settle();
      return withCustomer(sim, params, (customer) => {
        const now = sim.world.now();
        changeSpend(customer, now, changeOf(parsed.data), parsed.data.dailyCost);
        return { status: 200, body: spendView(customer, now) };
      });
    },
  },
];
