import { join } from 'node:path';
import { collect, type PartnerCenterClient } from '../../../src/partnercenter';
import { createStore, type ActionRequest, type SqlStore } from '../../../src/store';
import {
  checkPurchaseReadiness,
  findCustomers,
  LEGACY_AZURE_OFFER_ID,
  OrderWatcher,
  PurchaseExecutor,
  readPurchasePayload,
  RequestService,
  type PurchaseExecutorDeps,
  type CustomerSummary,
  type PurchaseItem,
  type PurchaseResult,
  type PurchaseStep,
} from '../../../src/workflows';
import { SimulatorHarness, type FaultSpec } from '../partnercenter/simulatorHarness';
import { createTempDir, type TempDir } from '../store/testDatabases';
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
  RecordingNotifier,
  ROLES,
  signalWhen,
  succeeded,
  TestClock,
  tokenCalls,
} from './workflowHarness';

/**
 * Purchase execution against the simulator over HTTP, with a real SQLite store: exactly one order
 * per approved request through faults, concurrency and crashes, then the order watcher.
 */

const ORDER_COMPLETION_MS = 1_000;
const LIST_LAG_MS = 15 * 60_000;
const LEASE_MS = 60_000;

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
  dir = createTempDir('workflows-');
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
  dir?.remove();
});

beforeEach(async () => {
  await harness.reseed();
});

interface World {
  store: SqlStore;
  clock: TestClock;
  notifier: RecordingNotifier;
  service: RequestService;
  executor: PurchaseExecutor;
  watcher: OrderWatcher;
  sleeps: number[];
}

let opened: SqlStore[] = [];
afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
  opened = [];
});

async function openStore(sqlitePath = ':memory:', now?: () => number): Promise<SqlStore> {
  const store = await createStore({ sqlitePath, now });
  opened.push(store);
  return store;
}

function executorFor(
  store: SqlStore,
  world: Pick<World, 'clock' | 'notifier' | 'sleeps'>,
  extra: Partial<PurchaseExecutorDeps> = {},
) {
  return new PurchaseExecutor({
    store,
    pc,
    notifier: world.notifier,
    now: world.clock.now,
    sleep: async (ms) => {
      world.sleeps.push(ms);
    },
    executionLeaseMs: LEASE_MS,
    ...extra,
  });
}

async function world(
  options: { sqlitePath?: string; executor?: Partial<PurchaseExecutorDeps> } = {},
): Promise<World> {
  const store = await openStore(options.sqlitePath);
  const base = { clock: new TestClock(), notifier: new RecordingNotifier(), sleeps: [] as number[] };
  const executor = executorFor(store, base, options.executor);
  const service = new RequestService({
    store,
    roles: ROLES,
    approvalRequiredFor: ['purchase'],
    notifier: base.notifier,
    executor,
    now: base.clock.now,
    expiryHours: 24,
  });
  const watcher = new OrderWatcher({
    store,
    pc,
    notifier: base.notifier,
    now: base.clock.now,
    instanceId: 'watcher-1',
  });
  return { ...base, store, service, executor, watcher };
}

/** Requested by Megan, approved by Adele WITHOUT starting execution (the test drives it). */
async function approvedRequest(
  w: Pick<World, 'store' | 'notifier' | 'clock'>,
  item: PurchaseItem,
): Promise<ActionRequest> {
  const service = new RequestService({
    store: w.store,
    roles: ROLES,
    approvalRequiredFor: ['purchase'],
    notifier: w.notifier,
    now: w.clock.now,
    expiryHours: 24,
  });
  const created = await service.createPurchase({ caller: MEGAN, item, correlationId: 'corr-create' });
  if (!created.ok) throw new Error(created.reason);
  const approved = await service.approve(created.request.id, ADELE, 'corr-approve');
  if (!approved.ok) throw new Error(approved.reason);
  return approved.request;
}

