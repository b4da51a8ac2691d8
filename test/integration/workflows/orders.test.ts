import type { PartnerCenterClient } from '../../../src/partnercenter';
import type { ActionRequest, SqlStore } from '../../../src/store';
import {
  getOrderDetails,
  listCustomerOrders,
  PURCHASE_KIND,
  purchaseKind,
  purchaseProgress,
} from '../../../src/workflows';
import { SimulatorHarness } from '../partnercenter/simulatorHarness';
import { closeEngines, engineInstance, type EngineInstance } from './engineHarness';
import { ADELE, azurePlanItem, customerNamed, MEGAN } from './workflowHarness';

/** `orders <customer>` and `order <id>` over the simulator, with the purchases we placed ourselves. */

const LIST_LAG_MS = 15 * 60_000;

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
let store: SqlStore;

beforeAll(async () => {
  harness = await SimulatorHarness.start({ orderCompletionDelayMs: 1_000 });
  pc = harness.client();
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

let engine: EngineInstance;

beforeEach(async () => {
  await harness.reseed();
  engine = await engineInstance({ kinds: (s) => [purchaseKind({ pc, store: s })] });
  store = engine.store;
});

afterEach(closeEngines);

/** A purchase of an Azure plan for Contoso France, executed up to its placed order. */
async function placeOrder(): Promise<{ request: ActionRequest; orderId: string; placedAt: number }> {
  const customer = await customerNamed(pc, 'Contoso France');
  const item = await azurePlanItem(pc, customer);
  const created = await engine.service.create({
    kind: PURCHASE_KIND,
    caller: MEGAN,
    customerId: item.customerId,
    customerName: item.customerName,
    payload: { item },
    correlationId: 'c',
  });
  if (!created.ok) throw new Error(created.reason);
  await engine.service.approve(created.request.id, ADELE, 'c');
  await engine.tick();
  const request = await store.requests.get(created.request.id);
  if (!request) throw new Error('request missing');
  const progress = purchaseProgress(request);
  const orderId = progress.orders[0]?.id;
  if (!orderId || progress.placedAt === undefined) throw new Error('no order placed');
  return { request, orderId, placedAt: progress.placedAt };
}

describe('listCustomerOrders', () => {
  it('shows a just-placed order as pending-listing, then from Partner Center only once after the list lag', async () => {
    const { request, orderId, placedAt } = await placeOrder();
    const customerId = request.customerId;

    const before = await listCustomerOrders(
      { pc, store },
      { customerId, correlationId: 'c', now: placedAt + 1_000 },
    );
    expect(before).toEqual([
      expect.objectContaining({
        id: orderId,
        status: 'pending',
        source: 'pending-listing',
        requestId: request.id,
      }),
    ]);

    await harness.advanceClock(LIST_LAG_MS + 1);
    // Still inside our own pending window: the order must not show twice.
    const after = await listCustomerOrders(
      { pc, store },
      { customerId, correlationId: 'c', now: placedAt + 60_000 },
    );
    expect(after).toEqual([
      expect.objectContaining({
        id: orderId,
        status: 'completed',
        source: 'partner-center',
        requestId: request.id,
      }),
    ]);
  });

  it('gives a just-placed order the same status as its read by id, before Partner Center lists it', async () => {
    const { request, orderId, placedAt } = await placeOrder();
    await harness.advanceClock(1_001); // the order completes; the list still lags
    const details = await getOrderDetails(
      { pc },
      { customerId: request.customerId, orderId, correlationId: 'c', includeProvisioning: false },
    );
    const [listed] = await listCustomerOrders(
      { pc, store },
      { customerId: request.customerId, correlationId: 'c', now: placedAt + 2_000 },
    );
    expect(details.status).toBe('completed');
    expect(listed).toMatchObject({ id: orderId, status: 'completed', source: 'pending-listing' });
    expect(listed.statusAsOf).toBeUndefined();
  });

  it('leaves out an unlisted order of ours once the pending window has passed', async () => {
    const { request, placedAt } = await placeOrder();
    const orders = await listCustomerOrders(
      { pc, store },
      { customerId: request.customerId, correlationId: 'c', now: placedAt + 21 * 60_000 },
    );
    expect(orders).toEqual([]);
  });

  it('lists a customer’s orders newest first', async () => {
    // Partner Center lists Northwind's two orders oldest first.
    const northwind = await customerNamed(pc, 'Northwind Traders');
    const orders = await listCustomerOrders(
      { pc, store },
      { customerId: northwind.id, correlationId: 'c', now: Date.now() },
    );
    const times = orders.map((o) => Date.parse(o.creationDate ?? ''));
    expect(orders).toHaveLength(2);
    expect(times[0]).toBeGreaterThan(times[1]);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(orders.every((o) => o.source === 'partner-center')).toBe(true);
  });
});

describe('getOrderDetails', () => {
  it('gives the order and its provisioning status with the partner user credential', async () => {
    const { request, orderId } = await placeOrder();
    await harness.advanceClock(1_001);
    const details = await getOrderDetails(
      { pc },
      { customerId: request.customerId, orderId, correlationId: 'c', includeProvisioning: true },
    );
    expect(details).toMatchObject({
      id: orderId,
      status: 'completed',
      lineItems: [{ lineItemNumber: 0, subscriptionId: expect.any(String) }],
      provisioning: { available: true, lines: [{ lineItemNumber: 0, status: 'fulfilled' }] },
    });
  });

  it('leaves the provisioning status out, and says why, without an App+User credential', async () => {
    const { request, orderId } = await placeOrder();
    const appOnly = harness.client({ credentials: { refreshToken: undefined } });
    try {
      const details = await getOrderDetails(
        { pc: appOnly },
        { customerId: request.customerId, orderId, correlationId: 'c', includeProvisioning: true },
      );
      expect(details).toMatchObject({
        id: orderId,
        status: 'pending',
        provisioning: { available: false, reason: 'app-user-required', code: 'auth' },
      });
    } finally {
      await appOnly.close();
    }
  });

  it('does not ask for provisioning when not asked to', async () => {
    const { request, orderId } = await placeOrder();
    const details = await getOrderDetails(
      { pc },
      { customerId: request.customerId, orderId, correlationId: 'c', includeProvisioning: false },
    );
    expect(details.provisioning).toBeUndefined();
  });

  it('passes on Partner Center’s not-found error for an unknown order', async () => {
    const customer = await customerNamed(pc, 'Contoso France');
    await expect(
      getOrderDetails(
        { pc },
        { customerId: customer.id, orderId: 'nope', correlationId: 'c', includeProvisioning: false },
      ),
    ).rejects.toMatchObject({ code: '20000' });
  });
});
