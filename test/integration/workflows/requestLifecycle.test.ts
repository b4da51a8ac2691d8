import type { PartnerCenterClient } from '../../../src/partnercenter';
import type { SqlStore } from '../../../src/store';
import { PURCHASE_KIND, purchaseKind, type PurchaseItem, type RequestService } from '../../../src/workflows';
import { SimulatorHarness } from '../partnercenter/simulatorHarness';
import { closeEngines, engineInstance, type EngineInstance } from './engineHarness';
import {
  ADELE,
  ALEX,
  azurePlanItem,
  calls,
  CART_CREATE,
  customerNamed,
  ISAIAH,
  MEGAN,
  PAT,
  READER,
  TestClock,
} from './workflowHarness';

/** The request life cycle up to execution: roles, refusals, compare-and-set transitions, expiry. */

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
let item: PurchaseItem;
let engine: EngineInstance;
let store: SqlStore;
let clock: TestClock;
let service: RequestService;

beforeAll(async () => {
  harness = await SimulatorHarness.start({ orderCompletionDelayMs: 1_000 });
  pc = harness.client();
  item = await azurePlanItem(pc, await customerNamed(pc, 'Contoso France'));
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

async function purchaseEngine(policy: Record<string, { approvers?: number; expiryHours?: number }> = {}) {
  return engineInstance({
    kinds: (s) => [purchaseKind({ pc, store: s, firstPollMs: 5_000 })],
    policy: { [PURCHASE_KIND]: { expiryHours: 24 }, ...policy },
  });
}

beforeEach(async () => {
  await harness.reseed();
  engine = await purchaseEngine();
  ({ store, clock, service } = engine);
});

afterEach(closeEngines);

async function newRequest(on: EngineInstance = engine) {
  const created = await on.service.create({
    kind: PURCHASE_KIND,
    caller: MEGAN,
    customerId: item.customerId,
    customerName: item.customerName,
    payload: { item },
    correlationId: 'corr-create',
  });
  if (!created.ok) throw new Error(`create refused: ${created.reason}`);
  return created.request;
}

/** The notices delivered so far for a request. */
async function noticesOf(requestId: string, on: EngineInstance = engine): Promise<string[]> {
  await on.tick();
  return on.notifier.of(requestId);
}

describe('creating a purchase request', () => {
  it('records a requested purchase with its item, expiry and requester, audits it and notifies "created"', async () => {
    const request = await newRequest();
    expect(request).toMatchObject({
      kind: 'purchase',
      state: 'requested',
      customerId: item.customerId,
      customerName: 'Contoso France',
      requesterId: MEGAN.aadObjectId,
      requesterName: 'Megan Bowen',
      expiresAt: clock.now() + 24 * 3_600_000,
      payload: { item },
    });
    expect(await noticesOf(request.id)).toEqual(['created']);
    const audit = await store.audit.list({ requestId: request.id });
    expect(audit.map((a) => [a.action, a.actorId, a.correlationId])).toEqual([
      ['request.create', MEGAN.aadObjectId, 'corr-create'],
    ]);
  });

  it('refuses a caller without the operator role', async () => {
    const refused = await service.create({
      kind: PURCHASE_KIND,
      caller: READER,
      customerId: item.customerId,
      customerName: item.customerName,
      payload: { item },
      correlationId: 'c',
    });
    expect(refused).toEqual({ ok: false, reason: 'forbidden' });
    expect(await store.requests.list()).toEqual([]);
  });

  it('refuses an item that does not say what to buy', async () => {
    const refused = await service.create({
      kind: PURCHASE_KIND,
      caller: MEGAN,
      customerId: item.customerId,
      customerName: item.customerName,
      payload: { item: { ...item, quantity: 0, catalogItemId: '' } },
      correlationId: 'c',
    });
    expect(refused).toMatchObject({
      ok: false,
      reason: 'invalid-payload',
      issues: expect.arrayContaining([
        expect.stringContaining('item.quantity'),
        expect.stringContaining('item.catalogItemId'),
      ]),
    });
    expect(await store.requests.list()).toEqual([]);
  });

  it('approves on creation and starts execution when the policy needs no approver', async () => {
    const noApproval = await purchaseEngine({ [PURCHASE_KIND]: { approvers: 0 } });
    const request = await newRequest(noApproval);
    expect(request.state).toBe('approved');
    expect(request.expiresAt).toBeUndefined();
    await noApproval.tick();
    expect((await noApproval.store.requests.get(request.id))?.state).toBe('executing');
    expect(noApproval.notifier.of(request.id)).toEqual(['created', 'executing', 'progress:order-placed']);
  });
});

describe('approving', () => {
  it('lets an approver approve, records who, and notifies "approved"', async () => {
    const request = await newRequest();
    const approved = await service.approve(request.id, ADELE, 'corr-approve');
    expect(approved).toMatchObject({
      ok: true,
      request: { state: 'approved', approverId: ADELE.aadObjectId, approverName: 'Adele Vance' },
    });
    expect(await noticesOf(request.id)).toEqual([
      'created',
      'approved',
      'executing',
      'progress:order-placed',
    ]);
    const actions = (await store.audit.list({ requestId: request.id })).map((a) => a.action);
    expect(actions).toContain('request.approve');
  });

  it('refuses the requester approving their own request, even when they are an approver', async () => {
    const request = await newRequest();
    const refused = await service.approve(request.id, MEGAN, 'c');
    expect(refused).toMatchObject({ ok: false, reason: 'own-request' });
    expect((await store.requests.get(request.id))?.state).toBe('requested');
  });

  it('refuses a caller who is not an approver', async () => {
    const request = await newRequest();
    expect(await service.approve(request.id, PAT, 'c')).toMatchObject({ ok: false, reason: 'not-approver' });
    expect(await service.approve(request.id, READER, 'c')).toMatchObject({
      ok: false,
      reason: 'not-approver',
    });
    expect((await store.requests.get(request.id))?.state).toBe('requested');
  });

  it('answers not-found for an unknown request', async () => {
    expect(await service.approve('no-such-request', ADELE, 'c')).toEqual({ ok: false, reason: 'not-found' });
  });

  it('lets exactly one of ten concurrent approvals win, and executes once', async () => {
    const request = await newRequest();
    await harness.clearRequests();

    const approvers = [ADELE, ALEX, ISAIAH];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => service.approve(request.id, approvers[i % 3], `c${i}`)),
    );
    await Promise.all([engine.tick(), engine.tick()]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(9).fill('not-pending'));
    const audit = await store.audit.list({ requestId: request.id, limit: 100 });
    expect(audit.filter((a) => a.action === 'request.approve')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'request.claim')).toHaveLength(1);
    expect(calls(await harness.requests(), 'POST', CART_CREATE)).toHaveLength(1);
  });

  it('refuses a request that has passed its expiry, and expires it', async () => {
    const request = await newRequest();
    clock.advance(24 * 3_600_000 + 1);
    const refused = await service.approve(request.id, ADELE, 'c');
    expect(refused).toMatchObject({ ok: false, reason: 'expired', request: { state: 'expired' } });
    expect(await noticesOf(request.id)).toEqual(['created', 'expired']);
  });
});

