import { SimHarness } from './simHarness';

/** The spending budget (GET/PATCH /v1/customers/{c}/usagebudget) of named and generated customers. */

type Json = Record<string, unknown>;
type Collection = { items: Json[] };

describe('simulator spending budgets', () => {
  let h: SimHarness;
  let generated: string;

  beforeAll(async () => {
    h = await SimHarness.start({ extraCustomers: 20, rateLimits: false });
    const list = await h.control<Collection>('GET', '/customers');
    generated = String(list.body.items[list.body.items.length - 1].id);
  });

  beforeEach(async () => {
    await h.reseed();
  });

  afterAll(async () => {
    await h.close();
  });

  const budgetPath = (id: string) => `/customers/${id}/usagebudget`;
  const patch = (id: string, body: unknown) => h.api('PATCH', budgetPath(id), { body });

  it('gives every customer a budget resource, and every generated customer an amount', async () => {
    const list = await h.control<Collection>('GET', '/customers');
    for (const c of list.body.items) {
      const res = await h.api('GET', budgetPath(String(c.id)));
      expect(res.status).toBe(200);
      expect(res.body.attributes).toEqual({ objectType: 'SpendingBudget' });
      if (String(c.companyName).match(/\d{5}$/)) expect(Number(res.body.amount)).toBeGreaterThan(0);
    }
  });

  it('sets and clears the budget of a generated customer, as the usage summary shows', async () => {
    const set = await patch(generated, { amount: 777.77, attributes: { objectType: 'SpendingBudget' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ amount: 777.77, usageSpendingBudget: 777.77 });
    expect((await h.api('GET', budgetPath(generated))).body.amount).toBe(777.77);
    const summary = await h.user('GET', `/customers/${generated}/usagesummary`);
    expect(summary.body.budget).toMatchObject({ amount: 777.77 });

    const cleared = await patch(generated, { Amount: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ amount: null, usageSpendingBudget: null });
    expect((await h.api('GET', budgetPath(generated))).body.amount).toBeNull();
    expect((await h.user('GET', `/customers/${generated}/usagesummary`)).body.budget).toMatchObject({
      amount: null,
    });
    const spend = await h.control('GET', `/customers/${generated}/spend`);
    expect(spend.body).toMatchObject({ budget: null, percentOfBudget: null });
  });

  it('reads the amount as a .NET decimal would: a number or its text', async () => {
    const alpine = h.id('Alpine Ski House');
    expect((await patch(alpine, { Amount: '1250.50' })).body.amount).toBe(1250.5);
    expect((await patch(alpine, { amount: 2000 })).body.amount).toBe(2000);
  });

  it.each([
    ['a negative amount', { amount: -5 }],
    ['zero (null removes a budget)', { amount: 0 }],
    ['three decimals', { amount: 12.345 }],
    ['more than 999,999,999.99', { amount: 1e10 }],
    ['text that is not a number', { amount: 'abc' }],
    ['a boolean', { amount: true }],
    ['an object', { amount: { value: 5 } }],
    ['no amount', { attributes: { objectType: 'SpendingBudget' } }],
    ['no body', undefined],
  ])('refuses %s with 400 800002 and keeps the budget', async (_name, body) => {
    const alpine = h.id('Alpine Ski House');
    const res = await patch(alpine, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('800002');
    expect((await h.api('GET', budgetPath(alpine))).body.amount).toBe(1000);
  });

  it('shows a new budget of a legacy 0145P customer in its summary, spelt as documented', async () => {
    const wingtip = h.id('Wingtip Toys');
    await patch(wingtip, { amount: 420 });
    const summary = await h.user('GET', `/customers/${wingtip}/usagesummary`);
    expect(summary.body.budget).toEqual({ ammount: 420, attributes: { objectType: 'SpendingBudget' } });
  });
});
