import {
  PartnerCenterError,
  isMfaRequired,
  type PartnerCenterClient,
  type Subscription,
} from '../../../src/partnercenter';
import { SimulatorHarness, all, rejection, type SimCustomer } from './simulatorHarness';

/**
 * The Azure plan life cycle through the client against the simulator: MFA refusals, the 900115
 * race, stale etags, orders and upgrades that do not end well, creates retried after a timeout.
 */

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
const seed: Record<string, SimCustomer> = {};

beforeAll(async () => {
  harness = await SimulatorHarness.start({ orderCompletionDelayMs: 1_000, upgradeCompletionDelayMs: 1_000 });
  pc = harness.client();
  for (const customer of await harness.customers()) seed[customer.companyName] = customer;
});

beforeEach(async () => {
  await harness.reseed();
  await harness.configure({ appUserMfa: true, planSuspensionAnswer: 'ok' });
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

async function azurePlanOf(customerId: string): Promise<Subscription> {
  const plan = (await all(pc.subscriptions.list(customerId))).find((s) =>
    (s.offerId ?? '').startsWith('DZH318Z0BPS6:'),
  );
  if (!plan) throw new Error(`no Azure plan for ${customerId}`);
  return plan;
}

describe('MFA (2026 rule)', () => {
  it('surfaces 401 900421 as an MFA error without retrying or refreshing, and leaves App-only calls working', async () => {
    const fabrikam = seed['Fabrikam Inc'].id;
    await pc.usage.customerSummary(fabrikam);
    await harness.configure({ appUserMfa: false });
    await harness.clearRequests();

    const error = await rejection(pc.usage.customerSummary(fabrikam));
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(isMfaRequired(error)).toBe(true);
    expect((error as PartnerCenterError).status).toBe(401);
    const log = await harness.requests();
    expect(log.filter((r) => r.path.toLowerCase().endsWith('/usagesummary')).map((r) => r.status)).toEqual([
      401,
    ]);
    expect(log.some((r) => r.path.toLowerCase().endsWith('/oauth2/v2.0/token'))).toBe(false);

    await expect(pc.customers.get(fabrikam)).resolves.toMatchObject({ id: fabrikam });
  });
});

describe('suspension races', () => {
  it('passes on 900115 when an Azure subscription becomes active between the preflight and the PATCH', async () => {
    const customerId = seed['Northwind Traders'].id;
    const plan = await azurePlanOf(customerId);
    const preflight = await all(pc.azureEntitlements.list(customerId, plan.id));
    expect(preflight.every((e) => e.status !== 'active')).toBe(true);
    await harness.control(`/customers/${customerId}/subscriptions/${plan.id}/azureEntitlements`, {});
    const error = await rejection(
      pc.subscriptions.updateStatus(customerId, plan.id, 'suspended', {
        etag: plan.attributes?.etag ?? undefined,
      }),
    );
    expect((error as PartnerCenterError).code).toBe('900115');
  });

  it('passes on 2055 when the subscription changed after the etag the caller decided on', async () => {
    const customerId = seed['Northwind Traders'].id;
    const plan = await azurePlanOf(customerId);
    await harness.control(`/customers/${customerId}/subscriptions/${plan.id}/etag`);
    const error = await rejection(
      pc.subscriptions.updateStatus(customerId, plan.id, 'suspended', {
        etag: plan.attributes?.etag ?? undefined,
      }),
    );
    expect((error as PartnerCenterError).code).toBe('2055');
    await expect(pc.subscriptions.updateStatus(customerId, plan.id, 'suspended')).resolves.toMatchObject({
      status: 'suspended',
    });
  });
});

describe('orders and upgrades that do not complete', () => {
  it('reads an order that ended cancelled, with no subscription', async () => {
    const customerId = seed['Contoso France'].id;
    await harness.control(`/customers/${customerId}/orderOutcomes`, { status: 'cancelled' });
    const cart = await pc.carts.create(customerId, {
      lineItems: [
        { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
      ],
    });
    const checkout = await pc.carts.checkout(customerId, cart.id);
    const orderId = checkout.orders[0].id;
    await harness.advanceClock(1_000);
    const order = await pc.orders.get(customerId, orderId);
    expect(order.status).toBe('cancelled');
    expect(await all(pc.subscriptions.list(customerId, { orderId }))).toEqual([]);
  });

  it('reads an upgrade that ended Failed with its errorDetails', async () => {
    const customerId = seed['Wingtip Toys'].id;
    const created = await pc.productUpgrades.create(customerId);
    await harness.control(`/upgrades/${created.upgradeId}/outcome`, {
      status: 'Failed',
      errorDetails: { code: '900120', description: "Can't process Azure upgrade" },
    });
    expect((await pc.productUpgrades.getStatus(customerId, created.upgradeId)).status).toBe('InProgress');
    await harness.advanceClock(1_000);
    const status = await pc.productUpgrades.getStatus(customerId, created.upgradeId);
    expect(status.status).toBe('Failed');
    expect(status.errorDetails).toMatchObject({ code: '900120' });
    expect(status.lineItems?.[0]?.errorDetails).toMatchObject({ code: '900120' });
  });

  it('creates one upgrade when the create times out after the service acted', async () => {
    const customerId = seed['Wingtip Toys'].id;
    const impatient = harness.client({ timeoutMs: 200 });
    await harness.fault({ method: 'POST', path: '/v1/productupgrades', latencyMs: 600, times: 1 });
    const created = await impatient.productUpgrades.create(customerId);
    await impatient.close();
    const eligibility = await pc.productUpgrades.checkEligibility(customerId);
    expect(eligibility.upgradeId).toBe(created.upgradeId);
    const creates = (await harness.requests()).filter(
      (r) => r.method === 'POST' && r.path.toLowerCase() === '/v1/productupgrades',
    );
    expect(new Set(creates.map((r) => r.requestId)).size).toBe(1);
    expect(creates.filter((r) => r.status === 409)).toEqual([]);
  });
});
