import { join } from 'node:path';
import { collect, type PartnerCenterClient } from '../../../src/partnercenter';
import type { ActionRequest, SqlStore } from '../../../src/store';
import {
  checkPurchaseReadiness,
  findCustomers,
  LEGACY_AZURE_OFFER_ID,
  PURCHASE_KIND,
  purchaseKind,
  purchaseProgress,
  type CustomerSummary,
  type PurchaseItem,
  type PurchaseResult,
  type RunPoint,
} from '../../../src/workflows';
import { SimulatorHarness, type FaultSpec } from '../partnercenter/simulatorHarness';
import { createTempDir, type TempDir } from '../store/testDatabases';
import { closeEngines, engineInstance, type EngineInstance, type EngineOptions } from './engineHarness';
import {
  ADELE,
  apiCalls,
  azurePlanItem,
  calls,
  CART_CREATE,
  CART_ONE,
  CHECKOUT,
  CHECKOUT_FAULT_PATH,
  customerNamed,
  freeze,
  MEGAN,
  signalWhen,
  succeeded,
  TestClock,
  tokenCalls,
} from './workflowHarness';

/**
 * Purchase execution against the simulator over HTTP, with a real SQLite store, through the request
 * engine (runner + work queue): exactly one order per approved request through faults, concurrency
 * and crashes, then the order polls to a provisioned Azure plan.
 */

const ORDER_COMPLETION_MS = 1_000;
const LIST_LAG_MS = 15 * 60_000;
const LEASE_MS = 60_000;
const FIRST_POLL_MS = 5_000;

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
const items: Record<string, PurchaseItem> = {};
let dir: TempDir;

beforeAll(async () => {
  harness = await SimulatorHarness.start({ orderCompletionDelayMs: ORDER_COMPLETION_MS });
  pc = harness.client();
  for (const name of ['Contoso France', 'Woodgrove Bank', 'Fabrikam Inc']) {
    items[name] = await azurePlanItem(pc, await customerNamed(pc, name));
  }
  dir = createTempDir('purchase-');
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
  dir?.remove();
});

beforeEach(async () => {
  await harness.reseed();
});

afterEach(closeEngines);

function instance(
  options: Partial<EngineOptions> & { client?: PartnerCenterClient } = {},
): Promise<EngineInstance> {
  const client = options.client ?? pc;
  return engineInstance({
    leaseMs: LEASE_MS,
    retryDelaysMs: [5_000, 15_000, 45_000],
    ...options,
    kinds: (store: SqlStore) => [purchaseKind({ pc: client, store, firstPollMs: FIRST_POLL_MS })],
  });
}

/** Requested by Megan, approved by Adele; its run is due but nothing has run it yet. */
async function approvedRequest(engine: EngineInstance, item: PurchaseItem): Promise<ActionRequest> {
  const created = await engine.service.create({
    kind: PURCHASE_KIND,
    caller: MEGAN,
    customerId: item.customerId,
    customerName: item.customerName,
    payload: { item },
    correlationId: 'corr-create',
  });
  if (!created.ok) throw new Error(created.reason);
  const approved = await engine.service.approve(created.request.id, ADELE, 'corr-approve');
  if (!approved.ok) throw new Error(approved.reason);
  return approved.request;
}

/** Contoso France's purchase approved in a fresh instance, the request log cleared, these checkout answers armed. */
async function approvedWithCheckoutFaults(
  faults: ReadonlyArray<Omit<FaultSpec, 'method' | 'path'>>,
): Promise<{ engine: EngineInstance; request: ActionRequest }> {
  const engine = await instance();
  const request = await approvedRequest(engine, items['Contoso France']);
  await harness.clearRequests();
  for (const fault of faults) await harness.fault({ method: 'POST', path: CHECKOUT_FAULT_PATH, ...fault });
  return { engine, request };
}

