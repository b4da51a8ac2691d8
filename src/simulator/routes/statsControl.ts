import type { ControlRoute } from '../http/pipeline';

/**
 * GET /_sim/stats: how many customers exist and how many have had their state built (a customer's
 * subscriptions, orders and spend are built on first use), so that tests can check that start-up
 * and a partial sweep stay lazy with 10,000 generated customers.
 */
export const statsControlRoutes: ControlRoute[] = [
  {
    method: 'GET',
    path: '/_sim/stats',
    handle: (_b, _q, sim) => ({
      status: 200,
      body: {
        customers: sim.world.customers.count,
        builtCustomers: sim.world.customers.builtStates().length,
      },
    }),
  },
];
