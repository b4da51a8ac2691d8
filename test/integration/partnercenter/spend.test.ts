import axios from 'axios';
import { PartnerCenterError, type PartnerCenterClient } from '../../../src/partnercenter';
import { SimulatorHarness, all, rejection, type SimCustomer } from './simulatorHarness';

/** The client's usage and budget operations against the simulator: figures, auth modes, errors. */

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
let fabrikam: SimCustomer;

beforeAll(async () => {
  harness = await SimulatorHarness.start();
  pc = harness.client();
  fabrikam = await harness.customer('Fabrikam Inc');
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

beforeEach(async () => {
  await harness.reseed();
});

const setSpend = (customerId: string, body: Record<string, unknown>) =>
  axios.put(`${harness.baseUrl}/_sim/customers/${customerId}/spend`, body);

async function planOf(customerId: string) {
  const subs = await all(pc.subscriptions.list(customerId));
  const plan = subs.find((s) => s.offerId?.startsWith('DZH318Z0BPS6'));
  if (!plan) throw new Error('no Azure plan');
  return plan;
}

const cents = (n: number) => Math.round(n * 100);

describe('usage', () => {
  it('reads one current-period spend through every usage operation', async () => {
    await setSpend(fabrikam.id, { totalCost: 4321.09 });
    const plan = await planOf(fabrikam.id);
    const summary = await pc.usage.customerSummary(fabrikam.id);
    const planSummary = await pc.usage.subscriptionSummary(fabrikam.id, plan.id);
    const records = await all(pc.usage.subscriptionUsageRecords(fabrikam.id));
    const meters = await all(pc.usage.meterUsageRecords(fabrikam.id, plan.id));
    const resources = await all(pc.usage.resourceUsageRecords(fabrikam.id, plan.id));

    expect(summary).toMatchObject({ totalCost: 4321.09, currencyCode: 'USD', budget: { amount: 5000 } });
    expect(planSummary.totalCost).toBe(4321.09);
    expect(records.map((r) => [r.resourceId, r.totalCost])).toEqual([[plan.id, 4321.09]]);
    expect(meters.reduce((s, m) => s + cents(m.totalCost), 0)).toBe(432_109);
    expect(resources.reduce((s, r) => s + cents(r.totalCost), 0)).toBe(432_109);
    const period = [summary.billingStartDate, summary.billingEndDate].map((d) => Date.parse(String(d)));
    expect(new Date(period[0]).getUTCDate()).toBe(1);
    expect(period[1]).toBeGreaterThan(period[0]);
    expect(planSummary.billingStartDate).toBe(summary.billingStartDate);
    expect(Date.parse(String(summary.lastModifiedDate))).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it('reads the budget of a legacy 0145P summary as amount', async () => {
    const wingtip = await harness.customer('Wingtip Toys');
    await expect(pc.usage.customerSummary(wingtip.id)).resolves.toMatchObject({
      totalCost: 310.25,
      currencyLocale: 'en-US',
      budget: { amount: 1000 },
    });
  });

  it('calls the usage operations with the App+User token and the budget ones with the app token', async () => {
    const plan = await planOf(fabrikam.id);
    await harness.clearRequests();
    await pc.usage.customerSummary(fabrikam.id);
    await pc.usage.subscriptionSummary(fabrikam.id, plan.id);
    await all(pc.usage.subscriptionUsageRecords(fabrikam.id));
    await all(pc.usage.meterUsageRecords(fabrikam.id, plan.id));
    await all(pc.usage.resourceUsageRecords(fabrikam.id, plan.id));
    await pc.budgets.get(fabrikam.id);
    await pc.budgets.set(fabrikam.id, 6000);
    const log = (await harness.requests()).filter((r) => r.path.startsWith('/v1/'));
    const kinds = log.map((r) => [r.method, r.path.split('/').pop(), r.tokenKind]);
    expect(kinds).toEqual([
      ['GET', 'usagesummary', 'app+user'],
      ['GET', 'usagesummary', 'app+user'],
      ['GET', 'usagerecords', 'app+user'],
      ['GET', 'meterusagerecords', 'app+user'],
      ['GET', 'resourceusagerecords', 'app+user'],
      ['GET', 'usagebudget', 'app'],
      ['PATCH', 'usagebudget', 'app'],
    ]);
  });
});

describe('budgets', () => {
  it('sets, reads and clears a budget', async () => {
    await expect(pc.budgets.set(fabrikam.id, 1500.25)).resolves.toMatchObject({ amount: 1500.25 });
    await expect(pc.budgets.get(fabrikam.id)).resolves.toMatchObject({ amount: 1500.25 });
    await expect(pc.budgets.set(fabrikam.id, null)).resolves.toMatchObject({ amount: null });
    await expect(pc.budgets.get(fabrikam.id)).resolves.toMatchObject({ amount: null });
    await expect(pc.usage.customerSummary(fabrikam.id)).resolves.toMatchObject({ budget: { amount: null } });
  });

  it('surfaces a refused amount as a PartnerCenterError 800002, sent once', async () => {
    await harness.clearRequests();
    const error = await rejection(pc.budgets.set(fabrikam.id, 12.345));
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error).toMatchObject({ status: 400, code: '800002' });
    expect((await harness.requests()).filter((r) => r.method === 'PATCH')).toHaveLength(1);
    await expect(pc.budgets.get(fabrikam.id)).resolves.toMatchObject({ amount: 5000 });
  });
});