/** Contoso France's purchase approved in a fresh world, the request log cleared, these checkout answers armed. */
async function approvedWithCheckoutFaults(
  faults: ReadonlyArray<Omit<FaultSpec, 'method' | 'path'>>,
  options: Parameters<typeof world>[0] = {},
): Promise<{ w: World; request: ActionRequest }> {
  const w = await world(options);
  const request = await approvedRequest(w, items['Contoso France']);
  await harness.clearRequests();
  for (const fault of faults) await harness.fault({ method: 'POST', path: CHECKOUT_FAULT_PATH, ...fault });
  return { w, request };
}

function execution(request: ActionRequest | undefined) {
  if (!request) throw new Error('request missing');
  return readPurchasePayload(request).execution;
}

/** Orders of the customer as Partner Center lists them once the list lag has passed. */
async function listedOrders(customerId: string) {
  await harness.advanceClock(LIST_LAG_MS + 1);
  return collect(pc.orders.list(customerId));
}

/** Lets the simulator complete the order and the watcher's first poll come due. */
async function completeOrders(w: Pick<World, 'clock'>): Promise<void> {
  await harness.advanceClock(ORDER_COMPLETION_MS + 1);
  w.clock.advance(5_001);
}

describe('the happy path', () => {
  it('creates one cart, checks out once, places one order, and succeeds with the plan and its Azure subscription', async () => {
    const w = await world();
    const created = await w.service.createPurchase({
      caller: MEGAN,
      item: items['Contoso France'],
      correlationId: 'corr-create',
    });
    if (!created.ok) throw new Error(created.reason);
    await harness.clearRequests();

    const approved = await w.service.approve(created.request.id, ADELE, 'corr-approve');
    expect(approved.ok).toBe(true);
    await w.executor.drain();

    const placed = await w.store.requests.get(created.request.id);
    expect(placed?.state).toBe('executing');
    expect(execution(placed)).toMatchObject({ phase: 'order-placed', orders: [{ status: 'pending' }] });
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT)).toHaveLength(1);
    expect(w.notifier.of(created.request.id)).toEqual(['created', 'approved', 'executing', 'order-placed']);
    const watches = await w.store.watches.list({ kind: 'order', requestId: created.request.id });
    expect(watches).toHaveLength(1);

    expect(await w.watcher.tick({ correlationId: 'job-1' })).toEqual({ checked: 0, completed: 0 });
    await completeOrders(w);
    expect(await w.watcher.tick({ correlationId: 'job-2' })).toEqual({ checked: 1, completed: 1 });

    const done = await w.store.requests.get(created.request.id);
    expect(done?.state).toBe('succeeded');
    const result = done?.result as PurchaseResult;
    const orderId = execution(placed)?.orders?.[0].id;
    expect(result).toMatchObject({
      orders: [
        { id: orderId, status: 'completed', lineItems: [{ offerId: items['Contoso France'].catalogItemId }] },
      ],
      orderErrors: [],
      partial: false,
      planSubscriptionId: expect.any(String),
      azureSubscriptionIds: [expect.any(String)],
      completedAt: w.clock.now(),
    });
    expect(result.orders[0].lineItems[0].subscriptionId).toBe(result.planSubscriptionId);
    expect(w.notifier.of(created.request.id).at(-1)).toBe('succeeded');
    expect(await w.store.watches.list({ kind: 'order' })).toEqual([]);

    const plan = await pc.subscriptions.get(
      items['Contoso France'].customerId,
      result.planSubscriptionId ?? '',
    );
    expect(plan).toMatchObject({ status: 'active', orderId });
    expect((await listedOrders(items['Contoso France'].customerId)).map((o) => o.id)).toEqual([orderId]);
  });

  it('audits every step with the actor, the correlation id and the MS-RequestId Partner Center saw', async () => {
    const w = await world();
    const request = await approvedRequest(w, items['Contoso France']);
    await harness.clearRequests();
    await w.executor.execute(request.id, { correlationId: 'corr-exec' });
    await completeOrders(w);
    await w.watcher.tick({ correlationId: 'corr-watch' });

    const audit = (await w.store.audit.list({ requestId: request.id, limit: 100 })).reverse();
    expect(audit.map((a) => a.action)).toEqual([
      'request.create',
      'request.approve',
      'purchase.claim',
      'purchase.cart.create',
      'purchase.checkout',
      'purchase.order-placed',
      'purchase.watch',
      'purchase.succeed',
    ]);
    expect(audit.every((a) => a.customerId === request.customerId && a.outcome !== '')).toBe(true);
    const log = apiCalls(await harness.requests());
    const cartCall = calls(log, 'POST', CART_CREATE)[0];
    const checkoutCall = calls(log, 'POST', CHECKOUT)[0];
    const byAction = (action: string) => audit.find((a) => a.action === action);
    expect(byAction('purchase.cart.create')).toMatchObject({
      actorId: 'system:purchase-executor',
      correlationId: 'corr-exec',
      pcRequestId: cartCall.requestId,
    });
    expect(byAction('purchase.checkout')).toMatchObject({
      correlationId: 'corr-exec',
      pcRequestId: checkoutCall.requestId,
    });
    expect(cartCall.correlationId).toBe('corr-exec');
    expect(byAction('purchase.succeed')).toMatchObject({
      actorId: 'system:order-watcher',
      correlationId: 'corr-watch',
    });
  });

  it('counts the Partner Center calls of one purchase, cold and warm catalog', async () => {
    const counts = [];
    const client = harness.client();
    try {
      for (const pass of ['cold', 'warm']) {
        await harness.reseed();
        const w = await world();
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
        const executor = new PurchaseExecutor({
          store: w.store,
          pc: client,
          notifier: w.notifier,
          now: w.clock.now,
        });
        const request = await approvedRequest(w, item ?? items['Contoso France']);
        await phase('execution', () => executor.execute(request.id, { correlationId: 'c' }));
        await completeOrders(w);
        const watcher = new OrderWatcher({
          store: w.store,
          pc: client,
          notifier: w.notifier,
          now: w.clock.now,
          instanceId: 'w',
        });
        await phase('watcher', () => watcher.tick({ correlationId: 'c' }));
        expect((await w.store.requests.get(request.id))?.state).toBe('succeeded');
        const total = Object.values(phases).reduce((a, b) => a + b, 0);
        counts.push({ pass, ...phases, total, tokens: tokenCalls(await harness.requests()).length });
      }
    } finally {
      await client.close();
    }
    // lookup: customers search; readiness: subscriptions + agreements (App+User); catalog:
    // products + skus + availabilities; execution: availability (fresh) + cart + checkout;
    // watcher: order by id + subscriptions?order_id + azureEntitlements.
    expect(counts).toEqual([
      { pass: 'cold', lookup: 1, readiness: 2, catalog: 3, execution: 3, watcher: 3, total: 12, tokens: 2 },
      { pass: 'warm', lookup: 1, readiness: 2, catalog: 0, execution: 3, watcher: 3, total: 9, tokens: 0 },
    ]);
  });
});

