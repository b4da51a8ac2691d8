import { z } from 'zod';
import type { ControlRoute, SimContext } from '../http/pipeline';
import { errorBody, errorReply, type Reply } from '../http/reply';
import { orderNotFound, PcError } from '../state/errors';
import { queueOrderOutcomes, setOrderOutcome } from '../state/orders';
import { NAMED_CUSTOMERS } from '../state/seed';
import { setAzureEntitlement } from '../state/azureEntitlements';
import { azurePlan, bumpEtag, getSubscription } from '../state/subscriptions';
import type { CustomerState, OrderRecord, UpgradeOutcome } from '../state/types';
import { setUpgradeOutcome } from '../state/upgrades';
import { azureEntitlementView } from '../views/subscription';

/**
 * Control API for the Azure plan life cycle: make the race and failure cases of the docs happen on
 * demand (an Azure subscription appearing between a preflight and a PATCH, a stale etag, an order
 * that ends cancelled or in error, an upgrade that fails).
 */

type Parsed<T> = { ok: true; value: T } | { ok: false; reply: Reply };

function parse<T extends z.ZodTypeAny>(schema: T, body: unknown): Parsed<z.infer<T>> {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    reply: { status: 400, body: errorBody('800002', `${issue.path.join('.') || 'body'}: ${issue.message}`) },
  };
}

/** Runs a control action; the engine's PC errors become their error answer. */
function attempt(action: () => Reply): Reply {
  try {
    return action();
  } catch (error) {
    if (error instanceof PcError) return errorReply(error);
    throw error;
  }
}

const entitlementSchema = z
  .object({
    id: z.string().min(1).optional(),
    friendlyName: z.string().min(1).optional(),
    status: z.enum(['active', 'inactive']).default('active'),
  })
  .strict();

const orderOutcomeSchema = z.object({ status: z.enum(['completed', 'cancelled', 'error']) }).strict();
const queuedOrderOutcomeSchema = orderOutcomeSchema
  .extend({ times: z.number().int().min(1).max(100).default(1) })
  .strict();

const upgradeOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('Completed') }).strict(),
  z
    .object({
      status: z.literal('Failed'),
      errorDetails: z.object({ code: z.string().min(1), description: z.string().min(1) }).strict(),
    })
    .strict(),
]);

function upgradeOutcome(value: z.infer<typeof upgradeOutcomeSchema>): UpgradeOutcome {
  return value.status === 'Failed'
    ? { status: 'Failed', errorDetails: { ...value.errorDetails } }
    : { status: 'Completed' };
}

/** The order with this id (or alternate id), among the named customers and every customer used so far. */
function orderAnywhere(sim: SimContext, orderId: string): { customer: CustomerState; order: OrderRecord } {
  const directory = sim.world.customers;
  // Seeded orders of named customers are found even before anything used those customers.
  for (const entry of directory.entries().slice(0, NAMED_CUSTOMERS.length)) directory.state(entry.id);
  const key = orderId.toLowerCase();
  for (const customer of directory.builtStates()) {
    const order = customer.orders.find(
      (o) => o.id.toLowerCase() === key || o.alternateId.toLowerCase() === key,
    );
    if (order) return { customer, order };
  }
  throw orderNotFound();
}

const orderState = (order: OrderRecord) => ({
  orderId: order.id,
  customerId: order.customerId,
  status: order.status,
  outcome: order.outcome ?? 'completed',
});

export const lifecycleControlRoutes: ControlRoute[] = [
  {
    method: 'POST',
    path: '/_sim/customers/:customerId/subscriptions/:subscriptionId/azureEntitlements',
    handle(body, _q, sim, params) {
      const parsed = parse(entitlementSchema, body);
      if (!parsed.ok) return parsed.reply;
      return attempt(() => {
        sim.world.settle();
        const customer = sim.world.customer(params.customerId);
        const plan = azurePlan(customer, params.subscriptionId);
        const { entitlement, created } = setAzureEntitlement(sim.world, plan, parsed.value);
        return {
          status: created ? 201 : 200,
          body: { ...azureEntitlementView(entitlement, customer.profile.id), created },
        };
      });
    },
  },
  {
    method: 'POST',
    path: '/_sim/customers/:customerId/subscriptions/:subscriptionId/etag',
    handle(_b, _q, sim, params) {
      return attempt(() => {
        sim.world.settle();
        const subscription = getSubscription(sim.world.customer(params.customerId), params.subscriptionId);
        return { status: 200, body: { subscriptionId: subscription.id, ...bumpEtag(subscription) } };
      });
    },
  },
  {
    method: 'POST',
    path: '/_sim/orders/:orderId/outcome',
    handle(body, _q, sim, params) {
      const parsed = parse(orderOutcomeSchema, body);
      if (!parsed.ok) return parsed.reply;
      return attempt(() => {
        sim.world.settle();
        const { customer, order } = orderAnywhere(sim, params.orderId);
        setOrderOutcome(customer, order, parsed.value.status);
        return { status: 200, body: orderState(order) };
      });
    },
  },
  {
    method: 'POST',
    path: '/_sim/customers/:customerId/orderOutcomes',
    handle(body, _q, sim, params) {
      const parsed = parse(queuedOrderOutcomeSchema, body);
      if (!parsed.ok) return parsed.reply;
      return attempt(() => {
        const customer = sim.world.customer(params.customerId);
        queueOrderOutcomes(customer, parsed.value.status, parsed.value.times);
        return {
          status: 200,
          body: { customerId: customer.profile.id, nextOrderOutcomes: customer.nextOrderOutcomes ?? [] },
        };
      });
    },
  },
  {
    method: 'DELETE',
    path: '/_sim/customers/:customerId/orderOutcomes',
    handle(_b, _q, sim, params) {
      return attempt(() => {
        const customer = sim.world.customer(params.customerId);
        customer.nextOrderOutcomes = [];
        return { status: 200, body: { customerId: customer.profile.id, nextOrderOutcomes: [] } };
      });
    },
  },
  {
    method: 'POST',
    path: '/_sim/upgrades/:upgradeId/outcome',
    handle(body, _q, sim, params) {
      const parsed = parse(upgradeOutcomeSchema, body);
      if (!parsed.ok) return parsed.reply;
      return attempt(() => {
        sim.world.settle();
        const upgrade = sim.world.upgrades.get(params.upgradeId.toLowerCase());
        if (!upgrade) throw new PcError(404, '900106', 'No upgrade request was found');
        setUpgradeOutcome(upgrade, upgradeOutcome(parsed.value));
        return {
          status: 200,
          body: { upgradeId: upgrade.id, status: upgrade.status, outcome: upgrade.outcome },
        };
      });
    },
  },
  {
    method: 'POST',
    path: '/_sim/customers/:customerId/upgradeOutcome',
    handle(body, _q, sim, params) {
      const parsed = parse(upgradeOutcomeSchema, body);
      if (!parsed.ok) return parsed.reply;
      return attempt(() => {
        const customer = sim.world.customer(params.customerId);
        customer.nextUpgradeOutcome = upgradeOutcome(parsed.value);
        return {
          status: 200,
          body: { customerId: customer.profile.id, nextUpgradeOutcome: customer.nextUpgradeOutcome },
        };
      });
    },
  },
  {
    method: 'GET',
    path: '/_sim/customers/:customerId/carts',
    handle(_b, _q, sim, params) {
      return attempt(() => {
        const customer = sim.world.customer(params.customerId);
        const items = [...customer.carts.values()].map((c) => ({
          id: c.id,
          status: c.status,
          lineItems: c.lines.length,
        }));
        return { status: 200, body: { items } };
      });
    },
  },
];
