import { NAMED_CUSTOMERS } from '../../../src/simulator/state/seed';
import { SimHarness } from './simHarness';

type Json = Record<string, unknown>;
type Collection = { items: Json[] };

describe('simulator control API, faults and throttling', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  beforeEach(async () => {
    await h.reseed();
    await h.control('PUT', '/config', {
      orderCompletionDelayMs: 60_000,
      orderListLagMs: 15 * 60_000,
      rateLimits: true,
    });
  });

  afterAll(async () => {
    await h.close();
  });

  const customersPath = () => `/customers/${h.id('Fabrikam Inc')}`;

  it('reports health and simulated time, and moves the clock forward', async () => {
    const health = await h.control('GET', '/health');
    expect(health.body.ok).toBe(true);
    const before = Date.parse(String((await h.control('GET', '/clock')).body.now));
    const after = await h.control('POST', '/clock/advance', { ms: 3_600_000 });
    expect(Date.parse(String(after.body.now)) - before).toBeGreaterThanOrEqual(3_600_000);
    const invalid = await h.control('POST', '/clock/advance', { ms: 'soon' });
    expect(invalid.status).toBe(400);
  });

  it('injects an error status with a PC code for the next N matching calls, without performing the operation', async () => {
    const path = `/v1/customers/*/usagebudget`;
    const fault = await h.control('POST', '/faults', {
      method: 'PATCH',
      path,
      times: 2,
      status: 503,
      code: '800003',
      description: 'down',
    });
    expect(fault.body.id).toEqual(expect.any(String));
    const budget = `/customers/${h.id('Alpine Ski House')}/usagebudget`;
    for (let i = 0; i < 2; i++) {
      const res = await h.api('PATCH', budget, { body: { amount: 1 } });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: '800003', description: 'down', source: 'PartnerCenter' });
    }
    expect((await h.api('GET', budget)).body.amount).toBe(1000);
    expect((await h.api('PATCH', budget, { body: { amount: 1 } })).status).toBe(200);
  });

  it('injects a 429 with the throttling body and Retry-After', async () => {
    await h.control('POST', '/faults', { path: '/v1/customers/*', status: 429, retryAfterSeconds: 7 });
    const res = await h.api('GET', customersPath());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 7 seconds.' });
  });

  it('delays an answer with latencyMs and answers normally', async () => {
    await h.control('POST', '/faults', { path: '/v1/customers/*', latencyMs: 300 });
    const started = Date.now();
    const res = await h.api('GET', customersPath());
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('never answers a hung call (the client times out)', async () => {
    await h.control('POST', '/faults', { path: '/v1/customers/*', hang: true });
    const call = fetch(`${h.baseUrl}/v1${customersPath()}`, {
      headers: { Authorization: `Bearer ${h.appToken}` },
      signal: AbortSignal.timeout(300),
    });
    await expect(call).rejects.toThrow(/abort|timeout/i);
    expect((await h.api('GET', customersPath())).status).toBe(200);
  });

  it('resets the connection', async () => {
    await h.control('POST', '/faults', { path: '/v1/customers/*', reset: true });
    await expect(
      fetch(`${h.baseUrl}/v1${customersPath()}`, { headers: { Authorization: `Bearer ${h.appToken}` } }),
    ).rejects.toThrow();
  });

  it('answers 200 with a body that breaks the documented schema', async () => {
    await h.control('POST', '/faults', { path: '/v1/customers/*', malformed: true });
    const res = await h.api('GET', customersPath());
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(12345);
    const list = `/customers/${h.id('Fabrikam Inc')}/subscriptions`;
    await h.control('POST', '/faults', { path: `/v1${list}`, malformed: true });
    expect((await h.api('GET', list)).body.items).toBe('not-a-list');
  });

  it('keeps a probability fault until cleared, and DELETE /_sim/faults clears it', async () => {
    await h.control('POST', '/faults', { path: '/v1/customers/*', probability: 1, status: 500 });
    for (let i = 0; i < 3; i++) expect((await h.api('GET', customersPath())).status).toBe(500);
    await h.control('DELETE', '/faults');
    expect((await h.api('GET', customersPath())).status).toBe(200);
  });

  it('matches fault patterns segment by segment, with an optional method', async () => {
    await h.control('POST', '/faults', { method: 'POST', path: '/v1/customers/*', status: 500 });
    await h.control('POST', '/faults', { path: '/v1/customers/*/subscriptions/*', status: 502 });
    expect((await h.api('GET', customersPath())).status).toBe(200);
    expect((await h.api('GET', `${customersPath()}/subscriptions`)).status).toBe(200);
    const plan = await h.planOf('Fabrikam Inc');
    expect((await h.api('GET', `${customersPath()}/subscriptions/${String(plan.id)}`)).status).toBe(502);
  });

  it('throttles a family at its per-minute limit with 429 and Retry-After, and recovers in the next window', async () => {
    const path = `${customersPath()}/orders`;
    const results = await Promise.all(Array.from({ length: 501 }, () => h.api('GET', path)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(500);
    const throttled = results.find((r) => r.status === 429);
    expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled?.body.message).toMatch(/^Rate limit is exceeded\. Try again in \d+ seconds\.$/);
    expect((await h.api('GET', `${customersPath()}/subscriptions`)).status).toBe(200);
    await h.advance(60_000);
    expect((await h.api('GET', path)).status).toBe(200);
  });

  it('turns rate limits off through the config', async () => {
    await h.control('PUT', '/config', { rateLimits: false });
    const results = await Promise.all(
      Array.from({ length: 510 }, () => h.api('GET', `${customersPath()}/orders`)),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it('applies config changes: an order completes at checkout when the delay is zero', async () => {
    const config = await h.control('PUT', '/config', { orderCompletionDelayMs: 0 });
    expect(config.body.orderCompletionDelayMs).toBe(0);
    const customer = h.id('Contoso France');
    const cart = await h.api('POST', `/customers/${customer}/carts`, {
      body: {
        lineItems: [
          { catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
        ],
      },
    });
    const res = await h.api<{ orders: Json[] }>(
      'POST',
      `/customers/${customer}/carts/${String(cart.body.id)}/checkout`,
    );
    expect(res.body.orders[0].status).toBe('completed');
    expect((await h.control('PUT', '/config', { unknown: 1 })).status).toBe(400);
  });

  it('logs API and token calls with token kind, filters by seq and clears the log', async () => {
    await h.control('DELETE', '/requests');
    await h.refreshTokens();
    await h.api('GET', `${customersPath()}?x=1`, { headers: { 'MS-CorrelationId': 'corr-1' } });
    await h.user('GET', `${customersPath()}/usagesummary`);
    await h.raw('GET', '/v1/customers');
    const log = await h.control<{ items: Json[] }>('GET', '/requests');
    const items = log.body.items;
    expect(items.map((i) => i.tokenKind)).toEqual(['none', 'none', 'app', 'app+user', 'none']);
    expect(items[2]).toMatchObject({
      method: 'GET',
      path: `/v1${customersPath()}`,
      query: { x: '1' },
      status: 200,
      correlationId: 'corr-1',
    });
    expect(items[4].status).toBe(401);
    expect(items.every((i) => typeof i.durationMs === 'number' && typeof i.requestId === 'string')).toBe(
      true,
    );
    const since = await h.control<{ items: Json[] }>('GET', `/requests?since=${String(items[3].seq)}`);
    expect(since.body.items).toHaveLength(1);
    await h.control('DELETE', '/requests');
    expect((await h.control<{ items: Json[] }>('GET', '/requests')).body.items).toEqual([]);
  });

  it('reseeds: state back to the seed, same customer ids, request log emptied', async () => {
    const alpine = h.id('Alpine Ski House');
    await h.api('PATCH', `/customers/${alpine}/usagebudget`, { body: { amount: 5 } });
    await h.control('POST', '/faults', { path: '/v1/customers/*', status: 500 });
    const reseeded = await h.control('POST', '/reseed', { extraCustomers: 5 });
    expect(reseeded.body.customers).toBe(NAMED_CUSTOMERS.length + 5);
    await h.loadCustomers();
    expect(h.id('Alpine Ski House')).toBe(alpine);
    expect((await h.api('GET', `/customers/${alpine}/usagebudget`)).body.amount).toBe(1000);
    expect((await h.control<{ items: Json[] }>('GET', '/requests')).body.items).toHaveLength(1);
  });

  it('lists customers for tests with id, name, domain, country and currency', async () => {
    const res = await h.control<Collection>('GET', '/customers');
    expect(res.body.items).toContainEqual({
      id: h.id('Woodgrove Bank'),
      companyName: 'Woodgrove Bank',
      domain: 'woodgrovebank.onmicrosoft.com',
      country: 'GB',
      currency: 'GBP',
    });
    expect(res.body.items).toHaveLength(NAMED_CUSTOMERS.length);
  });
});
