import { SimHarness } from './simHarness';

/** Azure spend over simulated time, through the usage routes and the spend control API. */

type Json = Record<string, unknown>;
type Collection = { items: Json[] };

const DAY = 86_400_000;
const cents = (n: unknown) => Math.round(Number(n) * 100);
const sumCents = (items: Json[]) => items.reduce((s, i) => s + cents(i.totalCost), 0);

describe('simulator spend over simulated time', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start({ rateLimits: false });
  });

  beforeEach(async () => {
    await h.reseed();
  });

  afterAll(async () => {
    await h.close();
  });

  const now = async () => Date.parse(String((await h.control('GET', '/clock')).body.now));

  /** Moves the clock to the given day of next month at 12:00 UTC: far from any period boundary. */
  async function toNextMonth(day: number): Promise<number> {
    const t = await now();
    const d = new Date(t);
    const target = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, day, 12);
    await h.advance(target - t);
    return target;
  }

  const setSpend = (customer: string, body: Json) =>
    h.control('PUT', `/customers/${h.id(customer)}/spend`, body);
  const getSpend = async (customer: string) =>
    (await h.control('GET', `/customers/${h.id(customer)}/spend`)).body;
  const summary = async (customer: string) =>
    (await h.user('GET', `/customers/${h.id(customer)}/usagesummary`)).body;

  /** Every usage view of the customer's Azure plan, as cents, with the dates they carry. */
  async function views(customer: string) {
    const id = h.id(customer);
    const plan = await h.planOf(customer);
    const base = `/customers/${id}/subscriptions/${String(plan.id)}`;
    const [customerSummary, planSummary, records, meters, resources] = await Promise.all([
      h.user('GET', `/customers/${id}/usagesummary`),
      h.user('GET', `${base}/usagesummary`),
      h.user<Collection>('GET', `/customers/${id}/subscriptions/usagerecords`),
      h.user<Collection>('GET', `${base}/meterusagerecords`),
      h.user<Collection>('GET', `${base}/resourceusagerecords`),
    ]);
    return {
      customer: cents(customerSummary.body.totalCost),
      plan: cents(planSummary.body.totalCost),
      records: sumCents(records.body.items),
      meters: sumCents(meters.body.items),
      resources: sumCents(resources.body.items),
      summary: customerSummary.body,
      lastModified: [
        customerSummary.body.lastModifiedDate,
        planSummary.body.lastModifiedDate,
        ...records.body.items.map((i) => i.lastModifiedDate),
        ...meters.body.items.map((i) => i.lastModifiedDate),
        ...resources.body.items.map((i) => i.lastModifiedDate),
      ],
      meterItems: meters.body.items,
      resourceItems: resources.body.items,
    };
  }

  it('shows a spend set through control in every usage view, to the cent', async () => {
    const before = await now();
    const set = await setSpend('Fabrikam Inc', { totalCost: 1234.56 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ totalCost: 1234.56, budget: 5000, percentOfBudget: 24.69 });
    const v = await views('Fabrikam Inc');
    expect([v.customer, v.plan, v.records, v.meters, v.resources]).toEqual(Array(5).fill(123_456));
    expect(v.resourceItems.length).toBeGreaterThan(1);
    expect(v.resourceItems.filter((r) => cents(r.totalCost) > 0).length).toBeGreaterThan(1);
    // The figure changed when control set it: every view says so.
    expect(new Set(v.lastModified)).toEqual(new Set([set.body.lastModifiedDate]));
    expect(Date.parse(String(set.body.lastModifiedDate))).toBeGreaterThanOrEqual(before);
    const daily = set.body.daily as { date: string; cost: number }[];
    expect(daily.reduce((s, d) => s + cents(d.cost), 0)).toBe(123_456);
    expect(set.body.subscriptions).toEqual([
      expect.objectContaining({ subscriptionId: (await h.planOf('Fabrikam Inc')).id, totalCost: 1234.56 }),
    ]);

    const alpine = await setSpend('Alpine Ski House', { totalCost: 900 });
    expect(alpine.body).toMatchObject({ totalCost: 900, usdTotalCost: 972, currencyCode: 'EUR' });
    expect(await summary('Alpine Ski House')).toMatchObject({ totalCost: 900, usdTotalCost: 972 });
  });

  it('adds a share of the budget or a cost, and refuses what cannot be', async () => {
    const added = await setSpend('Alpine Ski House', { addPercentOfBudget: 10 });
    expect(added.body).toMatchObject({ totalCost: 950, percentOfBudget: 95 });
    expect((await summary('Alpine Ski House')).totalCost).toBe(950);
    expect((await setSpend('Alpine Ski House', { addCost: 60.5 })).body.totalCost).toBe(1010.5);
    expect((await setSpend('Coho Winery', { percentOfBudget: 80 })).body.totalCost).toBe(400);

    const refusals: [string, Json, number][] = [
      ['Alpine Ski House', { addCost: -5000 }, 400],
      ['Alpine Ski House', { totalCost: 1, addCost: 1 }, 400],
      ['Alpine Ski House', {}, 400],
      ['Alpine Ski House', { totalCost: -1 }, 400],
      ['Alpine Ski House', { totalCost: 1, colour: 'red' }, 400],
      ['Northwind Traders', { percentOfBudget: 50 }, 409],
      ['Contoso France', { totalCost: 10 }, 409],
    ];
    for (const [customer, body, status] of refusals) {
      const res = await setSpend(customer, body);
      expect({ customer, body, status: res.status }).toEqual({ customer, body, status });
    }
    expect((await summary('Alpine Ski House')).totalCost).toBe(1010.5);
    const stranger = await h.control('PUT', '/customers/00000000-0000-4000-8000-000000000000/spend', {
      totalCost: 1,
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body.code).toBe('20002');
  });

  it('keeps a figure until the next daily report, which adds a day at the run rate', async () => {
    const midMonth = await toNextMonth(12);
    const set = await setSpend('Coho Winery', { totalCost: 400, dailyCost: 30 });
    expect(set.body).toMatchObject({ totalCost: 400, dailyCost: 30, reportedDays: 10 });
    const first = await views('Coho Winery');
    expect(first.customer).toBe(40_000);

    await h.advance(6 * 3_600_000);
    const later = await views('Coho Winery');
    expect(later.customer).toBe(40_000);
    expect(later.lastModified).toEqual(first.lastModified);

    // Day 11 ends at midnight and is reported a day later (the estimate lag of §10).
    const reportAt = Date.UTC(new Date(midMonth).getUTCFullYear(), new Date(midMonth).getUTCMonth(), 13);
    await h.advance(reportAt + 60_000 - (await now()));
    const next = await views('Coho Winery');
    expect(next.customer).toBeGreaterThanOrEqual(40_000 + 30 * 60);
    expect(next.customer).toBeLessThanOrEqual(40_000 + 30 * 132);
    expect([next.plan, next.records, next.meters, next.resources]).toEqual(Array(4).fill(next.customer));
    expect(new Set(next.lastModified)).toEqual(
      new Set([new Date(reportAt).toISOString().replace('.000Z', '+00:00')]),
    );
    expect(((await getSpend('Coho Winery')).daily as unknown[]).length).toBe(11);
  });

  it('starts a new billing period when the clock passes the end of the current one', async () => {
    await setSpend('Alpine Ski House', { totalCost: 990 });
    const before = await summary('Alpine Ski House');
    const end = Date.parse(String(before.billingEndDate));
    expect(end).toBe(Date.UTC(new Date(end).getUTCFullYear(), new Date(end).getUTCMonth(), 1));

    await h.advance(end + 3_600_000 - (await now()));
    const fresh = await views('Alpine Ski House');
    expect(fresh.summary).toMatchObject({
      billingStartDate: before.billingEndDate,
      totalCost: 0,
      budget: { amount: 1000 },
      lastModifiedDate: before.billingEndDate,
    });
    expect(Date.parse(String(fresh.summary.billingEndDate))).toBeGreaterThan(end + 27 * DAY);
    expect([fresh.plan, fresh.records, fresh.meters, fresh.resources]).toEqual([0, 0, 0, 0]);

    // The 1st is reported on the 3rd: the new period's spend starts from there, at the run rate.
    await h.advance(2 * DAY);
    const second = await views('Alpine Ski House');
    expect(second.customer).toBeGreaterThan(0);
    expect(second.customer).toBeLessThan(99_000);
    expect([second.plan, second.records, second.meters, second.resources]).toEqual(
      Array(4).fill(second.customer),
    );
    expect((await getSpend('Alpine Ski House')).reportedDays).toBe(1);
  });

  it('gives 0145P utilization records the daily usage behind the usage records', async () => {
    await toNextMonth(15);
    const id = h.id('Wingtip Toys');
    const subs = await h.api<Collection>('GET', `/customers/${id}/subscriptions`);
    const legacy = String(subs.body.items.find((s) => s.offerId === 'MS-AZR-0145P')?.id);
    const spend = await getSpend('Wingtip Toys');
    const start = encodeURIComponent(String(spend.billingStartDate));
    const base = `/customers/${id}/subscriptions/${legacy}`;
    const daily = await h.api<Collection>(
      'GET',
      `${base}/utilizations/azure?start_time=${start}&end_time=${new Date(await now()).toISOString()}`,
    );
    expect(daily.status).toBe(200);
    const days = new Set(daily.body.items.map((r) => String(r.usageStartTime).slice(0, 10)));
    expect([...days].sort()).toEqual((spend.daily as { date: string }[]).map((d) => d.date));

    const meters = await h.user<Collection>('GET', `${base}/meterusagerecords`);
    for (const meter of meters.body.items) {
      const used = daily.body.items
        .filter((r) => (r.resource as Json).id === meter.meterId)
        .reduce((s, r) => s + Number(r.quantity), 0);
      expect(Math.abs(used - Number(meter.quantityUsed))).toBeLessThan(0.01);
    }

    const dayStart = String(daily.body.items[0].usageStartTime);
    const hourly = await h.api<Collection>(
      'GET',
      `${base}/utilizations/azure?start_time=${dayStart}&end_time=${new Date(Date.parse(dayStart) + DAY).toISOString()}&granularity=hourly`,
    );
    const firstDay = daily.body.items.filter((r) => r.usageStartTime === dayStart);
    expect(hourly.body.items).toHaveLength(24 * firstDay.length);
    const hourlySum = hourly.body.items.reduce((s, r) => s + Number(r.quantity), 0);
    const dailySum = firstDay.reduce((s, r) => s + Number(r.quantity), 0);
    expect(Math.abs(hourlySum - dailySum)).toBeLessThan(0.001);
  });

  it('comes back to the seed figures on reseed', async () => {
    await setSpend('Fabrikam Inc', { totalCost: 1 });
    await h.advance(40 * DAY);
    await h.reseed();
    expect(await summary('Fabrikam Inc')).toMatchObject({ totalCost: 2345.67, budget: { amount: 5000 } });
    expect(await summary('Wingtip Toys')).toMatchObject({ totalCost: 310.25, budget: { ammount: 1000 } });
  });
});
