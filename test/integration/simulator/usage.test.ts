import { SimHarness, missingKeys, sample } from './simHarness';

type Json = Record<string, unknown>;
type Collection = {
  totalCount: number;
  items: Json[];
  continuationToken?: string;
  links: { next?: { uri: string; headers: { key: string; value: string }[] } };
};

const cents = (n: unknown) => Math.round(Number(n) * 100);
const sumCents = (items: Json[]) => items.reduce((s, i) => s + cents(i.totalCost), 0);

describe('simulator usage and budgets', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  afterAll(async () => {
    await h.close();
  });

  it('gives Alpine Ski House 85 % of its budget and Coho Winery more than its budget', async () => {
    const alpine = await h.user('GET', `/customers/${h.id('Alpine Ski House')}/usagesummary`);
    expect(alpine.status).toBe(200);
    expect(missingKeys(alpine.body, sample('41-customer-usage-summary-azure-plan-response.json'))).toEqual(
      [],
    );
    expect(alpine.body).toMatchObject({ totalCost: 850, currencyCode: 'EUR', budget: { amount: 1000 } });
    expect(alpine.body.usdTotalCost).toBe(918);
    const coho = await h.user('GET', `/customers/${h.id('Coho Winery')}/usagesummary`);
    expect(coho.body).toMatchObject({ totalCost: 612.3, currencyCode: 'USD', budget: { amount: 500 } });
  });

  it('keeps the customer summary, subscription summary and usage records consistent', async () => {
    const customer = h.id('Fabrikam Inc');
    const plan = await h.planOf('Fabrikam Inc');
    const base = `/customers/${customer}/subscriptions/${String(plan.id)}`;
    const summary = await h.user('GET', `/customers/${customer}/usagesummary`);
    const subSummary = await h.user('GET', `${base}/usagesummary`);
    expect(
      missingKeys(subSummary.body, sample('43-subscription-usage-summary-azure-plan-response.json')),
    ).toEqual([]);
    const records = await h.user<Collection>('GET', `/customers/${customer}/subscriptions/usagerecords`);
    const meters = await h.user<Collection>('GET', `${base}/meterusagerecords`);
    const resources = await h.user<Collection>('GET', `${base}/resourceusagerecords`);

    expect(summary.body.totalCost).toBe(2345.67);
    expect(subSummary.body.totalCost).toBe(2345.67);
    expect(subSummary.body.resourceName).toBe('Azure plan');
    expect(records.body.items).toEqual([
      expect.objectContaining({ resourceId: plan.id, totalCost: 2345.67, currencyCode: 'USD' }),
    ]);
    expect(sumCents(meters.body.items)).toBe(234_567);
    expect(sumCents(resources.body.items)).toBe(234_567);
    expect(resources.body.items).toHaveLength(6);
    expect(meters.body.items[0]).toMatchObject({
      attributes: { objectType: 'MeterUsageRecord' },
      currencyCode: 'USD',
    });
    expect(resources.body.items[0]).toMatchObject({ attributes: { objectType: 'ResourceUsageRecord' } });
  });

  it('serves the legacy MS-AZR-0145P summary shape for a legacy customer', async () => {
    const res = await h.user('GET', `/customers/${h.id('Wingtip Toys')}/usagesummary`);
    expect(missingKeys(res.body, sample('42-customer-usage-summary-0145p-response.json'))).toEqual([]);
    expect(res.body).toMatchObject({ totalCost: 310.25, currencyLocale: 'en-US', budget: { ammount: 1000 } });
    expect(res.body.currencyCode).toBeUndefined();
  });

  it('reads and sets the usage budget in the documented shapes', async () => {
    const path = `/customers/${h.id('Northwind Traders')}/usagebudget`;
    const before = await h.api('GET', path);
    expect(missingKeys(before.body, sample('44-usage-budget-get-response.json'))).toEqual([]);
    expect(before.body.amount).toBeNull();
    const set = await h.api('PATCH', path, { body: sample('45-usage-budget-update-request.json') });
    expect(set.status).toBe(200);
    expect(missingKeys(set.body, sample('46-usage-budget-update-response.json'))).toEqual([]);
    expect(set.body).toMatchObject({ amount: 100, usageSpendingBudget: 100 });
    expect((await h.api('GET', path)).body.amount).toBe(100);
    const bad = await h.api('PATCH', path, { body: { amount: -5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('800002');
  });

  it('pages 0145P utilization records with MS-ContinuationToken to the end', async () => {
    const wingtip = h.id('Wingtip Toys');
    const subs = await h.api<Collection>('GET', `/customers/${wingtip}/subscriptions`);
    const legacyId = String(subs.body.items[0].id);
    const now = Date.parse(String(((await h.control('GET', '/clock')).body as Json).now));
    const day = 86_400_000;
    // A day's usage is reported a day after it ends: yesterday is not there yet.
    const end = new Date(now - (now % day) - day).toISOString();
    const start = new Date(now - (now % day) - 11 * day).toISOString();
    const path = `/customers/${wingtip}/subscriptions/${legacyId}/utilizations/azure?start_time=${start}&end_time=${end}&granularity=daily&show_details=true&size=15`;
    let res = await h.api<Collection>('GET', path);
    expect(res.status).toBe(200);
    // The sample's additionalInfo keys are Azure Stack ones.
    const documented = (sample('47-utilization-records-response.json') as Collection).items[0];
    expect(missingKeys(res.body.items[0], documented, ['instanceData.additionalInfo'])).toEqual([]);
    const all = [...res.body.items];
    while (res.body.links.next) {
      const headers = Object.fromEntries(res.body.links.next.headers.map((x) => [x.key, x.value]));
      expect(res.body.links.next.uri).toContain('seek_operation=Next');
      res = await h.api<Collection>('GET', res.body.links.next.uri, { headers });
      all.push(...res.body.items);
    }
    expect(all).toHaveLength(10 * 4);

    const yesterday = new Date(now - (now % day) - day).toISOString();
    const notReady = await h.api(
      'GET',
      `/customers/${wingtip}/subscriptions/${legacyId}/utilizations/azure?start_time=${yesterday}&end_time=${new Date(now + day).toISOString()}`,
    );
    expect(notReady.status).toBe(204);
    const retryAfter = Number(notReady.headers.get('retry-after'));
    // Yesterday's usage is reported at the next UTC midnight.
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil((now - (now % day) + day - now) / 1000));
  });

  it('refuses utilization records for an Azure plan', async () => {
    const plan = await h.planOf('Fabrikam Inc');
    const res = await h.api(
      'GET',
      `/customers/${h.id('Fabrikam Inc')}/subscriptions/${String(plan.id)}/utilizations/azure?start_time=2024-01-01T00:00:00Z&end_time=2024-01-02T00:00:00Z`,
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('800002');
  });
});