describe('rejecting', () => {
  it('records the trimmed reason and the approver, and notifies "rejected"', async () => {
    const request = await newRequest();
    const rejected = await service.reject(request.id, ADELE, '  Budget not approved for Q3  ', 'c');
    expect(rejected).toMatchObject({
      ok: true,
      request: { state: 'rejected', reason: 'Budget not approved for Q3', approverId: ADELE.aadObjectId },
    });
    expect(await noticesOf(request.id)).toEqual(['created', 'rejected']);
    const entry = (await store.audit.list({ requestId: request.id })).find(
      (a) => a.action === 'request.reject',
    );
    expect(entry?.details).toMatchObject({ reason: 'Budget not approved for Q3' });
  });

  it('requires a reason of 1 to 500 characters', async () => {
    const request = await newRequest();
    expect(await service.reject(request.id, ADELE, '   ', 'c')).toMatchObject({
      ok: false,
      reason: 'invalid-reason',
    });
    expect(await service.reject(request.id, ADELE, 'x'.repeat(501), 'c')).toMatchObject({
      ok: false,
      reason: 'invalid-reason',
    });
    expect(await service.reject(request.id, ADELE, 'x'.repeat(500), 'c')).toMatchObject({ ok: true });
  });

  it('refuses the same callers as approval: the requester and non-approvers', async () => {
    const request = await newRequest();
    expect(await service.reject(request.id, MEGAN, 'no', 'c')).toMatchObject({
      ok: false,
      reason: 'own-request',
    });
    expect(await service.reject(request.id, PAT, 'no', 'c')).toMatchObject({
      ok: false,
      reason: 'not-approver',
    });
    await service.approve(request.id, ADELE, 'c');
    expect(await service.reject(request.id, ALEX, 'too late', 'c')).toMatchObject({
      ok: false,
      reason: 'not-pending',
    });
  });
});

