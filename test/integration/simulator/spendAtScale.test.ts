import { SimHarness } from './simHarness';

/** 10,000 generated customers: lazy start-up, and a budget and a spend for every one of them. */

type Json = Record<string, unknown>;
type Customer = { id: string; companyName: string };
type Stats = { customers: number; builtCustomers: number };

const EXTRA = 10_000;

describe('simulator spend with 10,000 generated customers', () => {
  let h: SimHarness;
  let named: number;
  let generated: Customer[];

  beforeAll(async () => {
    h = await SimHarness.start({ extraCustomers: EXTRA, rateLimits: false });
    const all = (await h.control<{ items: Customer[] }>('GET', '/customers')).body.items;
    named = all.length - EXTRA;
    generated = all.slice(named);
  });

  afterAll(async () => {
    await h.close();
  });

  const stats = async () => (await h.control<Stats>('GET', '/stats')).body;

  /** Reads every customer's usage summary, a few calls at a time. */
  async function sweep(customers: Customer[]): Promise<Json[]> {
    const out: Json[] = [];
    for (let i = 0; i < customers.length; i += 50) {
      const page = await Promise.all(
        customers.slice(i, i + 50).map((c) => h.user('GET', `/customers/${c.id}/usagesummary`)),
      );
      for (const res of page) {
        expect(res.status).toBe(200);
        out.push(res.body);
      }
    }
    return out;
  }

  it('starts without building any customer, and builds only the ones a call touches', async () => {
    expect(await stats()).toEqual({ customers: named + EXTRA, builtCustomers: 0 });
    await sweep(generated.slice(0, 25));
    expect((await stats()).builtCustomers).toBe(25);
  });

  it('gives every generated customer a budget and a current-period spend, spread across the thresholds', async () => {
    const summaries = await sweep(generated);
    const budgets = summaries.map((s) =>
      Number((s.budget as Json | undefined)?.amount ?? (s.budget as Json | undefined)?.ammount),
    );
    const costs = summaries.map((s) => Number(s.totalCost));
    expect(budgets.every((b) => Number.isFinite(b) && b > 0)).toBe(true);
    expect(costs.every((c) => Number.isFinite(c) && c > 0)).toBe(true);

    const shares = costs.map((c, i) => c / budgets[i]);
    const over = (threshold: number) => shares.filter((s) => s >= threshold).length / shares.length;
    expect(over(0.5)).toBeGreaterThan(0.3);
    expect(over(0.8)).toBeGreaterThan(0.1);
    expect(over(1)).toBeGreaterThan(0.03);
    expect(over(0.5)).toBeLessThan(0.7);
    expect(over(1)).toBeLessThan(0.2);

    // Most have an Azure plan (currencyCode), the others a legacy 0145P subscription (currencyLocale).
    const plans = summaries.filter((s) => typeof s.currencyCode === 'string').length;
    expect(plans).toBeGreaterThan(0.8 * EXTRA);
    expect(plans).toBeLessThan(EXTRA);
    expect((await stats()).builtCustomers).toBe(EXTRA);
  });

  it('derives the figures from the seed: a reseed gives the same ones', async () => {
    const sample = generated.filter((_, i) => i % 997 === 0);
    const before = await sweep(sample);
    await h.reseed();
    expect((await stats()).builtCustomers).toBe(0);
    const after = await sweep(sample);
    expect(after.map((s) => [s.totalCost, s.budget])).toEqual(before.map((s) => [s.totalCost, s.budget]));
  });
});