async function stored(engine: EngineInstance, requestId: string): Promise<ActionRequest> {
  const request = await engine.store.requests.get(requestId);
  if (!request) throw new Error('request missing');
  return request;
}

function cartIdOf(request: ActionRequest): string | undefined {
  const data = request.execution?.checkpoints['create-cart']?.data;
  return typeof data?.cartId === 'string' ? data.cartId : undefined;
}

/** Orders of the customer as Partner Center lists them once the list lag has passed. */
async function listedOrders(customerId: string) {
  await harness.advanceClock(LIST_LAG_MS + 1);
  return collect(pc.orders.list(customerId));
}

/** Lets the simulator complete the order and the next poll come due, then works it. */
async function completeOrders(engine: EngineInstance): Promise<void> {
  await harness.advanceClock(ORDER_COMPLETION_MS + 1);
  await engine.advance(FIRST_POLL_MS + 1);
}

describe('the happy path', () => {
  it('creates one cart, checks out once, places one order, and succeeds with the plan and its Azure subscription', async () => {
    const engine = await instance();
    const request = await approvedRequest(engine, items['Contoso France']);
    await harness.clearRequests();

    await engine.tick();

    const placed = await stored(engine, request.id);
    expect(placed.state).toBe('executing');
    expect(purchaseProgress(placed).orders).toMatchObject([{ status: 'pending' }]);
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT)).toHaveLength(1);
    expect(engine.notifier.of(request.id)).toEqual([
      'created',
      'approved',
      'executing',
      'progress:order-placed',
    ]);
    // The first look at the order is scheduled, not made at once (a fresh order is pending).
    expect((await engine.store.watches.get(`request:${request.id}`))?.nextRunAt).toBe(
      engine.clock.now() + FIRST_POLL_MS,
    );
    await engine.tick();
    expect(calls(await harness.requests(), 'GET', /\/orders\//)).toEqual([]);

    await completeOrders(engine);

    const done = await stored(engine, request.id);
    expect(done.state).toBe('succeeded');
    const result = done.result as PurchaseResult;
    const orderId = purchaseProgress(placed).orders[0].id;
    expect(result).toMatchObject({
      orders: [
        { id: orderId, status: 'completed', lineItems: [{ offerId: items['Contoso France'].catalogItemId }] },
      ],
      orderErrors: [],
      partial: false,
      planSubscriptionId: expect.any(String),
      azureSubscriptionIds: [expect.any(String)],
      completedAt: engine.clock.now(),
    });
    expect(result.orders[0].lineItems[0].subscriptionId).toBe(result.planSubscriptionId);
    expect(engine.notifier.of(request.id).at(-1)).toBe('succeeded');
    expect(await engine.store.watches.list()).toEqual([]);

    const plan = await pc.subscriptions.get(
      items['Contoso France'].customerId,
      result.planSubscriptionId ?? '',
    );
    expect(plan).toMatchObject({ status: 'active', orderId });
    expect((await listedOrders(items['Contoso France'].customerId)).map((o) => o.id)).toEqual([orderId]);
  });

  it('audits every step with the actor, the correlation id and the MS-RequestId Partner Center saw', async () => {
    const engine = await instance();
    const request = await approvedRequest(engine, items['Contoso France']);
    await harness.clearRequests();
    await engine.tick();
    await completeOrders(engine);

    const audit = (await engine.store.audit.list({ requestId: request.id, limit: 100 })).reverse();
    expect(audit.map((a) => a.action)).toEqual([
      'request.create',
      'request.approve',
      'request.claim',
      'purchase.cart.create',
      'request.step',
      'purchase.checkout',
      'purchase.order-placed',
      'request.step',
      'request.step',
      'purchase.provisioned',
      'request.succeed',
    ]);
    expect(audit.map((a) => a.details?.step).filter(Boolean)).toEqual([
      'create-cart',
      'checkout',
      'await-orders',
    ]);
    expect(audit.every((a) => a.customerId === request.customerId && a.outcome !== '')).toBe(true);
    const log = apiCalls(await harness.requests());
    const cartCall = calls(log, 'POST', CART_CREATE)[0];
    const checkoutCall = calls(log, 'POST', CHECKOUT)[0];
    const byAction = (action: string) => audit.find((a) => a.action === action);
    expect(byAction('purchase.cart.create')).toMatchObject({
      actorId: 'system:request-runner',
      correlationId: cartCall.correlationId,
      pcRequestId: cartCall.requestId,
    });
    expect(byAction('purchase.checkout')).toMatchObject({
      correlationId: checkoutCall.correlationId,
      pcRequestId: checkoutCall.requestId,
    });
    expect(byAction('request.succeed')).toMatchObject({ actorId: 'system:request-runner' });
  });

  it('counts the Partner Center calls of one purchase, cold and warm catalog', async () => {
    const counts = [];
    const client = harness.client();
    try {
      for (const pass of ['cold', 'warm']) {
        await harness.reseed();
        const engine = await instance({ client });
        const phases: Record<string, number> = {};
        let seen = 0;
        const phase = async (name: string, work: () => Promise<unknown>) => {
          await work();
          const log = await harness.requests();
          phases[name] = apiCalls(log).length - seen;
          seen = apiCalls(log).length;
        };
        let item: PurchaseItem | undefined;
        let customer: CustomerSummary | undefined;
        await phase('lookup', async () => {
          [customer] = await findCustomers(client, 'Contoso France', { correlationId: 'c' });
        });
        if (!customer) throw new Error('Contoso France not found');
        const found = customer;
        await phase('readiness', () => checkPurchaseReadiness(client, found, { correlationId: 'c' }));
        await phase('catalog', async () => (item = await azurePlanItem(client, found)));
        const request = await approvedRequest(engine, item ?? items['Contoso France']);
        await phase('execution', () => engine.tick());
        await phase('polls', () => completeOrders(engine));
        expect((await stored(engine, request.id)).state).toBe('succeeded');
        const total = Object.values(phases).reduce((a, b) => a + b, 0);
        counts.push({ pass, ...phases, total, tokens: tokenCalls(await harness.requests()).length });
      }
    } finally {
      await client.close();
    }
    // lookup: customers search; readiness: subscriptions + agreements (App+User); catalog:
    // products + skus + availabilities; execution: cart (with the confirmed CatalogItemId) +
    // checkout; polls: order by id (its line names the plan subscription) + azureEntitlements.
    expect(counts).toEqual([
      { pass: 'cold', lookup: 1, readiness: 2, catalog: 3, execution: 2, polls: 2, total: 10, tokens: 2 },
      { pass: 'warm', lookup: 1, readiness: 2, catalog: 0, execution: 2, polls: 2, total: 7, tokens: 0 },
    ]);
  });
});