describe('concurrency', () => {
  it('ten concurrent executions on two instances create one cart and check out once', async () => {
    const sqlitePath = join(dir.path, 'concurrent.sqlite');
    const storeA = await openStore(sqlitePath);
    const storeB = await openStore(sqlitePath);
    const base = { clock: new TestClock(), notifier: new RecordingNotifier(), sleeps: [] as number[] };
    const request = await approvedRequest({ ...base, store: storeA }, items['Contoso France']);
    const a = executorFor(storeA, base, { instanceId: 'a' });
    const b = executorFor(storeB, base, { instanceId: 'b' });
    await harness.clearRequests();

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).execute(request.id, { correlationId: `c${i}` })),
    );

    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT)).toHaveLength(1);
    const audit = await storeA.audit.list({ requestId: request.id, limit: 100 });
    expect(audit.filter((e) => e.action === 'purchase.claim')).toHaveLength(1);
    expect(results.some((r) => execution(r)?.phase === 'order-placed')).toBe(true);
    expect(execution(await storeB.requests.get(request.id))?.phase).toBe('order-placed');
  });
});

describe('Partner Center refusals and faults', () => {
  it('400019 at checkout: reads the availability again, updates the cart, checks out once more, one order', async () => {
    const { w, request } = await approvedWithCheckoutFaults([
      { status: 404, code: '400019', description: 'Availability not found' },
    ]);

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(execution(after)).toMatchObject({ phase: 'order-placed', availabilityRefreshed: true });
    const log = await harness.requests();
    expect(calls(log, 'POST', CHECKOUT).map((r) => r.status)).toEqual([404, 201]);
    expect(calls(log, 'PUT', CART_ONE)).toHaveLength(1);
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'GET', /\/availabilities\//)).toHaveLength(2);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('400019 twice: fails with 400019 after the one retry', async () => {
    const { w, request } = await approvedWithCheckoutFaults([{ status: 404, code: '400019', times: 2 }]);

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(after).toMatchObject({ state: 'failed', error: { code: '400019' } });
    expect(calls(await harness.requests(), 'POST', CHECKOUT)).toHaveLength(2);
  });

  it('13605 (no Microsoft Customer Agreement): fails with the code and a reason, places no order', async () => {
    const w = await world();
    const request = await approvedRequest(w, items['Woodgrove Bank']);
    await harness.clearRequests();

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(after).toMatchObject({
      state: 'failed',
      error: {
        code: '13605',
        message: expect.stringMatching(/Microsoft Customer Agreement/),
        pcRequestId: expect.any(String),
      },
    });
    expect(calls(await harness.requests(), 'POST', CHECKOUT).map((r) => r.status)).toEqual([403]);
    expect(w.notifier.of(request.id).at(-1)).toBe('failed');
    expect(await w.store.watches.list()).toEqual([]);
    expect(await listedOrders(request.customerId)).toEqual([]);
    const failure = (await w.store.audit.list({ requestId: request.id })).find(
      (a) => a.action === 'purchase.fail',
    );
    expect(failure).toMatchObject({ outcome: 'failed', details: { code: '13605' } });
  });

  it('a second Azure plan: checkout answers only orderErrors, the request fails with that code', async () => {
    const w = await world();
    const request = await approvedRequest(w, items['Fabrikam Inc']);

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(after).toMatchObject({
      state: 'failed',
      error: { code: '800066', orderErrors: [{ code: '800066' }] },
    });
  });

  it('800009: a cart line Partner Center refuses fails the request with the line errors of the cart, before checkout', async () => {
    const w = await world();
    const base = items['Contoso France'];
    const [legacy] = await pc.catalog
      .listProducts('FR', { targetView: 'MicrosoftAzure', customerId: base.customerId })
      .then((products) => products.filter((p) => p.id !== base.productId && p.title === 'Microsoft Azure'));
    const [availability] = await pc.catalog.listAvailabilities('FR', legacy.id, LEGACY_AZURE_OFFER_ID, {
      customerId: base.customerId,
    });
    const request = await approvedRequest(w, {
      ...base,
      productId: legacy.id,
      skuId: LEGACY_AZURE_OFFER_ID,
      availabilityId: availability.id,
      catalogItemId: availability.catalogItemId,
      billingCycle: 'monthly',
    });
    await harness.clearRequests();

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(after).toMatchObject({
      state: 'failed',
      error: {
        code: '800009',
        lineErrors: [{ catalogItemId: LEGACY_AZURE_OFFER_ID, errorCode: 'unable_to_process_cart_line_item' }],
      },
    });
    expect(calls(await harness.requests(), 'POST', CHECKOUT)).toEqual([]);
  });

  it('800009 at checkout: reads the cart for its line errors and fails', async () => {
    const { w, request } = await approvedWithCheckoutFaults([
      { status: 400, code: '800009', description: 'Error in Cart item(s)' },
    ]);

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(after).toMatchObject({
      state: 'failed',
      error: { code: '800009', lineErrors: [], cartId: expect.any(String) },
    });
    expect(calls(await harness.requests(), 'GET', CART_ONE)).toHaveLength(1);
  });

  it('checkout answered 429, then 500, then success: the client retries and one order is placed', async () => {
    const { w, request } = await approvedWithCheckoutFaults([
      { status: 429, retryAfterSeconds: 0 },
      { status: 500, code: '800003' },
    ]);

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(execution(after)?.phase).toBe('order-placed');
    const checkouts = calls(await harness.requests(), 'POST', CHECKOUT);
    // Three requests logged, one reached the operation (faults answer without performing it).
    expect(checkouts.map((r) => r.status)).toEqual([429, 500, 201]);
    expect(succeeded(checkouts)).toHaveLength(1);
    expect(new Set(checkouts.map((r) => r.requestId)).size).toBe(1);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('800060 (order in progress): waits, reads the cart back, checks the same cart out again', async () => {
    const { w, request } = await approvedWithCheckoutFaults([{ status: 409, code: '800060' }]);

    const after = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(execution(after)).toMatchObject({ phase: 'order-placed', deferrals: 1 });
    expect(w.sleeps).toEqual([5_000]);
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'GET', CART_ONE)).toHaveLength(1);
    const checkouts = calls(log, 'POST', CHECKOUT);
    expect(checkouts.map((r) => r.status)).toEqual([409, 201]);
    expect(new Set(checkouts.map((r) => r.path)).size).toBe(1);
  });

  it('5xx that outlast the retries leave the request executing and resumable; the resume places one order', async () => {
    const { w, request } = await approvedWithCheckoutFaults(
      [{ status: 503, code: '800003', probability: 1 }],
      {
        executor: { maxRounds: 2 },
      },
    );

    const stuck = await w.executor.execute(request.id, { correlationId: 'c' });

    expect(stuck.state).toBe('executing');
    expect(execution(stuck)).toMatchObject({
      phase: 'cart-created',
      deferrals: 2,
      lastError: { code: '800003' },
    });
    expect(w.notifier.of(request.id)).not.toContain('failed');

    await harness.clearFaults();
    expect(await w.executor.resumeInterrupted({ correlationId: 'startup' })).toBe(1);

    expect(execution(await w.store.requests.get(request.id))?.phase).toBe('order-placed');
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(succeeded(calls(log, 'POST', CHECKOUT))).toHaveLength(1);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('a failed order poll backs off (5 s doubled) and does not fail the purchase', async () => {
    const w = await world();
    const request = await approvedRequest(w, items['Contoso France']);
    await w.executor.execute(request.id, { correlationId: 'c' });
    w.clock.advance(5_001);
    await harness.fault({ method: 'GET', path: '/v1/customers/*/orders/*', malformed: true });
    // A malformed answer is a poll that failed: the watcher backs off, it does not fail the purchase.
    expect(await w.watcher.tick({ correlationId: 'c' })).toEqual({ checked: 1, completed: 0 });
    expect((await w.store.requests.get(request.id))?.state).toBe('executing');
    const [watch] = await w.store.watches.list({ kind: 'order' });
    expect(watch.nextRunAt).toBe(w.clock.now() + 10_000);
  });
  it('a throttled order poll waits at least the Retry-After before the next poll', async () => {
    const w = await world();
    const request = await approvedRequest(w, items['Contoso France']);
    await w.executor.execute(request.id, { correlationId: 'c' });
    w.clock.advance(5_001);
    await harness.fault({
      method: 'GET',
      path: '/v1/customers/*/orders/*',
      status: 429,
      retryAfterSeconds: 57,
    });

    expect(await w.watcher.tick({ correlationId: 'c' })).toEqual({ checked: 1, completed: 0 });

    const [watch] = await w.store.watches.list({ kind: 'order' });
    expect(watch.nextRunAt).toBe(w.clock.now() + 57_000);
    expect((await w.store.requests.get(request.id))?.state).toBe('executing');
  });
});

describe('crashes and restarts', () => {
  async function crashAt(step: PurchaseStep, sqlitePath: string) {
    const store = await openStore(sqlitePath);
    const base = { clock: new TestClock(), notifier: new RecordingNotifier(), sleeps: [] as number[] };
    const request = await approvedRequest({ ...base, store }, items['Contoso France']);
    const reached = signalWhen<PurchaseStep>((s) => s === step);
    const doomed = executorFor(store, base, {
      instanceId: 'instance-that-crashes',
      onStep: (s) => {
        reached.observe(s);
        return s === step ? freeze() : undefined;
      },
    });
    void doomed.execute(request.id, { correlationId: 'c' });
    await reached.seen;
    await store.close();
    return { request, base };
  }

  it('a crash between "cart created" and "cart id persisted": the orphan cart is never checked out, one order', async () => {
    const sqlitePath = join(dir.path, 'crash-before-persist.sqlite');
    await harness.clearRequests();
    const { request, base } = await crashAt('cart-created', sqlitePath);
    expect(calls(await harness.requests(), 'POST', CART_CREATE)).toHaveLength(1);

    const restartedStore = await openStore(sqlitePath, () => Date.now() + LEASE_MS + 1);
    const restarted = executorFor(restartedStore, base, { instanceId: 'restarted' });
    expect(await restarted.resumeInterrupted({ correlationId: 'startup' })).toBe(1);

    const after = execution(await restartedStore.requests.get(request.id));
    expect(after?.phase).toBe('order-placed');
    const log = await harness.requests();
    // Two carts exist (the orphan and the persisted one); only the persisted one is checked out.
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(2);
    const checkouts = calls(log, 'POST', CHECKOUT);
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0].path.toLowerCase()).toContain(`/carts/${after?.cartId?.toLowerCase()}/checkout`);
    expect(await listedOrders(request.customerId)).toHaveLength(1);
  });

  it('a crash between "cart id persisted" and checkout: the restarted instance checks out that cart, one order', async () => {
    const sqlitePath = join(dir.path, 'crash-before-checkout.sqlite');
    await harness.clearRequests();
    const { request, base } = await crashAt('cart-persisted', sqlitePath);
    const persisted = execution(await (await openStore(sqlitePath)).requests.get(request.id));
    expect(persisted).toMatchObject({ phase: 'cart-created', cartId: expect.any(String) });

    // While the crashed run's lease lasts, another instance keeps its hands off.
    const early = executorFor(await openStore(sqlitePath), base, { instanceId: 'early' });
    expect(await early.resumeInterrupted({ correlationId: 'startup-1' })).toBe(0);

    const restartedStore = await openStore(sqlitePath, () => Date.now() + LEASE_MS + 1);
    const restarted = executorFor(restartedStore, base, { instanceId: 'restarted' });
    expect(await restarted.resumeInterrupted({ correlationId: 'startup-2' })).toBe(1);

    const after = execution(await restartedStore.requests.get(request.id));
    expect(after).toMatchObject({ phase: 'order-placed', cartId: persisted?.cartId });
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'GET', CART_ONE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT)).toHaveLength(1);
    expect((await listedOrders(request.customerId)).map((o) => o.id)).toEqual(
      after?.orders?.map((o) => o.id),
    );
  });

  it('a crash right after checkout: the resume re-checks out the same cart and gets the first order, not a second', async () => {
    const sqlitePath = join(dir.path, 'crash-after-checkout.sqlite');
    await harness.clearRequests();
    const { request, base } = await crashAt('checked-out', sqlitePath);

    const restartedStore = await openStore(sqlitePath, () => Date.now() + LEASE_MS + 1);
    const restarted = executorFor(restartedStore, base, { instanceId: 'restarted' });
    expect(await restarted.resumeInterrupted({ correlationId: 'startup' })).toBe(1);

    const after = execution(await restartedStore.requests.get(request.id));
    expect(after?.phase).toBe('order-placed');
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(succeeded(calls(log, 'POST', CHECKOUT))).toHaveLength(2);
    const orders = await listedOrders(request.customerId);
    expect(orders.map((o) => o.id)).toEqual(after?.orders?.map((o) => o.id));
  });

  it('a persisted cart that expired before the resume (never checked out): fails for a human to check, buys nothing', async () => {
    const sqlitePath = join(dir.path, 'cart-expired.sqlite');
    await harness.clearRequests();
    const { request, base } = await crashAt('cart-persisted', sqlitePath);
    await harness.advanceClock(8 * 24 * 3_600_000);
    base.clock.advance(8 * 24 * 3_600_000);

    const restartedStore = await openStore(sqlitePath, () => Date.now() + LEASE_MS + 1);
    const restarted = executorFor(restartedStore, base, { instanceId: 'restarted' });
    expect(await restarted.resumeInterrupted({ correlationId: 'startup' })).toBe(1);

    expect(await restartedStore.requests.get(request.id)).toMatchObject({
      state: 'failed',
      error: { code: 'cart-not-found', cartId: expect.any(String) },
    });
    const log = await harness.requests();
    expect(calls(log, 'POST', CART_CREATE)).toHaveLength(1);
    expect(calls(log, 'POST', CHECKOUT)).toEqual([]);
  });

  it('a cart gone after its checkout: the resume finds the order in the list and checks out nothing', async () => {
    const sqlitePath = join(dir.path, 'cart-gone-after-checkout.sqlite');
    await harness.clearRequests();
    const { request, base } = await crashAt('checked-out', sqlitePath);
    await harness.advanceClock(LIST_LAG_MS + 1);
    await harness.fault({ method: 'GET', path: '/v1/customers/*/carts/*', status: 404, code: '800008' });

    const restartedStore = await openStore(sqlitePath, () => Date.now() + LEASE_MS + 1);
    const restarted = executorFor(restartedStore, base, { instanceId: 'restarted' });
    expect(await restarted.resumeInterrupted({ correlationId: 'startup' })).toBe(1);

    const after = execution(await restartedStore.requests.get(request.id));
    expect(after?.phase).toBe('order-placed');
    const orders = await listedOrders(request.customerId);
    expect(orders).toHaveLength(1);
    expect(after?.orders?.map((o) => o.id)).toEqual(orders.map((o) => o.id));
    expect(calls(await harness.requests(), 'POST', CHECKOUT)).toHaveLength(1);
  });

  it('resumes a request left approved (crash before the claim)', async () => {
    const w = await world();
    const request = await approvedRequest(w, items['Contoso France']);
    expect(await w.executor.resumeInterrupted({ correlationId: 'startup' })).toBe(1);
    expect(execution(await w.store.requests.get(request.id))?.phase).toBe('order-placed');
    expect(await w.executor.resumeInterrupted({ correlationId: 'again' })).toBe(0);
  });

  it('watches survive a restart: a new OrderWatcher on a new connection finishes the purchase', async () => {
    const sqlitePath = join(dir.path, 'watch-restart.sqlite');
    const first = await world({ sqlitePath });
    const request = await approvedRequest(first, items['Contoso France']);
    await first.executor.execute(request.id, { correlationId: 'c' });
    first.clock.advance(5_001);
    expect(await first.watcher.tick({ correlationId: 'c' })).toEqual({ checked: 1, completed: 0 });
    await first.store.close();

    const store = await openStore(sqlitePath);
    const notifier = new RecordingNotifier();
    await harness.advanceClock(ORDER_COMPLETION_MS + 1);
    first.clock.advance(10_001);
    const watcher = new OrderWatcher({ store, pc, notifier, now: first.clock.now, instanceId: 'watcher-2' });
    expect(await watcher.tick({ correlationId: 'c' })).toEqual({ checked: 1, completed: 1 });
    expect(await store.requests.get(request.id)).toMatchObject({
      state: 'succeeded',
      result: { planSubscriptionId: expect.any(String) },
    });
    expect(notifier.of(request.id)).toEqual(['succeeded']);
  });
});
