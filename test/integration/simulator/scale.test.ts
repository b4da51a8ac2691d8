import { NAMED_CUSTOMERS } from '../../../src/simulator/state/seed';
import { SimHarness } from './simHarness';

type Json = Record<string, unknown>;
type Link = { uri: string; headers: { key: string; value: string }[] };
type Collection = { items: Json[]; links: { next?: Link } };

describe('simulator with 10,000 generated customers', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start({ extraCustomers: 10_000 });
  });

  afterAll(async () => {
    await h.close();
  });

  it('lists every customer, named and generated, through the paged list', async () => {
    const ids = new Set<string>();
    let res = await h.api<Collection>('GET', '/customers?size=500');
    for (const c of res.body.items) ids.add(String(c.id));
    while (res.body.links.next) {
      const next = res.body.links.next;
      res = await h.api<Collection>('GET', next.uri, {
        headers: Object.fromEntries(next.headers.map((x) => [x.key, x.value])),
      });
      for (const c of res.body.items) ids.add(String(c.id));
    }
    expect(ids.size).toBe(NAMED_CUSTOMERS.length + 10_000);
  });

  it('builds a generated customer deterministically when it is first used', async () => {
    const filter = encodeURIComponent(
      JSON.stringify({ Field: 'CompanyName', Value: 'relecloud 000', Operator: 'starts_with' }),
    );
    const found = await h.api<Collection>('GET', `/customers?filter=${filter}`);
    const names = found.body.items.map((c) => (c.companyProfile as Json).companyName);
    expect(names).toEqual([
      'Relecloud 00005',
      'Relecloud 00025',
      'Relecloud 00045',
      'Relecloud 00065',
      'Relecloud 00085',
    ]);
    const id = String(found.body.items[0].id);
    const subs = await h.api<Collection>('GET', `/customers/${id}/subscriptions`);
    expect(subs.status).toBe(200);
    expect(subs.body.items.map((s) => s.offerId)).toEqual(['DZH318Z0BPS6:0001:DZH318Z0BML6']);

    await h.reseed();
    const again = await h.api<Collection>('GET', `/customers/${id}/subscriptions`);
    expect(again.body.items.map((s) => s.id)).toEqual(subs.body.items.map((s) => s.id));
  });

  it('gives generated customers usage that matches their summary', async () => {
    const list = await h.api<Collection>('GET', '/customers?size=40');
    const generated = list.body.items.slice(NAMED_CUSTOMERS.length);
    for (const c of generated.slice(0, 12)) {
      const summary = await h.user('GET', `/customers/${String(c.id)}/usagesummary`);
      const records = await h.user<Collection>(
        'GET',
        `/customers/${String(c.id)}/subscriptions/usagerecords`,
      );
      const sum = records.body.items.reduce((s, r) => s + Math.round(Number(r.totalCost) * 100), 0);
      expect(Math.round(Number(summary.body.totalCost) * 100)).toBe(sum);
    }
  });
});