describe('concurrency', () => {
  it('ten concurrent runs on two instances create one cart and check out once', async () => {
    const sqlitePath = join(dir.path, 'concurrent.sqlite');
    const clock = new TestClock();
    const a = await instance({ sqlitePath, clock, node: 'a' });
    const b = await instance({ sqlitePath, clock, node: 'b' });
    const request = await approvedRequest(a, items['Contoso France']);
    await harness.clearRequests();

    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).tick()));

    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT)).toHaveLength(1);
    const audit = await a.store.audit.list({ requestId: request.id, limit: 100 });
    expect(audit.filter((e) => e.action === 'request.claim')).toHaveLength(1);
    expect(purchaseProgress(await stored(b, request.id)).orders).toHaveLength(1);
  });
});

describe('Partner Center refusals and faults', () => {
  it('400019 at checkout: reads the availability again, updates the cart, checks out once more, one order', async () => {
    const { engine, request } = await approvedWithCheckoutFaults([
      { status: 404, code: '400019', description: 'Availability not found' },
    ]);

    await engine.tick();

    expect(purchaseProgress(await stored(engine, request.id)).orders).toHaveLength(1);
    const log = await harness.requests();
    expect(calls(log, 'POST', CHECKOUT).map((r) => r.status)).toEqual([404, 201]);
    expect(calls(log, 'PUT', CART_ONE)).toHaveLength(1);
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    // The cart was made with the confirmed CatalogItemId; only the 400019 made it read again.
    expect(calls(log, 'GET', /\/availabilities\//)).toHaveLength(1);
    const update = (await engine.store.audit.list({ requestId: request.id })).find(
      (a) => a.action === 'purchase.cart.update',
    );
    expect(update?.details).toMatchObject({ reason: '400019' });
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('a CatalogItemId retired between the request and its approval: 400019 at checkout, the cart updated, one order', async () => {
    const engine = await instance();
    const item = items['Contoso France'];
    const stale = `${item.productId}:${item.skuId}:RETIRED01`;
    const request = await approvedRequest(engine, { ...item, catalogItemId: stale });
    await harness.clearRequests();

    await engine.tick();

    expect(purchaseProgress(await stored(engine, request.id)).orders).toHaveLength(1);
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT).map((r) => r.status)).toEqual([404, 201]);
    expect(calls(log, 'GET', /\/availabilities\//).length).toBeGreaterThanOrEqual(1);
    expect(calls(log, 'PUT', CART_ONE)).toHaveLength(1);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('400019 twice: fails with 400019 after the one retry', async () => {
    const { engine, request } = await approvedWithCheckoutFaults([{ status: 404, code: '400019', times: 2 }]);

    await engine.tick();

    expect(await stored(engine, request.id)).toMatchObject({ state: 'failed', error: { code: '400019' } });
    expect(calls(await harness.requests(), 'POST', CHECKOUT)).toHaveLength(2);
  });

  it('13605 (no Microsoft Customer Agreement): fails with the code and a reason, places no order', async () => {
    const engine = await instance();
    const request = await approvedRequest(engine, items['Woodgrove Bank']);
    await harness.clearRequests();

    await engine.tick();

    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: {
        code: '13605',
        message: expect.stringMatching(/Microsoft Customer Agreement/),
        pcRequestId: expect.any(String),
        errorId: expect.any(String),
      },
    });
    expect(calls(await harness.requests(), 'POST', CHECKOUT).map((r) => r.status)).toEqual([403]);
    expect(engine.notifier.of(request.id).at(-1)).toBe('failed');
    expect(await engine.store.watches.list()).toEqual([]);
    expect(await listedOrders(request.customerId)).toEqual([]);
    const failure = (await engine.store.audit.list({ requestId: request.id })).find(
      (a) => a.action === 'request.fail',
    );
    expect(failure).toMatchObject({ outcome: 'failed', details: { code: '13605' } });
  });

  it('a second Azure plan: checkout answers only orderErrors, the request fails with that code', async () => {
    const engine = await instance();
    const request = await approvedRequest(engine, items['Fabrikam Inc']);

    await engine.tick();

    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: { code: '800066', orderErrors: [{ code: '800066' }] },
    });
  });

  it('800009: a cart line Partner Center refuses fails the request with the line errors of the cart, before checkout', async () => {
    const engine = await instance();
    const base = items['Contoso France'];
    const [legacy] = await pc.catalog
      .listProducts('FR', { targetView: 'MicrosoftAzure', customerId: base.customerId })
      .then((products) => products.filter((p) => p.id !== base.productId && p.title === 'Microsoft Azure'));
    const [availability] = await pc.catalog.listAvailabilities('FR', legacy.id, LEGACY_AZURE_OFFER_ID, {
      customerId: base.customerId,
    });
    const request = await approvedRequest(engine, {
      ...base,
      productId: legacy.id,
      skuId: LEGACY_AZURE_OFFER_ID,
      availabilityId: availability.id,
      catalogItemId: availability.catalogItemId,
      billingCycle: 'monthly',
    });
    await harness.clearRequests();

    await engine.tick();

    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: {
        code: '800009',
        lineErrors: [{ catalogItemId: LEGACY_AZURE_OFFER_ID, errorCode: 'unable_to_process_cart_line_item' }],
      },
    });
    expect(calls(await harness.requests(), 'POST', CHECKOUT)).toEqual([]);
  });

  it('800009 at checkout: reads the cart for its line errors and fails', async () => {
    const { engine, request } = await approvedWithCheckoutFaults([
      { status: 400, code: '800009', description: 'Error in Cart item(s)' },
    ]);

    await engine.tick();

    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: { code: '800009', lineErrors: [], cartId: expect.any(String) },
    });
    expect(calls(await harness.requests(), 'GET', CART_ONE)).toHaveLength(1);
  });

  it('checkout answered 429, then 500, then success: the client retries and one order is placed', async () => {
    const { engine, request } = await approvedWithCheckoutFaults([
      { status: 429, retryAfterSeconds: 0 },
      { status: 500, code: '800003' },
    ]);

    await engine.tick();

    expect(purchaseProgress(await stored(engine, request.id)).orders).toHaveLength(1);
    const checkouts = calls(await harness.requests(), 'POST', CHECKOUT);
    // Three requests logged, one reached the operation (faults answer without performing it).
    expect(checkouts.map((r) => r.status)).toEqual([429, 500, 201]);
    expect(succeeded(checkouts)).toHaveLength(1);
    expect(new Set(checkouts.map((r) => r.requestId)).size).toBe(1);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('800060 (order in progress): waits 5 s, then checks the same cart out again', async () => {
    const { engine, request } = await approvedWithCheckoutFaults([{ status: 409, code: '800060' }]);

    await engine.tick();

    const waiting = await stored(engine, request.id);
    expect(waiting).toMatchObject({
      state: 'executing',
      execution: { deferrals: 1, lastError: { code: '800060' } },
    });
    expect((await engine.store.watches.get(`request:${request.id}`))?.nextRunAt).toBe(
      engine.clock.now() + 5_000,
    );
    await engine.advance(5_000);
    expect(purchaseProgress(await stored(engine, request.id)).orders).toHaveLength(1);
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    const checkouts = calls(log, 'POST', CHECKOUT);
    expect(checkouts.map((r) => r.status)).toEqual([409, 201]);
    expect(new Set(checkouts.map((r) => r.path)).size).toBe(1);
  });

  it('5xx that outlast the client’s retries leave the request executing and waiting; the next run places one order', async () => {
    const { engine, request } = await approvedWithCheckoutFaults([
      { status: 503, code: '800003', probability: 1 },
    ]);

    await engine.tick();
    await engine.advance(5_000);

    expect(await stored(engine, request.id)).toMatchObject({
      state: 'executing',
      execution: { deferrals: 2, lastError: { code: '800003' } },
    });
    expect(engine.notifier.of(request.id)).not.toContain('failed');

    await harness.clearFaults();
    await engine.advance(15_000);

    expect(purchaseProgress(await stored(engine, request.id)).orders).toHaveLength(1);
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(succeeded(calls(log, 'POST', CHECKOUT))).toHaveLength(1);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it.each(['cancelled', 'error'])(
    'an order Partner Center ends %s fails the request with that outcome',
    async (status) => {
      const engine = await instance();
      const request = await approvedRequest(engine, items['Contoso France']);
      await harness.control(`/customers/${request.customerId}/orderOutcomes`, { status });
      await engine.tick();
      await completeOrders(engine);
      expect(await stored(engine, request.id)).toMatchObject({
        state: 'failed',
        error: {
          code: `order-${status}`,
          orderId: purchaseProgress(await stored(engine, request.id)).orders[0].id,
        },
      });
      expect(engine.notifier.of(request.id).at(-1)).toBe('failed');
    },
  );

  it('a failed order poll waits and tries again; it does not fail the purchase', async () => {
    const engine = await instance();
    const request = await approvedRequest(engine, items['Contoso France']);
    await engine.tick();
    await harness.fault({ method: 'GET', path: '/v1/customers/*/orders/*', malformed: true });
    // A malformed answer is a poll that failed: the request waits, it does not fail.
    await engine.advance(FIRST_POLL_MS);
    expect(await stored(engine, request.id)).toMatchObject({
      state: 'executing',
      execution: { lastError: { code: 'schema' } },
    });
    expect((await engine.store.watches.get(`request:${request.id}`))?.nextRunAt).toBe(
      engine.clock.now() + 5_000,
    );
  });

  it('a throttled order poll waits at least the Retry-After before the next poll', async () => {
    const engine = await instance();
    const request = await approvedRequest(engine, items['Contoso France']);
    await engine.tick();
    await harness.fault({
      method: 'GET',
      path: '/v1/customers/*/orders/*',
      status: 429,
      retryAfterSeconds: 57,
    });

    await engine.advance(FIRST_POLL_MS);

    expect((await engine.store.watches.get(`request:${request.id}`))?.nextRunAt).toBe(
      engine.clock.now() + 57_000,
    );
    expect((await stored(engine, request.id)).state).toBe('executing');
  });
});

describe('crashes and restarts', () => {
  /** Runs the request in an instance that dies at `at`; returns the file and the clock to restart with. */
  async function crashAt(at: (point: RunPoint) => boolean, name: string) {
    const sqlitePath = join(dir.path, `${name}.sqlite`);
    const clock = new TestClock();
    const reached = signalWhen<RunPoint>(at);
    const doomed = await instance({
      sqlitePath,
      clock,
      node: 'instance-that-crashes',
      observe: (point) => {
        reached.observe(point);
        return at(point) ? freeze() : undefined;
      },
    });
    const request = await approvedRequest(doomed, items['Contoso France']);
    await harness.clearRequests();
    void doomed.tick();
    await reached.seen;
    doomed.queue.halt();
    return { request, sqlitePath, clock };
  }

  const ran = (step: string) => (p: RunPoint) => p.point === 'step-ran' && p.step === step;
  const recorded = (step: string) => (p: RunPoint) => p.point === 'step-recorded' && p.step === step;

  it('a crash between "cart created" and "cart id stored": the restart sends the same MS-RequestId and gets the same cart; one order', async () => {
    const { request, sqlitePath, clock } = await crashAt(ran('create-cart'), 'crash-before-store');
    expect(calls(await harness.requests(), 'POST', CART_CREATE)).toHaveLength(1);

    const restarted = await instance({ sqlitePath, clock, node: 'restarted' });
    await restarted.advance(LEASE_MS + 1);

    const after = await stored(restarted, request.id);
    expect(purchaseProgress(after).orders).toHaveLength(1);
    const log = await harness.requests();
    const creates = calls(log, 'POST', CART_CREATE);
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map((c) => c.requestId)).size).toBe(1);
    expect(creates[1].replayed).toBe(true);
    expect(await harness.carts(request.customerId)).toHaveLength(1);
    const checkouts = calls(log, 'POST', CHECKOUT);
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0].path.toLowerCase()).toContain(`/carts/${cartIdOf(after)?.toLowerCase()}/checkout`);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('a crash between "cart id stored" and checkout: nobody touches it while the claim lasts; then that cart is checked out, one order', async () => {
    const { request, sqlitePath, clock } = await crashAt(recorded('create-cart'), 'crash-before-checkout');
    const restarted = await instance({ sqlitePath, clock, node: 'restarted' });
    const cartId = cartIdOf(await stored(restarted, request.id));
    expect(cartId).toEqual(expect.any(String));

    await restarted.tick();
    expect(calls(await harness.requests(), 'POST', CHECKOUT)).toEqual([]);
    await restarted.advance(LEASE_MS + 1);

    const after = await stored(restarted, request.id);
    expect(cartIdOf(after)).toBe(cartId);
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT)).toHaveLength(1);
    expect((await listedOrders(request.customerId)).map((o) => o.id)).toEqual(
      purchaseProgress(after).orders.map((o) => o.id),
    );
  });

  it('a crash right after checkout: the restart checks out the same cart again and gets the first order, not a second', async () => {
    const { request, sqlitePath, clock } = await crashAt(ran('checkout'), 'crash-after-checkout');
    const restarted = await instance({ sqlitePath, clock, node: 'restarted' });
    await restarted.advance(LEASE_MS + 1);

    const after = await stored(restarted, request.id);
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(succeeded(calls(log, 'POST', CHECKOUT))).toHaveLength(2);
    const orders = await listedOrders(request.customerId);
    expect(orders.map((o) => o.id)).toEqual(purchaseProgress(after).orders.map((o) => o.id));
  });

  it('a stored cart that expired before the restart (never checked out): fails for a person to check, buys nothing', async () => {
    const { request, sqlitePath, clock } = await crashAt(recorded('create-cart'), 'cart-expired');
    await harness.advanceClock(8 * 24 * 3_600_000);
    const restarted = await instance({ sqlitePath, clock, node: 'restarted' });
    await restarted.advance(8 * 24 * 3_600_000);

    expect(await stored(restarted, request.id)).toMatchObject({
      state: 'failed',
      error: { code: 'cart-not-found', cartId: expect.any(String) },
    });
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(succeeded(calls(log, 'POST', CHECKOUT))).toEqual([]);
  });

  it('a cart gone after its checkout: the restart finds the order in the list and places nothing more', async () => {
    const { request, sqlitePath, clock } = await crashAt(ran('checkout'), 'cart-gone-after-checkout');
    await harness.advanceClock(LIST_LAG_MS + 1);
    await harness.fault({ method: 'POST', path: CHECKOUT_FAULT_PATH, status: 404, code: '800008' });

    const restarted = await instance({ sqlitePath, clock, node: 'restarted' });
    await restarted.advance(LEASE_MS + 1);

    const after = await stored(restarted, request.id);
    const orders = await listedOrders(request.customerId);
    expect(orders).toHaveLength(1);
    expect(purchaseProgress(after).orders.map((o) => o.id)).toEqual(orders.map((o) => o.id));
    expect(succeeded(calls(await harness.requests(), 'POST', CHECKOUT))).toHaveLength(1);
  });

  it('queues again a request that should run but has lost its work item (data from before the runner)', async () => {
    const engine = await instance();
    const request = await approvedRequest(engine, items['Contoso France']);
    await engine.store.watches.delete(`request:${request.id}`);
    await engine.tick();
    expect((await stored(engine, request.id)).state).toBe('approved');

    expect(await engine.service.ensureRunning()).toBe(1);
    await engine.tick();
    expect(purchaseProgress(await stored(engine, request.id)).orders).toHaveLength(1);
    expect(await engine.service.ensureRunning()).toBe(0);
  });

  it('the order polls survive a restart: another process on the same database finishes the purchase', async () => {
    const sqlitePath = join(dir.path, 'poll-restart.sqlite');
    const clock = new TestClock();
    const first = await instance({ sqlitePath, clock, node: 'first' });
    const request = await approvedRequest(first, items['Contoso France']);
    await first.tick();
    await first.advance(FIRST_POLL_MS + 1);
    expect((await stored(first, request.id)).state).toBe('executing');
    await first.queue.close();
    await first.store.close();

    const second = await instance({ sqlitePath, clock, node: 'second' });
    await harness.advanceClock(ORDER_COMPLETION_MS + 1);
    await second.advance(10_001);
    expect(await stored(second, request.id)).toMatchObject({
      state: 'succeeded',
      result: { planSubscriptionId: expect.any(String) },
    });
    expect(second.notifier.of(request.id)).toEqual(['succeeded']);
  });
});
