import { SimHarness, missingKeys, sample } from './simHarness';

type Json = Record<string, unknown>;
type Collection = { totalCount: number; items: Json[] };

const PLAN_LINE = {
  id: 0,
  catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
  quantity: 1,
  billingCycle: 'one_time',
};

describe('simulator carts, checkout and orders', () => {
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

  async function cart(customer: string, lineItems: unknown[] = [PLAN_LINE]) {
    const res = await h.api('POST', `/customers/${h.id(customer)}/carts`, { body: { lineItems } });
    expect(res.status).toBe(201);
    return res.body;
  }

  function checkout(customer: string, cartId: unknown) {
    return h.api<{ orders: Json[]; orderErrors: Json[] }>(
      'POST',
      `/customers/${h.id(customer)}/carts/${String(cartId)}/checkout`,
    );
  }

  it('creates, reads and updates a cart in the documented Cart shape', async () => {
    const created = await cart('Contoso France');
    expect(
      missingKeys(created, sample('11-cart-create-response.json'), ['lineItems[].termDuration']),
    ).toEqual([]);
    expect(created).toMatchObject({
      status: 'Active',
      lineItems: [{ orderGroup: '0', currencyCode: 'EUR' }],
    });
    const base = `/customers/${h.id('Contoso France')}/carts/${String(created.id)}`;
    const read = await h.api('GET', base);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(created.id);
    const updated = await h.api('PUT', base, {
      body: {
        LineItems: [
          {
            Id: 0,
            CatalogItemId: PLAN_LINE.catalogItemId,
            FriendlyName: 'Plan',
            Quantity: 1,
            BillingCycle: 'OneTime',
          },
        ],
      },
    });
    expect(updated.status).toBe(201);
    expect(updated.body.lineItems).toEqual([
      expect.objectContaining({ friendlyName: 'Plan', billingCycle: 'one_time' }),
    ]);
    const unknown = await h.api(
      'GET',
      `/customers/${h.id('Contoso France')}/carts/00000000-0000-4000-8000-000000000000`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('800008');
  });

  it('checks out the Azure plan: a pending order, completed after the delay with the plan and one Azure subscription', async () => {
    const c = await cart('Contoso France');
    const first = await checkout('Contoso France', c.id);
    expect(first.status).toBe(201);
    // The Azure plan has no term (its SKU has none) and no savings-plan commitment.
    const planLineExtras = ['termDuration', 'provisioningContext', 'purchaseCommitment'];
    expect(
      missingKeys(
        first.body,
        sample('59-savings-plan-checkout-response.json'),
        planLineExtras.map((k) => `orders[].lineItems[].${k}`),
      ),
    ).toEqual([]);
    expect(first.body.orders).toHaveLength(1);
    const order = first.body.orders[0];
    expect(
      missingKeys(order, sample('20-cart-checkout-nce-order-response.json'), [
        'lineItems[].subscriptionId',
        'lineItems[].termDuration',
      ]),
    ).toEqual([]);
    expect(order).toMatchObject({ status: 'pending', billingCycle: 'one_time', currencyCode: 'EUR' });
    expect((order.lineItems as Json[])[0].subscriptionId).toBeUndefined();

    const customer = h.id('Contoso France');
    const byId = await h.api('GET', `/customers/${customer}/orders/${String(order.id)}`);
    expect(byId.body.status).toBe('pending');
    const noSubs = await h.api<Collection>(
      'GET',
      `/customers/${customer}/subscriptions?order_id=${String(order.id)}`,
    );
    expect(noSubs.body.items).toEqual([]);

    await h.advance(60_000);
    const done = await h.api('GET', `/customers/${customer}/orders/${String(order.id)}`);
    expect(missingKeys(done.body, sample('21-order-by-id-response.json'))).toEqual([]);
    expect(done.body.status).toBe('completed');
    const planId = (done.body.lineItems as Json[])[0].subscriptionId;
    expect(planId).toEqual(expect.any(String));
    const subs = await h.api<Collection>(
      'GET',
      `/customers/${customer}/subscriptions?order_id=${String(order.id)}`,
    );
    expect(subs.body.items).toEqual([
      expect.objectContaining({ id: planId, status: 'active', offerId: PLAN_LINE.catalogItemId }),
    ]);
    const entitlements = await h.api<Collection>(
      'GET',
      `/customers/${customer}/subscriptions/${String(planId)}/azureEntitlements`,
    );
    expect(entitlements.body.items).toEqual([
      expect.objectContaining({ status: 'active', subscriptionId: planId }),
    ]);
  });

  it('is idempotent per cart: a second checkout returns the first result', async () => {
    const c = await cart('Contoso France');
    const first = await checkout('Contoso France', c.id);
    const second = await checkout('Contoso France', c.id);
    expect(second.status).toBe(201);
    expect(second.body.orders.map((o) => o.id)).toEqual(first.body.orders.map((o) => o.id));
    const orders = (await h.raw('GET', '/_sim/requests')).body as { items: Json[] };
    expect(orders.items.filter((r) => String(r.path).endsWith('/checkout'))).toHaveLength(2);
    const cartNow = await h.api('GET', `/customers/${h.id('Contoso France')}/carts/${String(c.id)}`);
    expect(cartNow.body.status).toBe('Ordered');
  });

  it('answers 409 800064 to a checkout of a cart that is being checked out', async () => {
    const c = await cart('Contoso Pharmaceuticals');
    const results = await Promise.all([
      checkout('Contoso Pharmaceuticals', c.id),
      checkout('Contoso Pharmaceuticals', c.id),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409]);
    const conflict = results.find((r) => r.status === 409);
    expect((conflict?.body as unknown as Json).code).toBe('800064');
    const ok = results.find((r) => r.status === 201);
    const again = await checkout('Contoso Pharmaceuticals', c.id);
    expect(again.body.orders[0].id).toBe(ok?.body.orders[0].id);
  });

  it('answers 403 13605 without an MCA, and checks out after a valid attestation', async () => {
    const c = await cart('Woodgrove Bank');
    const refused = await checkout('Woodgrove Bank', c.id);
    expect(refused.status).toBe(403);
    expect((refused.body as unknown as Json).code).toBe('13605');

    const metadata = await h.user<Collection>('GET', '/agreements?agreementType=MicrosoftCustomerAgreement');
    expect(metadata.status).toBe(200);
    const templateId = metadata.body.items[0].templateId;
    expect(templateId).toBe('117a77b0-9360-443b-8795-c6dedc750cf9');
    const customer = h.id('Woodgrove Bank');
    const before = await h.user<Collection>(
      'GET',
      `/customers/${customer}/agreements?agreementType=MicrosoftCustomerAgreement`,
    );
    expect(before.body.items).toEqual([]);

    const badTemplate = await h.user('POST', `/customers/${customer}/agreements`, {
      body: { ...(sample('57-mca-agreement-request.json') as Json), templateId: 'not-the-template' },
    });
    expect(badTemplate.status).toBe(400);
    const attest = await h.user('POST', `/customers/${customer}/agreements`, {
      body: { ...(sample('57-mca-agreement-request.json') as Json), dateAgreed: new Date().toISOString() },
    });
    expect(attest.status).toBe(201);
    expect(attest.body).toMatchObject({ type: 'MicrosoftCustomerAgreement', templateId });
    const after = await h.user<Collection>(
      'GET',
      `/customers/${customer}/agreements?agreementType=MicrosoftCustomerAgreement`,
    );
    expect(after.body.items).toHaveLength(1);

    const bought = await checkout('Woodgrove Bank', c.id);
    expect(bought.status).toBe(201);
    expect(bought.body.orders).toHaveLength(1);
  });

  it('answers 404 400019 when the line holds an availability that is not current', async () => {
    const c = await cart('Contoso France', [
      { ...PLAN_LINE, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML5' },
    ]);
    expect((c.lineItems as Json[])[0].error).toBeUndefined();
    const res = await checkout('Contoso France', c.id);
    expect(res.status).toBe(404);
    expect((res.body as unknown as Json).code).toBe('400019');
  });

  it('marks a line with a bad catalogItemId and answers 400 800009 at checkout', async () => {
    const c = await cart('Contoso France', [{ ...PLAN_LINE, catalogItemId: 'NOPE:0001:NOPE' }]);
    expect((c.lineItems as Json[])[0].error).toMatchObject({ errorCode: 'catalog_item_id_is_not_valid' });
    const res = await checkout('Contoso France', c.id);
    expect(res.status).toBe(400);
    expect((res.body as unknown as Json).code).toBe('800009');
  });

  it('returns orderErrors for a second Azure plan of a customer that already has one', async () => {
    const c = await cart('Fabrikam Inc');
    const res = await checkout('Fabrikam Inc', c.id);
    expect(res.status).toBe(201);
    expect(res.body.orders).toEqual([]);
    expect(res.body.orderErrors).toEqual([
      { orderGroupId: '0', code: 800066, description: expect.any(String) },
    ]);
  });

  it('shows a new order in the orders list only after the list lag', async () => {
    const customer = h.id('Contoso France');
    const c = await cart('Contoso France');
    const orderId = (await checkout('Contoso France', c.id)).body.orders[0].id;
    const listed = async () =>
      (await h.api<Collection>('GET', `/customers/${customer}/orders`)).body.items.map((o) => o.id);
    expect(await listed()).not.toContain(orderId);
    await h.advance(14 * 60_000);
    expect(await listed()).not.toContain(orderId);
    await h.advance(60_000);
    expect(await listed()).toContain(orderId);
    const list = await h.api('GET', `/customers/${customer}/orders`);
    expect(missingKeys(list.body, sample('22-orders-list-response.json'))).toEqual([]);
  });

  it('serves order provisioning status to App+User only, pending then fulfilled', async () => {
    const customer = h.id('Contoso France');
    const c = await cart('Contoso France');
    const orderId = String((await checkout('Contoso France', c.id)).body.orders[0].id);
    const path = `/customers/${customer}/orders/${orderId}/provisioningstatus`;
    expect((await h.api('GET', path)).body.code).toBe('900329');
    const pending = await h.user<Collection>('GET', path);
    expect(missingKeys(pending.body, sample('23-order-provisioning-status-response.json'))).toEqual([]);
    expect(pending.body.items[0].status).toBe('prefulfillment_pending');
    await h.advance(60_000);
    expect((await h.user<Collection>('GET', path)).body.items[0].status).toBe('fulfilled');
  });

  it('filters the orders list by billing type', async () => {
    const customer = h.id('Adventure Works');
    const oneTime = await h.api<Collection>('GET', `/customers/${customer}/orders?billingType=OneTime`);
    expect(oneTime.body.items.length).toBe(2);
    const monthly = await h.api<Collection>('GET', `/customers/${customer}/orders?billingType=monthly`);
    expect(monthly.body.items).toEqual([]);
  });

  it('buys a reservation on an Azure plan with active Azure subscriptions', async () => {
    const plan = await h.planOf('Coho Winery');
    const line = {
      id: 0,
      catalogItemId: 'DZH318Z0BQ3Q:0001:DZH318Z0HM11',
      quantity: 2,
      billingCycle: 'one_time',
      termDuration: 'P1Y',
      provisioningContext: { subscriptionId: plan.id, scope: 'shared', duration: '1Year' },
    };
    const c = await cart('Coho Winery', [line]);
    expect((c.lineItems as Json[])[0].orderGroup).toBe('1');
    const res = await checkout('Coho Winery', c.id);
    expect(res.status).toBe(201);
    await h.advance(60_000);
    const entitlements = await h.user<Collection>(
      'GET',
      `/customers/${h.id('Coho Winery')}/entitlements?entitlementType=reservedInstance`,
    );
    expect(entitlements.body.items).toHaveLength(1);
    const unbilled = await h.api<Collection>(
      'GET',
      '/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=current',
    );
    expect(unbilled.body.items.some((l) => l.orderId === res.body.orders[0].id)).toBe(true);

    const noPlan = await cart('Coho Winery', [
      { ...line, provisioningContext: { subscriptionId: h.id('Coho Winery'), scope: 'shared' } },
    ]);
    const refused = await checkout('Coho Winery', noPlan.id);
    expect(refused.status).toBe(400);
    expect((refused.body as unknown as Json).code).toBe('900318');
  });
});

describe('ids of what callers create', () => {
  async function firstOrderId(options: { runtimeIdNamespace?: string }) {
    const h = await SimHarness.start(options);
    try {
      const created = await h.api<{ id: string }>('POST', `/customers/${h.id('Contoso France')}/carts`, {
        body: { lineItems: [PLAN_LINE] },
      });
      const result = await h.api<{ orders: Array<{ id: string }> }>(
        'POST',
        `/customers/${h.id('Contoso France')}/carts/${created.body.id}/checkout`,
      );
      return { cartId: created.body.id, orderId: result.body.orders[0].id };
    } finally {
      await h.close();
    }
  }

  it('repeat from run to run by default, and differ between runs with different namespaces', async () => {
    const first = await firstOrderId({});
    expect(await firstOrderId({})).toEqual(first);
    const sandbox = await firstOrderId({ runtimeIdNamespace: 'sandbox-a' });
    expect(sandbox.orderId).not.toBe(first.orderId);
    expect(sandbox.cartId).not.toBe(first.cartId);
    expect((await firstOrderId({ runtimeIdNamespace: 'sandbox-b' })).orderId).not.toBe(sandbox.orderId);
  });
});
