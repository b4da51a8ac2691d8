import { z } from 'zod';
import { collection } from '../http/links';
import { ok } from '../http/reply';
import type { RouteDef, RouteRequest } from '../http/pipeline';
import { invalidInput } from '../state/errors';
import {
  customerSpendCents,
  linesOfSubscription,
  meterTotals,
  secondsUntilNextReport,
  setBudget,
  sumCents,
  usageSnapshot,
  usageSubscription,
  usageSubscriptions,
  utilizationRecords,
  type Granularity,
} from '../state/usage';
import {
  budgetView,
  customerUsageSummaryView,
  meterUsageRecordView,
  resourceUsageRecordView,
  subscriptionMonthlyUsageRecordView,
  subscriptionUsageSummaryView,
  utilizationRecordView,
} from '../views/usage';
import { bodyOf, customerOf, param, seekCollection } from './helpers';

/** `amount` must be present (a number, its text, or null); setBudget validates the value. */
const budgetSchema = z
  .object({ amount: z.unknown() })
  .passthrough()
  .refine((body) => 'amount' in body && body.amount !== undefined, { message: 'Required', path: ['amount'] });

function timeParam(req: RouteRequest, name: string): number {
  const value = req.query.get(name);
  const ms = value ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw invalidInput(`The ${name} parameter must be an ISO 8601 date-time.`);
  return ms;
}

/**
 * Azure spend (family `usage`: summaries and usage records App+User only per §10/§12, 0145P
 * utilization App) and the spending budget (family `budgets`, App). Every figure of a call comes
 * from one snapshot of the customer's resource lines.
 */
export const usageRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/v1/customers/:customerId/usagesummary',
    auth: 'user',
    family: 'usage',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const snapshot = usageSnapshot(customer, sim.world.now());
      const subs = usageSubscriptions(customer);
      const legacyOnly = subs.length > 0 && subs.every((s) => s.kind === 'legacyAzure');
      return ok(
        customerUsageSummaryView(customer, customerSpendCents(customer, snapshot), legacyOnly, snapshot),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/usagerecords',
    auth: 'user',
    family: 'usage',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const snapshot = usageSnapshot(customer, sim.world.now());
      const items = usageSubscriptions(customer).map((s) =>
        subscriptionMonthlyUsageRecordView(
          customer,
          s,
          sumCents(linesOfSubscription(snapshot, s.id)),
          snapshot,
        ),
      );
      return ok(collection(items, `/customers/${customer.profile.id}/subscriptions/usagerecords`));
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/usagesummary',
    auth: 'user',
    family: 'usage',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const s = usageSubscription(customer, param(req, 'subscriptionId'));
      const snapshot = usageSnapshot(customer, sim.world.now());
      return ok(
        subscriptionUsageSummaryView(customer, s, sumCents(linesOfSubscription(snapshot, s.id)), snapshot),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/meterusagerecords',
    auth: 'user',
    family: 'usage',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const s = usageSubscription(customer, param(req, 'subscriptionId'));
      const snapshot = usageSnapshot(customer, sim.world.now());
      const items = meterTotals(linesOfSubscription(snapshot, s.id)).map((t) =>
        meterUsageRecordView(customer, s.id, t, snapshot),
      );
      return ok(
        collection(items, `/customers/${customer.profile.id}/subscriptions/${s.id}/meterusagerecords`),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/resourceusagerecords',
    auth: 'user',
    family: 'usage',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const s = usageSubscription(customer, param(req, 'subscriptionId'));
      const snapshot = usageSnapshot(customer, sim.world.now());
      const items = linesOfSubscription(snapshot, s.id).map((l) =>
        resourceUsageRecordView(customer, l, snapshot),
      );
      return ok(
        collection(items, `/customers/${customer.profile.id}/subscriptions/${s.id}/resourceusagerecords`),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/subscriptions/:subscriptionId/utilizations/azure',
    auth: 'app',
    family: 'usage',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      const s = usageSubscription(customer, param(req, 'subscriptionId'));
      const granularity = (req.query.get('granularity') ?? 'daily').toLowerCase();
      if (granularity !== 'daily' && granularity !== 'hourly')
        throw invalidInput('granularity must be daily or hourly.');
      const showDetails = (req.query.get('show_details') ?? 'true').toLowerCase() !== 'false';
      const size = req.query.int('size', 1000, 1, 1000);
      const records = utilizationRecords(
        sim.world,
        customer,
        s,
        timeParam(req, 'start_time'),
        timeParam(req, 'end_time'),
        granularity as Granularity,
      );
      if (records === 'notReady') {
        return { status: 204, headers: { 'Retry-After': String(secondsUntilNextReport(sim.world)) } };
      }
      return ok(
        seekCollection(req, records, (r) => utilizationRecordView(r, showDetails), {
          kind: `utilization:${s.id.toLowerCase()}`,
          size,
          selfPath: `/customers/${customer.profile.id}/subscriptions/${s.id}/utilizations/azure`,
          seekParameter: 'seek_operation',
        }),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/customers/:customerId/usagebudget',
    auth: 'app',
    family: 'budgets',
    handle(req, sim) {
      return ok(budgetView(customerOf(req, sim), 'GET'));
    },
  },
  {
    method: 'PATCH',
    path: '/v1/customers/:customerId/usagebudget',
    auth: 'app',
    family: 'budgets',
    handle(req, sim) {
      const customer = customerOf(req, sim);
      setBudget(sim.world, customer, bodyOf(req, budgetSchema).amount, req.actor);
      return ok(budgetView(customer, 'PATCH'));
    },
  },
];
