import { SimHarness, missingKeys, sample } from './simHarness';

type Json = Record<string, unknown>;
type Collection = { totalCount: number; items: Json[] };

/** The documented suspend body (PascalCase, full resource), built from a GET of the subscription. */
function suspendBody(subscription: Json, status: 'suspended' | 'active'): Json {
  const attributes = subscription.attributes as Json;
  return {
    Id: subscription.id,
    FriendlyName: subscription.friendlyName,
    Quantity: subscription.quantity,
    UnitType: subscription.unitType,
    CreationDate: subscription.creationDate,
    Status: status,
    AutoRenewEnabled: subscription.autoRenewEnabled,
    BillingType: subscription.billingType,
    OrderId: subscription.orderId,
    Attributes: { Etag: attributes.etag, ObjectType: 'Subscription' },
  };
}

describe('simulator subscriptions', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  beforeEach(async () => {
    await h.reseed();
    await h.control('PUT', '/config', { planSuspensionAnswer: 'ok', planReactivationAnswer: 'ok' });
  });

  afterAll(async () => {
    await h.close();
  });

  function patch(customer: string, subscription: Json, status: 'suspended' | 'active', etag?: string) {
    const e = etag ?? String((subscription.attributes as Json).etag);
    return h.api('PATCH', `/customers/${h.id(customer)}/subscriptions/${String(subscription.id)}`, {
      body: suspendBody(subscription, status),
      headers: { 'If-Match': e },
    });
  }

  it('serves the Azure plan and legacy subscriptions in the documented shapes', async () => {
    const plan = await h.planOf('Fabrikam Inc');
    const planById = await h.api(
      'GET',
      `/customers/${h.id('Fabrikam Inc')}/subscriptions/${String(plan.id)}`,
    );
    // Savings-plan-only fields of sample 60 (lineItems, productOrderId, billing cycle end, term) do not apply to a plan.
    expect(
      missingKeys(planById.body, sample('60-savings-plan-subscription-response.json'), [
        'lineItems',
        'productOrderId',
        'billingCycleEndDate',
        'termDuration',
        'productType.subType',
      ]),
    ).toEqual([]);
    expect(planById.body).toMatchObject({
      offerId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
      status: 'active',
      billingType: 'usage',
    });

    const wingtip = await h.api<Collection>('GET', `/customers/${h.id('Wingtip Toys')}/subscriptions`);
    expect(missingKeys(wingtip.body, sample('26-subscriptions-list-response.json'))).toEqual([]);
    const legacy = wingtip.body.items[0];
    expect(missingKeys(legacy, sample('24-subscription-by-id-azure-0145p-response.json'))).toEqual([]);
    expect(legacy.offerId).toBe('MS-AZR-0145P');
    const missing = await h.api(
      'GET',
      `/customers/${h.id('Wingtip Toys')}/subscriptions/00000000-0000-4000-8000-000000000000`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('20003');
  });

  it('lists and gets Azure entitlements in the documented shapes', async () => {
    const plan = await h.planOf('Fabrikam Inc');
    const base = `/customers/${h.id('Fabrikam Inc')}/subscriptions/${String(plan.id)}/azureEntitlements`;
    const list = await h.api<Collection>('GET', base);
    expect(missingKeys(list.body, sample('30-azure-entitlements-list-response.json'))).toEqual([]);
    expect(list.body.items.map((e) => e.status)).toEqual(['active', 'active', 'inactive']);
    const one = await h.api('GET', `${base}/${String(list.body.items[0].id)}`);
    expect(missingKeys(one.body, sample('31-azure-entitlement-get-response.json'))).toEqual([]);
    const none = await h.api('GET', `${base}/00000000-0000-4000-8000-000000000000`);
    expect(none.body.code).toBe('800111');
  });

  it('refuses to suspend an Azure plan with active Azure subscriptions (403 900115)', async () => {
    const plan = await h.planOf('Fabrikam Inc');
    const res = await patch('Fabrikam Inc', plan, 'suspended');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('900115');
  });

  it('accepts suspending a plan whose only active asset is a reservation: the docs give that half of the rule no code', async () => {
    const plan = await h.planOf('Adventure Works');
    const res = await patch('Adventure Works', plan, 'suspended');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('suspended');
  });

  it('answers 400 2055 to a stale etag', async () => {
    const plan = await h.planOf('Northwind Traders');
    const res = await patch('Northwind Traders', plan, 'suspended', 'eyJpZCI6InN0YWxlIiwidmVyc2lvbiI6MX0=');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('2055');
  });

  it('suspends a plan whose Azure subscriptions are inactive: 202 + Location when so configured, then suspended after the delay', async () => {
    await h.control('PUT', '/config', { planSuspensionAnswer: 'accepted' });
    const customer = h.id('Northwind Traders');
    const plan = await h.planOf('Northwind Traders');
    const res = await patch('Northwind Traders', plan, 'suspended');
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/customers/${customer}/subscriptions/${String(plan.id)}`);

    const path = `/customers/${customer}/subscriptions/${String(plan.id)}`;
    expect((await h.api('GET', path)).body.status).toBe('active');
    const provisioning = await h.user('GET', `${path}/provisioningstatus`);
    expect(provisioning.body).toMatchObject({
      status: 'pending',
      attributes: { objectType: 'SubscriptionProvisioningStatus' },
    });
    const busy = await patch('Northwind Traders', (await h.api('GET', path)).body, 'suspended');
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('800082');

    await h.advance(30_000);
    const after = await h.api('GET', path);
    expect(after.body.status).toBe('suspended');
    expect((await h.user('GET', `${path}/provisioningstatus`)).body.status).toBe('success');
    const audit = await h.api<Collection>('GET', '/auditrecords');
    expect(audit.body.items.map((r) => r.operationType)).toContain('update_subscription');
  });

  it('reactivates a suspended plan with 200 and the updated subscription', async () => {
    const plan = await h.planOf('Tailspin Toys');
    expect(plan.status).toBe('suspended');
    const res = await patch('Tailspin Toys', plan, 'active');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect((res.body.attributes as Json).etag).not.toBe((plan.attributes as Json).etag);
    const stale = await patch('Tailspin Toys', plan, 'suspended');
    expect(stale.body.code).toBe('2055');
  });

  it('suspends a legacy MS-AZR-0145P subscription at once with 200', async () => {
    const list = await h.api<Collection>('GET', `/customers/${h.id('Wingtip Toys')}/subscriptions`);
    const res = await patch('Wingtip Toys', list.body.items[0], 'suspended');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('suspended');
    expect(missingKeys(res.body, sample('24-subscription-by-id-azure-0145p-response.json'))).toEqual([]);
  });

  it('cancels Azure subscriptions (inactive about 10 minutes later), after which the plan can be suspended', async () => {
    const customer = h.id('Coho Winery');
    const plan = await h.planOf('Coho Winery');
    const base = `/customers/${customer}/subscriptions/${String(plan.id)}/azureEntitlements`;
    const list = await h.api<Collection>('GET', base);
    const badReason = await h.api('POST', `${base}/${String(list.body.items[0].id)}/cancel`, {
      body: { cancellationReason: 'x' },
    });
    expect(badReason.body.code).toBe('900307');
    for (const e of list.body.items) {
      const res = await h.api('POST', `${base}/${String(e.id)}/cancel`, {
        body: sample('32-azure-entitlement-cancel-request.json'),
      });
      expect(res.status).toBe(200);
      expect(missingKeys(res.body, sample('33-azure-entitlement-cancel-response.json'))).toEqual([]);
      expect(res.body.status).toBe('active');
    }
    expect((await patch('Coho Winery', await h.planOf('Coho Winery'), 'suspended')).body.code).toBe('900115');
    await h.advance(10 * 60_000);
    const after = await h.api<Collection>('GET', base);
    expect(after.body.items.map((e) => e.status)).toEqual(['inactive', 'inactive']);
    expect((await patch('Coho Winery', await h.planOf('Coho Winery'), 'suspended')).status).toBe(200);
  });

  it('lists the subscriptions of an order with ?order_id=', async () => {
    const plan = await h.planOf('Alpine Ski House');
    const res = await h.api<Collection>(
      'GET',
      `/customers/${h.id('Alpine Ski House')}/subscriptions?order_id=${String(plan.orderId)}`,
    );
    expect(res.body.items.map((s) => s.id)).toEqual([plan.id]);
  });
});
