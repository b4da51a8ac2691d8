import { SimHarness, missingKeys, sample } from './simHarness';

/** Suspension and reactivation answers, savings plans, the 900115 race and stale etags. */

type Json = Record<string, unknown>;
type Collection = { totalCount: number; items: Json[] };

describe('simulator Azure plan life cycle', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  beforeEach(async () => {
    await h.reseed();
    await h.control('PUT', '/config', {
      planSuspensionAnswer: 'ok',
      planSuspensionDelayMs: 30_000,
      planReactivationAnswer: 'ok',
      planReactivationDelayMs: 0,
    });
  });

  afterAll(async () => {
    await h.close();
  });

  const subscriptionPath = (customer: string, subscription: Json) =>
    `/customers/${h.id(customer)}/subscriptions/${String(subscription.id)}`;

  function patch(customer: string, subscription: Json, status: string, etag?: string) {
    return h.api('PATCH', subscriptionPath(customer, subscription), {
      body: { ...subscription, status },
      headers: { 'If-Match': etag ?? String((subscription.attributes as Json).etag) },
    });
  }

  async function statusOf(customer: string, subscription: Json): Promise<unknown> {
    return (await h.api('GET', subscriptionPath(customer, subscription))).body.status;
  }

  describe('suspension and reactivation answers', () => {
    it('answers a suspension with 200 and the suspended subscription by default; a GET flips only after planSuspensionDelayMs', async () => {
      const plan = await h.planOf('Northwind Traders');
      const res = await patch('Northwind Traders', plan, 'suspended');
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(res.body).toMatchObject({
        id: plan.id,
        status: 'suspended',
        suspensionReasons: ['PartnerInitiated'],
      });

      const polls: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        polls.push(await statusOf('Northwind Traders', plan));
        await h.advance(10_000);
      }
      polls.push(await statusOf('Northwind Traders', plan));
      expect(polls).toEqual(['active', 'active', 'active', 'suspended']);
      const provisioning = await h.user(
        'GET',
        `${subscriptionPath('Northwind Traders', plan)}/provisioningstatus`,
      );
      expect(provisioning.body.status).toBe('success');
    });

    it('answers a suspension with 202 + Location when planSuspensionAnswer is accepted', async () => {
      await h.control('PUT', '/config', {
        planSuspensionAnswer: 'accepted',
        planSuspensionDelayMs: 10 * 60_000,
      });
      const plan = await h.planOf('Northwind Traders');
      const res = await patch('Northwind Traders', plan, 'suspended');
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
      expect(res.headers.get('location')).toBe(`/v1${subscriptionPath('Northwind Traders', plan)}`);
      await h.advance(9 * 60_000);
      expect(await statusOf('Northwind Traders', plan)).toBe('active');
      await h.advance(60_000);
      expect(await statusOf('Northwind Traders', plan)).toBe('suspended');
    });

    it('reactivates with 200 at once by default', async () => {
      const plan = await h.planOf('Tailspin Toys');
      const res = await patch('Tailspin Toys', plan, 'active');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('active');
      expect(await statusOf('Tailspin Toys', plan)).toBe('active');
    });

    it('reactivates with 202 + Location and a delay when so configured', async () => {
      await h.control('PUT', '/config', {
        planReactivationAnswer: 'accepted',
        planReactivationDelayMs: 60_000,
      });
      const plan = await h.planOf('Tailspin Toys');
      const res = await patch('Tailspin Toys', plan, 'active');
      expect(res.status).toBe(202);
      expect(res.headers.get('location')).toBe(`/v1${subscriptionPath('Tailspin Toys', plan)}`);
      expect(await statusOf('Tailspin Toys', plan)).toBe('suspended');
      const fresh = (await h.api('GET', subscriptionPath('Tailspin Toys', plan))).body;
      expect((await patch('Tailspin Toys', fresh, 'active')).body.code).toBe('800082');
      await h.advance(60_000);
      expect(await statusOf('Tailspin Toys', plan)).toBe('active');
    });

    it('answers a delayed reactivation with 200 and the active subscription while a GET still shows suspended', async () => {
      await h.control('PUT', '/config', { planReactivationDelayMs: 60_000 });
      const plan = await h.planOf('Tailspin Toys');
      const res = await patch('Tailspin Toys', plan, 'active');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('active');
      expect(await statusOf('Tailspin Toys', plan)).toBe('suspended');
      await h.advance(60_000);
      expect(await statusOf('Tailspin Toys', plan)).toBe('active');
    });

    it('rejects unknown answer modes in the configuration', async () => {
      expect((await h.control('PUT', '/config', { planSuspensionAnswer: 'slow' })).status).toBe(400);
    });
  });

  describe('savings plans (Lakeshore Retail)', () => {
    async function subscriptions(query = ''): Promise<Json[]> {
      const res = await h.api<Collection>(
        'GET',
        `/customers/${h.id('Lakeshore Retail')}/subscriptions${query}`,
      );
      expect(res.status).toBe(200);
      return res.body.items;
    }

    it('lists the savings plan as a benefit subscription shaped like the documented one', async () => {
      const items = await subscriptions();
      const savingsPlan = items.find((s) => (s.productType as Json).subType !== undefined);
      expect(savingsPlan).toBeDefined();
      // A shared-scope plan has no single Azure subscription (the sample's scope is single).
      expect(
        missingKeys(savingsPlan, sample('60-savings-plan-subscription-response.json'), [
          'lineItems[].scope.entitlementId',
        ]),
      ).toEqual([]);
      expect(savingsPlan).toMatchObject({
        productType: { id: 'Azure', subType: { id: 'SavingsPlan' } },
        billingType: 'benefit',
        unitType: 'Benefit',
        status: 'active',
        lineItems: [{ status: 'active', purchaseCommitment: { grain: 'Hourly', currency: 'usd' } }],
      });
      const byId = await h.api('GET', subscriptionPath('Lakeshore Retail', savingsPlan as Json));
      expect(byId.body).toEqual(savingsPlan);
      const order = await h.api(
        'GET',
        `/customers/${h.id('Lakeshore Retail')}/orders/${String(savingsPlan?.orderId)}`,
      );
      expect(order.body).toMatchObject({
        status: 'completed',
        lineItems: [{ subscriptionId: savingsPlan?.id }],
      });
    });

    it('filters the list by product_type and product_subtype', async () => {
      const all = await subscriptions();
      expect(all).toHaveLength(2);
      const savings = await subscriptions('?product_type=Azure&product_subtype=SavingsPlan');
      expect(savings.map((s) => s.billingType)).toEqual(['benefit']);
      expect(await subscriptions('?product_type=azure')).toHaveLength(2);
      expect(await subscriptions('?product_type=OnlineServicesNCE')).toEqual([]);
    });

    it('has no active Azure subscription and no reservation, and its plan suspension is accepted', async () => {
      const plan = await h.planOf('Lakeshore Retail');
      const entitlements = await h.api<Collection>(
        'GET',
        `${subscriptionPath('Lakeshore Retail', plan)}/azureEntitlements`,
      );
      expect(entitlements.body.items.map((e) => e.status)).toEqual(['inactive']);
      const reservations = await h.user<Collection>(
        'GET',
        `/customers/${h.id('Lakeshore Retail')}/entitlements?entitlementType=reservedInstance`,
      );
      expect(reservations.body.items).toEqual([]);
      const res = await patch('Lakeshore Retail', plan, 'suspended');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('suspended');
    });

    it('refuses to change a savings plan itself with 403 900321 (managed in the Azure portal)', async () => {
      const savingsPlan = (await subscriptions('?product_subtype=SavingsPlan'))[0];
      const res = await patch('Lakeshore Retail', savingsPlan, 'suspended');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('900321');
    });
  });

  describe('races the control API makes happen', () => {
    it('answers 403 900115 when an Azure subscription becomes active between the preflight and the PATCH', async () => {
      const plan = await h.planOf('Northwind Traders');
      const entitlementsPath = `${subscriptionPath('Northwind Traders', plan)}/azureEntitlements`;
      const preflight = await h.api<Collection>('GET', entitlementsPath);
      expect(preflight.body.items.every((e) => e.status === 'inactive')).toBe(true);

      const added = await h.control(
        'POST',
        `/customers/${h.id('Northwind Traders')}${subscriptionPathTail(plan)}/azureEntitlements`,
        {
          friendlyName: 'Late subscription',
        },
      );
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ status: 'active', subscriptionId: plan.id, created: true });

      const res = await patch('Northwind Traders', plan, 'suspended');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('900115');
      expect((await h.api<Collection>('GET', entitlementsPath)).body.items).toHaveLength(3);
    });

    it('activates an existing Azure subscription through the same control route', async () => {
      const plan = await h.planOf('Northwind Traders');
      const entitlementsPath = `${subscriptionPath('Northwind Traders', plan)}/azureEntitlements`;
      const first = (await h.api<Collection>('GET', entitlementsPath)).body.items[0];
      const activated = await h.control(
        'POST',
        `/customers/${h.id('Northwind Traders')}${subscriptionPathTail(plan)}/azureEntitlements`,
        {
          id: first.id,
        },
      );
      expect(activated.status).toBe(200);
      expect(activated.body).toMatchObject({ id: first.id, status: 'active', created: false });
      expect((await patch('Northwind Traders', plan, 'suspended')).body.code).toBe('900115');
    });

    it('answers 400 2055 to a PATCH with the etag read before someone else changed the subscription', async () => {
      const plan = await h.planOf('Northwind Traders');
      const etag = String((plan.attributes as Json).etag);
      const moved = await h.control(
        'POST',
        `/customers/${h.id('Northwind Traders')}${subscriptionPathTail(plan)}/etag`,
      );
      expect(moved.status).toBe(200);
      expect(moved.body.previousEtag).toBe(etag);
      expect(moved.body.etag).not.toBe(etag);

      const stale = await patch('Northwind Traders', plan, 'suspended', etag);
      expect(stale.status).toBe(400);
      expect(stale.body.code).toBe('2055');
      const fresh = (await h.api('GET', subscriptionPath('Northwind Traders', plan))).body;
      expect((fresh.attributes as Json).etag).toBe(moved.body.etag);
      expect((await patch('Northwind Traders', fresh, 'suspended')).status).toBe(200);
    });

    it('answers the control routes with errors for an unknown customer or a subscription that is not a plan', async () => {
      const unknown = await h.control(
        'POST',
        '/customers/00000000-0000-4000-8000-000000000000/subscriptions/x/etag',
      );
      expect(unknown.status).toBe(403);
      const savingsPlan = (
        await h.api<Collection>(
          'GET',
          `/customers/${h.id('Lakeshore Retail')}/subscriptions?product_subtype=SavingsPlan`,
        )
      ).body.items[0];
      const notPlan = await h.control(
        'POST',
        `/customers/${h.id('Lakeshore Retail')}${subscriptionPathTail(savingsPlan)}/azureEntitlements`,
        {},
      );
      expect(notPlan.status).toBe(400);
    });
  });
});

function subscriptionPathTail(subscription: Json): string {
  return `/subscriptions/${String(subscription.id)}`;
}
