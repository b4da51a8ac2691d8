import { SimHarness } from './simHarness';

/** The rate limits of the usage and budget families, and the table a benchmark reads them from. */

type Json = Record<string, unknown>;
type Family = { perMinute: number; defaultPerMinute: number; source: string; routes: string[] };
type Throttling = { enabled: boolean; windowMs: number; scope: string; families: Record<string, Family> };

describe('simulator throttling of usage and budgets', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start({ extraCustomers: 30 });
  });

  beforeEach(async () => {
    await h.control('PUT', '/config', {
      rateLimits: true,
      rateLimitsPerMinute: { usage: null, budgets: null },
    });
    await h.reseed();
  });

  afterAll(async () => {
    await h.close();
  });

  const throttling = async () =>
    (await h.control<{ throttling: Throttling }>('GET', '/config')).body.throttling;

  it('publishes the limits, window, scope and routes of each family in GET /_sim/config', async () => {
    const table = await throttling();
    expect(table).toMatchObject({ enabled: true, windowMs: 60_000, scope: 'partnerTenant' });
    expect(table.families.usage).toMatchObject({ perMinute: 300, defaultPerMinute: 300 });
    expect(table.families.budgets).toMatchObject({ perMinute: 300, defaultPerMinute: 300 });
    expect(table.families.usage.routes.sort()).toEqual([
      'GET /v1/customers/:customerId/subscriptions/:subscriptionId/meterusagerecords',
      'GET /v1/customers/:customerId/subscriptions/:subscriptionId/resourceusagerecords',
      'GET /v1/customers/:customerId/subscriptions/:subscriptionId/usagesummary',
      'GET /v1/customers/:customerId/subscriptions/:subscriptionId/utilizations/azure',
      'GET /v1/customers/:customerId/subscriptions/usagerecords',
      'GET /v1/customers/:customerId/usagesummary',
    ]);
    expect(table.families.budgets.routes.sort()).toEqual([
      'GET /v1/customers/:customerId/usagebudget',
      'PATCH /v1/customers/:customerId/usagebudget',
    ]);
    expect(table.families.orders.perMinute).toBe(500);
  });

  it('answers 429 with Retry-After past 300 usage calls a minute, across customers, and recovers', async () => {
    const customers = (await h.control<{ items: Json[] }>('GET', '/customers')).body.items.map((c) =>
      String(c.id),
    );
    const calls = Array.from({ length: 301 }, (_, i) => {
      const id = customers[i % customers.length];
      return i % 2 === 0
        ? h.user('GET', `/customers/${id}/usagesummary`)
        : h.user('GET', `/customers/${id}/subscriptions/usagerecords`);
    });
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.status !== 429).length).toBe(300);
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(1);
    const retryAfter = Number(throttled[0].headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(throttled[0].body).toEqual({
      statusCode: 429,
      message: `Rate limit is exceeded. Try again in ${retryAfter} seconds.`,
    });

    // Budgets are another family: still open.
    expect((await h.api('GET', `/customers/${customers[0]}/usagebudget`)).status).toBe(200);
    await h.advance(60_000);
    expect((await h.user('GET', `/customers/${customers[0]}/usagesummary`)).status).toBe(200);
  });

  it('takes other limits through PUT /_sim/config, keeps them across a reseed and puts defaults back', async () => {
    const put = await h.control<{ throttling: Throttling }>('PUT', '/config', {
      rateLimitsPerMinute: { budgets: 3 },
    });
    expect(put.body.throttling.families.budgets).toMatchObject({ perMinute: 3, defaultPerMinute: 300 });
    await h.reseed();
    const path = `/customers/${h.id('Alpine Ski House')}/usagebudget`;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await h.api('GET', path)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    expect((await h.control('PUT', '/config', { rateLimitsPerMinute: { nothing: 5 } })).status).toBe(400);
    expect((await h.control('PUT', '/config', { rateLimitsPerMinute: { usage: 0 } })).status).toBe(400);
    await h.control('PUT', '/config', { rateLimitsPerMinute: { budgets: null } });
    expect((await throttling()).families.budgets.perMinute).toBe(300);
  });
});
