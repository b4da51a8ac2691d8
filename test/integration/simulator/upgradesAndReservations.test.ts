import { SimHarness, missingKeys, sample } from './simHarness';

type Json = Record<string, unknown>;
type Collection = { totalCount: number; items: Json[] };

describe('simulator product upgrades (MS-AZR-0145P → Azure plan)', () => {
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

  const request = (customer: string) => ({ customerId: h.id(customer), productFamily: 'Azure' });

  it('answers eligibility: Wingtip eligible, Litware not (with its reason), a plan customer not', async () => {
    const wingtip = await h.user('POST', '/productUpgrades/eligibility', { body: request('Wingtip Toys') });
    expect(wingtip.status).toBe(200);
    expect(missingKeys(wingtip.body, sample('37-product-upgrade-eligibility-response.json'))).toEqual([]);
    expect(wingtip.body.isEligible).toBe(true);
    const litware = await h.user('POST', '/productUpgrades/eligibility', { body: request('Litware') });
    expect(litware.body).toMatchObject({
      isEligible: false,
      reason: "Can't process Azure upgrade for Azure Partner Shared Services",
    });
    const fabrikam = await h.user('POST', '/productUpgrades/eligibility', { body: request('Fabrikam Inc') });
    expect(fabrikam.body.isEligible).toBe(false);
    const app = await h.api('POST', '/productUpgrades/eligibility', { body: request('Wingtip Toys') });
    expect(app.body.code).toBe('900329');
  });

  it('creates an upgrade (202 + Location, no body), 409 900109 while in progress, completes after the delay', async () => {
    const res = await h.user('POST', '/productupgrades', { body: request('Wingtip Toys') });
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(/^productUpgrades\/[0-9a-f-]{36}$/);
    const upgradeId = location.split('/')[1];

    const again = await h.user('POST', '/productUpgrades', { body: request('Wingtip Toys') });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('900109');

    const statusBody = { ...request('Wingtip Toys'), Attributes: { ObjectType: 'ProductUpgradeRequest' } };
    const inProgress = await h.user('POST', `/productUpgrades/${upgradeId}/status`, { body: statusBody });
    expect(inProgress.body.status).toBe('InProgress');

    const buy = await h.api('POST', `/customers/${h.id('Wingtip Toys')}/carts`, {
      body: {
        lineItems: [
          { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
        ],
      },
    });
    const refused = await h.api(
      'POST',
      `/customers/${h.id('Wingtip Toys')}/carts/${String(buy.body.id)}/checkout`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('900113');

    await h.advance(120_000);
    const done = await h.user('POST', `/productUpgrades/${upgradeId}/status`, { body: statusBody });
    expect(missingKeys(done.body, sample('40-product-upgrade-status-response.json'))).toEqual([]);
    expect(done.body).toMatchObject({ id: upgradeId, status: 'Completed', productFamily: 'Azure' });

    const subs = await h.api<Collection>('GET', `/customers/${h.id('Wingtip Toys')}/subscriptions`);
    const legacy = subs.body.items.find((s) => s.offerId === 'MS-AZR-0145P');
    const plan = subs.body.items.find((s) => String(s.offerId).startsWith('DZH318Z0BPS6'));
    expect(legacy?.status).toBe('suspended');
    expect(plan?.status).toBe('active');
    const entitlements = await h.api<Collection>(
      'GET',
      `/customers/${h.id('Wingtip Toys')}/subscriptions/${String(plan?.id)}/azureEntitlements`,
    );
    expect(entitlements.body.items.map((e) => e.id)).toEqual([legacy?.entitlementId]);
    const budget = await h.api('GET', `/customers/${h.id('Wingtip Toys')}/usagebudget`);
    expect(budget.body.amount).toBeNull();

    const completed = await h.user('POST', '/productUpgrades', { body: request('Wingtip Toys') });
    expect(completed.status).toBe(400);
    expect(completed.body.code).toBe('900110');
    const eligibility = await h.user('POST', '/productUpgrades/eligibility', {
      body: request('Wingtip Toys'),
    });
    expect(eligibility.body).toMatchObject({ isEligible: false, upgradeId });
  });

  it('refuses Litware with 403 900119, a tenant that is not a customer with 403 20002, an unknown upgrade with 404 900106', async () => {
    const stranger = await h.user('POST', '/productupgrades', {
      body: sample('38-product-upgrade-create-request.json') as Json,
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body.code).toBe('20002');
    const litware = await h.user('POST', '/productUpgrades', { body: request('Litware') });
    expect(litware.status).toBe(403);
    expect(litware.body.code).toBe('900119');
    const unknown = await h.user('POST', '/productUpgrades/00000000-0000-4000-8000-000000000000/status', {
      body: request('Wingtip Toys'),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('900106');
  });
});

describe('simulator reserved-instance entitlements', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  afterAll(async () => {
    await h.close();
  });

  async function reservationOf(customer: string) {
    const list = await h.user<Collection>(
      'GET',
      `/customers/${h.id(customer)}/entitlements?entitlementType=reservedInstance&showExpiry=true`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const artifact = (list.body.items[0].entitledArtifacts as { link: { uri: string } }[])[0];
    const details = await h.user<{ virtualMachineReservations: Json[] }>('GET', artifact.link.uri);
    expect(details.status).toBe(200);
    return { list, details };
  }

  it('gives Adventure Works an active reservation: provisioningState Created, expiry in the future', async () => {
    const { list, details } = await reservationOf('Adventure Works');
    expect(missingKeys(list.body, sample('34-entitlements-reservedinstance-response.json'))).toEqual([]);
    expect(missingKeys(details.body, sample('35-reservedinstance-artifact-details-response.json'))).toEqual(
      [],
    );
    const reservation = details.body.virtualMachineReservations[0];
    expect(reservation.provisioningState).toBe('Created');
    const now = Date.parse(String(((await h.control('GET', '/clock')).body as Json).now));
    expect(Date.parse(`${String(reservation.expiryDateTime)}Z`)).toBeGreaterThan(now);
  });

  it('gives Northwind only an expired reservation', async () => {
    const { details } = await reservationOf('Northwind Traders');
    const reservation = details.body.virtualMachineReservations[0];
    const now = Date.parse(String(((await h.control('GET', '/clock')).body as Json).now));
    expect(Date.parse(`${String(reservation.expiryDateTime)}Z`)).toBeLessThan(now);
  });

  it('serves entitlements to App+User only', async () => {
    const res = await h.api('GET', `/customers/${h.id('Adventure Works')}/entitlements`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('900329');
  });
});
