import { SimHarness } from './simHarness';

/** Orders that end cancelled or in error, upgrades that fail: decided through the control API. */

type Json = Record<string, unknown>;
type Collection = { totalCount: number; items: Json[] };

const PLAN_LINE = {
  id: 0,
  catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
  quantity: 1,
  billingCycle: 'one_time',
};

describe('simulator order outcomes', () => {
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

  async function buyPlan(customer: string): Promise<Json> {
    const cart = await h.api('POST', `/customers/${h.id(customer)}/carts`, {
      body: { lineItems: [PLAN_LINE] },
    });
    const res = await h.api<{ orders: Json[] }>(
      'POST',
      `/customers/${h.id(customer)}/carts/${String(cart.body.id)}/checkout`,
    );
    expect(res.status).toBe(201);
    return res.body.orders[0];
  }

  const orderPath = (customer: string, order: Json) =>
    `/customers/${h.id(customer)}/orders/${String(order.id)}`;

  it('ends a pending order cancelled when it is due: no subscription is created', async () => {
    const order = await buyPlan('Contoso France');
    const decided = await h.control('POST', `/orders/${String(order.id)}/outcome`, { status: 'cancelled' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ orderId: order.id, status: 'pending', outcome: 'cancelled' });
    expect((await h.api('GET', orderPath('Contoso France', order))).body.status).toBe('pending');

    await h.advance(60_000);
    const ended = await h.api<{ status: string; lineItems: Json[] }>(
      'GET',
      orderPath('Contoso France', order),
    );
    expect(ended.body.status).toBe('cancelled');
    expect(ended.body.lineItems[0].subscriptionId).toBeUndefined();
    const subscriptions = await h.api<Collection>(
      'GET',
      `/customers/${h.id('Contoso France')}/subscriptions?order_id=${String(order.id)}`,
    );
    expect(subscriptions.body.items).toEqual([]);
    const provisioning = await h.user<Collection>(
      'GET',
      `${orderPath('Contoso France', order)}/provisioningstatus`,
    );
    expect(provisioning.body.items.map((i) => i.status)).toEqual(['unfulfilled']);
  });

  it('ends the next orders of a customer in error, in turn, then completes the following one', async () => {
    const queued = await h.control('POST', `/customers/${h.id('Contoso Pharmaceuticals')}/orderOutcomes`, {
      status: 'error',
    });
    expect(queued.body.nextOrderOutcomes).toEqual(['error']);
    const failed = await buyPlan('Contoso Pharmaceuticals');
    await h.advance(60_000);
    expect((await h.api('GET', orderPath('Contoso Pharmaceuticals', failed))).body.status).toBe('error');
    expect(
      (await h.api<Collection>('GET', `/customers/${h.id('Contoso Pharmaceuticals')}/subscriptions`)).body
        .items,
    ).toEqual([]);

    const retried = await buyPlan('Contoso Pharmaceuticals');
    await h.advance(60_000);
    const completed = await h.api<{ status: string; lineItems: Json[] }>(
      'GET',
      orderPath('Contoso Pharmaceuticals', retried),
    );
    expect(completed.body.status).toBe('completed');
    expect(completed.body.lineItems[0].subscriptionId).toEqual(expect.any(String));
  });

  it('cancels a completed order after the fact: its Azure plan becomes deleted and its Azure subscriptions inactive', async () => {
    const plan = await h.planOf('Alpine Ski House');
    const res = await h.control('POST', `/orders/${String(plan.orderId)}/outcome`, { status: 'cancelled' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    const order = await h.api('GET', `/customers/${h.id('Alpine Ski House')}/orders/${String(plan.orderId)}`);
    expect(order.body.status).toBe('cancelled');
    const base = `/customers/${h.id('Alpine Ski House')}/subscriptions/${String(plan.id)}`;
    expect((await h.api('GET', base)).body.status).toBe('deleted');
    const entitlements = await h.api<Collection>('GET', `${base}/azureEntitlements`);
    expect(entitlements.body.items.every((e) => e.status === 'inactive')).toBe(true);
  });

  it('refuses an unknown status, an unknown order and a change to an order that already ended otherwise', async () => {
    expect((await h.control('POST', '/orders/abc/outcome', { status: 'partial success' })).status).toBe(400);
    const unknown = await h.control('POST', '/orders/000000000000/outcome', { status: 'cancelled' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('20000');
    const plan = await h.planOf('Coho Winery');
    await h.control('POST', `/orders/${String(plan.orderId)}/outcome`, { status: 'error' });
    const back = await h.control('POST', `/orders/${String(plan.orderId)}/outcome`, { status: 'completed' });
    expect(back.status).toBe(409);
  });
});

describe('simulator upgrade outcomes', () => {
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

  const request = () => ({ customerId: h.id('Wingtip Toys'), productFamily: 'Azure' });
  const errorDetails = { code: '900120', description: "Can't process Azure upgrade" };

  async function createUpgrade(): Promise<string> {
    const res = await h.user('POST', '/productUpgrades', { body: request() });
    expect(res.status).toBe(202);
    return (res.headers.get('location') ?? '').split('/')[1];
  }

  const statusOf = async (upgradeId: string) =>
    (await h.user('POST', `/productUpgrades/${upgradeId}/status`, { body: request() })).body;

  it('goes through InProgress before it ends, and ends Failed with errorDetails when told so', async () => {
    const upgradeId = await createUpgrade();
    const decided = await h.control('POST', `/upgrades/${upgradeId}/outcome`, {
      status: 'Failed',
      errorDetails,
    });
    expect(decided.status).toBe(200);
    expect((await statusOf(upgradeId)).status).toBe('InProgress');

    await h.advance(120_000);
    const failed = await statusOf(upgradeId);
    expect(failed).toMatchObject({
      id: upgradeId,
      status: 'Failed',
      errorDetails,
      lineItems: [{ status: 'Failed', errorDetails }],
    });
    expect((failed.lineItems as Json[])[0].upgradedDate).toBeUndefined();

    const subscriptions = await h.api<Collection>('GET', `/customers/${h.id('Wingtip Toys')}/subscriptions`);
    expect(subscriptions.body.items.map((s) => [s.offerId, s.status])).toEqual([['MS-AZR-0145P', 'active']]);
    const budget = await h.api('GET', `/customers/${h.id('Wingtip Toys')}/usagebudget`);
    expect(budget.body.amount).toBe(1000);
  });

  it('after a failure: eligible again with the failed upgrade id, an Azure plan purchase refused with 409 900114, a new upgrade accepted', async () => {
    await h.control('POST', `/customers/${h.id('Wingtip Toys')}/upgradeOutcome`, {
      status: 'Failed',
      errorDetails,
    });
    const failedId = await createUpgrade();
    await h.advance(120_000);
    expect((await statusOf(failedId)).status).toBe('Failed');

    const eligibility = await h.user('POST', '/productUpgrades/eligibility', { body: request() });
    expect(eligibility.body).toMatchObject({ isEligible: true, upgradeId: failedId });

    const cart = await h.api('POST', `/customers/${h.id('Wingtip Toys')}/carts`, {
      body: {
        lineItems: [
          { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
        ],
      },
    });
    const refused = await h.api(
      'POST',
      `/customers/${h.id('Wingtip Toys')}/carts/${String(cart.body.id)}/checkout`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('900114');

    const secondId = await createUpgrade();
    expect(secondId).not.toBe(failedId);
    await h.advance(120_000);
    expect((await statusOf(secondId)).status).toBe('Completed');
    expect((await statusOf(failedId)).status).toBe('Failed');
  });

  it('answers 409 900109 while an upgrade is in progress, and eligibility names it', async () => {
    const upgradeId = await createUpgrade();
    const again = await h.user('POST', '/productUpgrades', { body: request() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('900109');
    const eligibility = await h.user('POST', '/productUpgrades/eligibility', { body: request() });
    expect(eligibility.body).toMatchObject({ isEligible: false, upgradeId });
  });

  it('refuses a Failed outcome without errorDetails, an unknown upgrade and an upgrade that already ended', async () => {
    const upgradeId = await createUpgrade();
    expect((await h.control('POST', `/upgrades/${upgradeId}/outcome`, { status: 'Failed' })).status).toBe(
      400,
    );
    const unknown = await h.control('POST', '/upgrades/00000000-0000-4000-8000-000000000000/outcome', {
      status: 'Completed',
    });
    expect(unknown.status).toBe(404);
    await h.advance(120_000);
    const ended = await h.control('POST', `/upgrades/${upgradeId}/outcome`, {
      status: 'Failed',
      errorDetails,
    });
    expect(ended.status).toBe(409);
  });
});