describe('cancelling', () => {
  it('lets the requester cancel while the request waits', async () => {
    const request = await newRequest();
    expect(await service.cancel(request.id, MEGAN, 'c')).toMatchObject({
      ok: true,
      request: { state: 'cancelled' },
    });
    expect(await noticesOf(request.id)).toEqual(['created', 'cancelled']);
  });

  it('refuses anyone else but an admin', async () => {
    const request = await newRequest();
    expect(await service.cancel(request.id, PAT, 'c')).toMatchObject({ ok: false, reason: 'not-requester' });
    expect(await service.cancel(request.id, ADELE, 'c')).toMatchObject({
      ok: false,
      reason: 'not-requester',
    });
    expect(await service.cancel(request.id, ISAIAH, 'c')).toMatchObject({ ok: true });
  });

  it('refuses once the request is no longer waiting', async () => {
    const request = await newRequest();
    await service.approve(request.id, ADELE, 'c');
    expect(await service.cancel(request.id, MEGAN, 'c')).toMatchObject({
      ok: false,
      reason: 'not-pending',
      request: { state: 'approved' },
    });
  });
});

describe('housekeeping', () => {
  it('expires requests past their expiry and leaves the others', async () => {
    const old = await newRequest();
    clock.advance(23 * 3_600_000);
    const recent = await newRequest();
    clock.advance(2 * 3_600_000);
    const expired = await service.expireStale(clock.now());
    expect(expired.map((r) => r.id)).toEqual([old.id]);
    expect((await store.requests.get(old.id))?.state).toBe('expired');
    expect((await store.requests.get(recent.id))?.state).toBe('requested');
  });

  it('attaches the card location even while the request changes concurrently', async () => {
    const request = await newRequest();
    const [attached] = await Promise.all([
      service.attachCard(request.id, { conversationKey: 'conv-1', activityId: 'activity-1' }),
      service.approve(request.id, ADELE, 'c'),
    ]);
    expect(attached).toBeDefined();
    expect(await store.requests.get(request.id)).toMatchObject({
      state: 'approved',
      conversationKey: 'conv-1',
      activityId: 'activity-1',
    });
  });

  it('lists open requests only', async () => {
    const waiting = await newRequest();
    const rejected = await newRequest();
    await service.reject(rejected.id, ADELE, 'no', 'c');
    const approved = await newRequest();
    await service.approve(approved.id, ADELE, 'c');
    const open = await service.listOpen({ customerId: item.customerId });
    expect(open.map((r) => r.id).sort()).toEqual([waiting.id, approved.id].sort());
  });
});
