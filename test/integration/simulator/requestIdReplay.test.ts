import { PARTNER_TENANT, SimHarness } from './simHarness';

/** MS-RequestId as Partner Center promises it: a repeated id returns the first result. */

type Json = Record<string, unknown>;
type Collection = { totalCount: number; items: Json[] };

const PLAN_LINE = {
  id: 0,
  catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
  quantity: 1,
  billingCycle: 'one_time',
};

describe('simulator MS-RequestId idempotency', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  beforeEach(async () => {
    await h.reseed();
  });

  afterAll(async () => {
    await h.close();
  });

  const withId = (requestId: string, extra: Record<string, string> = {}) => ({
    'MS-RequestId': requestId,
    ...extra,
  });

  async function cartsOf(customer: string): Promise<Json[]> {
    return (await h.control<{ items: Json[] }>('GET', `/customers/${h.id(customer)}/carts`)).body.items;
  }

  function createCart(customer: string, requestId: string, body: unknown = { lineItems: [PLAN_LINE] }) {
    return h.api('POST', `/customers/${h.id(customer)}/carts`, { body, headers: withId(requestId) });
  }

  it('creates one cart for a repeated MS-RequestId and returns the first answer again', async () => {
    const first = await createCart('Contoso France', 'req-cart-1');
    const again = await createCart('Contoso France', 'req-cart-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await cartsOf('Contoso France')).toHaveLength(1);
    const other = await createCart('Contoso France', 'req-cart-2');
    expect(other.body.id).not.toBe(first.body.id);
    expect(await cartsOf('Contoso France')).toHaveLength(2);

    const log = await h.control<{ items: Json[] }>('GET', '/requests');
    const posts = log.body.items.filter((r) => r.method === 'POST' && String(r.path).endsWith('/carts'));
    expect(posts.map((r) => [r.requestId, r.replayed === true])).toEqual([
      ['req-cart-1', false],
      ['req-cart-1', true],
      ['req-cart-2', false],
    ]);
  });

  it('acts again for the same MS-RequestId on another path or for another partner tenant', async () => {
    await createCart('Contoso France', 'req-shared');
    await createCart('Contoso Pharmaceuticals', 'req-shared');
    expect(await cartsOf('Contoso Pharmaceuticals')).toHaveLength(1);

    const otherTenant = await h.raw<Json>('POST', '/99999999-2222-4333-8444-555555555555/oauth2/v2.0/token', {
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'test-app',
        client_secret: 'secret',
        scope: 'https://api.partnercenter.microsoft.com/.default',
      }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(PARTNER_TENANT).not.toBe('99999999-2222-4333-8444-555555555555');
    const foreign = await h.raw('POST', `/v1/customers/${h.id('Contoso France')}/carts`, {
      token: String(otherTenant.body.access_token),
      body: { lineItems: [PLAN_LINE] },
      headers: withId('req-shared'),
    });
    expect(foreign.status).toBe(201);
    expect(await cartsOf('Contoso France')).toHaveLength(2);
  });

  it('keeps no error answer: the same id acts once the request is valid', async () => {
    const invalid = await createCart('Contoso France', 'req-fix', { lineItems: [] });
    expect(invalid.status).toBe(400);
    const valid = await createCart('Contoso France', 'req-fix');
    expect(valid.status).toBe(201);
    expect(await cartsOf('Contoso France')).toHaveLength(1);
  });

  it('acts at once under a latency fault and answers the repeat from the first result', async () => {
    await h.control('POST', '/faults', { method: 'POST', path: '/v1/customers/*/carts', latencyMs: 1_000 });
    const timedOut = fetch(`${h.baseUrl}/v1/customers/${h.id('Contoso France')}/carts`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${h.appToken}`,
        'Content-Type': 'application/json',
        'MS-RequestId': 'req-slow',
      },
      body: JSON.stringify({ lineItems: [PLAN_LINE] }),
      signal: AbortSignal.timeout(200),
    });
    await expect(timedOut).rejects.toThrow();
    const carts = await cartsOf('Contoso France');
    expect(carts).toHaveLength(1);
    const retry = await createCart('Contoso France', 'req-slow');
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(carts[0].id);
    expect(await cartsOf('Contoso France')).toHaveLength(1);
  });

  it('answers two concurrent checkouts with the same id once, without 800064', async () => {
    const cart = await createCart('Contoso France', 'req-cart');
    const path = `/customers/${h.id('Contoso France')}/carts/${String(cart.body.id)}/checkout`;
    const [a, b] = await Promise.all([
      h.api('POST', path, { headers: withId('req-checkout') }),
      h.api('POST', path, { headers: withId('req-checkout') }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    const orders = await h.api<Collection>('GET', `/customers/${h.id('Contoso France')}/orders`);
    await h.advance(15 * 60_000);
    const listed = await h.api<Collection>('GET', `/customers/${h.id('Contoso France')}/orders`);
    expect(orders.body.items).toHaveLength(0);
    expect(listed.body.items).toHaveLength(1);
  });

  it('replays a subscription PATCH instead of answering 2055 or 800082 to its repeat', async () => {
    const plan = await h.planOf('Northwind Traders');
    const send = () =>
      h.api('PATCH', `/customers/${h.id('Northwind Traders')}/subscriptions/${String(plan.id)}`, {
        body: { ...plan, status: 'suspended' },
        headers: withId('req-suspend', { 'If-Match': String((plan.attributes as Json).etag) }),
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('replays an upgrade creation (same Location, no 900109) and an agreement attestation (one record)', async () => {
    const request = { customerId: h.id('Wingtip Toys'), productFamily: 'Azure' };
    const first = await h.user('POST', '/productUpgrades', { body: request, headers: withId('req-upgrade') });
    const again = await h.user('POST', '/productUpgrades', { body: request, headers: withId('req-upgrade') });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    const other = await h.user('POST', '/productUpgrades', {
      body: request,
      headers: withId('req-upgrade-2'),
    });
    expect(other.body.code).toBe('900109');

    const agreements = `/customers/${h.id('Woodgrove Bank')}/agreements?agreementType=*`;
    const templates = await h.user<Collection>('GET', '/agreements?agreementType=MicrosoftCustomerAgreement');
    const attestation = {
      primaryContact: {
        firstName: 'Amelia',
        lastName: 'Clarke',
        email: 'amelia.clarke@woodgrovebank.onmicrosoft.com',
      },
      templateId: templates.body.items[0].templateId,
      dateAgreed: '2025-01-01T00:00:00Z',
      type: 'MicrosoftCustomerAgreement',
    };
    const before = (await h.user<Collection>('GET', agreements)).body.items.length;
    for (let i = 0; i < 2; i++) {
      const res = await h.user('POST', `/customers/${h.id('Woodgrove Bank')}/agreements`, {
        body: attestation,
        headers: withId('req-mca'),
      });
      expect(res.status).toBe(201);
    }
    expect((await h.user<Collection>('GET', agreements)).body.items).toHaveLength(before + 1);
  });

  it('forgets the kept answers on reseed', async () => {
    await createCart('Contoso France', 'req-reseed');
    await h.reseed();
    await createCart('Contoso France', 'req-reseed');
    const log = await h.control<{ items: Json[] }>('GET', '/requests');
    expect(log.body.items.filter((r) => r.replayed === true)).toEqual([]);
    expect(await cartsOf('Contoso France')).toHaveLength(1);
  });
});
