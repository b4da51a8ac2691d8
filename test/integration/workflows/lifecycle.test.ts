import { join } from 'node:path';
import type { PartnerCenterClient } from '../../../src/partnercenter';
import type { ActionRequest, SqlStore } from '../../../src/store';
import {
  customerPlans,
  reactivateKind,
  REACTIVATE_KIND,
  suspendKind,
  SUSPEND_KIND,
  suspensionPreflight,
  upgradeEligibility,
  upgradeKind,
  UPGRADE_KIND,
  type RunPoint,
} from '../../../src/workflows';
import { SimulatorHarness } from '../partnercenter/simulatorHarness';
import { createTempDir, type TempDir } from '../store/testDatabases';
import { closeEngines, engineInstance, type EngineInstance, type EngineOptions } from './engineHarness';
import { ADELE, apiCalls, MEGAN, PAT, TestClock } from './workflowHarness';

/**
 * Suspension (with its preflight), reactivation and the 0145P → Azure plan upgrade as request kinds,
 * against the simulator over HTTP and a real SQLite store, through the request engine.
 */

const SUSPENSION_DELAY_MS = 30_000;
const UPGRADE_DELAY_MS = 60_000;
const FIRST_STATUS_POLL_MS = 10_000;

let sim: SimulatorHarness;
let pc: PartnerCenterClient;
let dir: TempDir;

beforeAll(async () => {
  sim = await SimulatorHarness.start();
  pc = sim.client();
  dir = createTempDir('lifecycle-');
});

afterAll(async () => {
  await pc?.close();
  await sim?.close();
  dir?.remove();
});

beforeEach(async () => {
  await sim.reseed();
  await sim.configure({
    planSuspensionAnswer: 'ok',
    planSuspensionDelayMs: SUSPENSION_DELAY_MS,
    planReactivationAnswer: 'ok',
    planReactivationDelayMs: 0,
    upgradeCompletionDelayMs: UPGRADE_DELAY_MS,
    appUserMfa: true,
  });
});

afterEach(closeEngines);

function lifecycle(options: Partial<EngineOptions> = {}): Promise<EngineInstance> {
  const timing = { firstPollMs: FIRST_STATUS_POLL_MS, maxPollMs: 60_000, deadlineMs: 30 * 60_000 };
  return engineInstance({
    retryDelaysMs: [5_000, 15_000],
    ...options,
    kinds: (_store: SqlStore) => [
      suspendKind({ pc, timing }),
      reactivateKind({ pc, timing }),
      upgradeKind({ pc, firstPollMs: FIRST_STATUS_POLL_MS, maxPollMs: 60_000 }),
    ],
  });
}

async function customerId(name: string): Promise<string> {
  return (await sim.customer(name)).id;
}

async function planOf(name: string): Promise<{ customerId: string; id: string; name: string }> {
  const id = await customerId(name);
  const { plans } = await customerPlans(pc, id, { correlationId: 'test' });
  if (!plans[0]) throw new Error(`${name} has no Azure plan`);
  return { customerId: id, id: plans[0].id, name: plans[0].name };
}

/** Requested by Megan, approved by Adele: due to run. */
async function approved(
  engine: EngineInstance,
  kind: string,
  customer: string,
  payload: Record<string, unknown>,
) {
  const created = await engine.service.create({
    kind,
    caller: MEGAN,
    customerId: await customerId(customer),
    customerName: customer,
    payload,
    correlationId: 'c',
  });
  if (!created.ok) throw new Error(created.reason);
  const decided = await engine.service.approve(created.request.id, ADELE, 'c');
  if (!decided.ok) throw new Error(decided.reason);
  return decided.request;
}

async function planRequest(engine: EngineInstance, kind: string, customer: string): Promise<ActionRequest> {
  const plan = await planOf(customer);
  return approved(engine, kind, customer, {
    customerId: plan.customerId,
    customerName: customer,
    planSubscriptionId: plan.id,
    planName: plan.name,
  });
}

async function stored(engine: EngineInstance, id: string): Promise<ActionRequest> {
  const request = await engine.store.requests.get(id);
  if (!request) throw new Error('missing request');
  return request;
}

/** Moves both clocks: the simulator's (the status flips) and the engine's (the next poll is due). */
async function pass(engine: EngineInstance, ms: number): Promise<void> {
  await sim.advanceClock(ms);
  await engine.advance(ms);
}

describe('plans and the suspension preflight', () => {
  it('lists each Azure plan with its Azure subscriptions, and legacy 0145P subscriptions apart', async () => {
    const fabrikam = await customerPlans(pc, await customerId('Fabrikam Inc'), { correlationId: 'c' });
    expect(fabrikam.plans).toHaveLength(1);
    expect(fabrikam.plans[0]).toMatchObject({
      status: 'active',
      offerId: expect.stringMatching(/^DZH318Z0BPS6:/),
    });
    expect(fabrikam.plans[0].azureSubscriptions?.some((s) => s.status === 'active')).toBe(true);
    expect(fabrikam.legacy).toEqual([]);
    const wingtip = await customerPlans(pc, await customerId('Wingtip Toys'), { correlationId: 'c' });
    expect(wingtip.plans).toEqual([]);
    expect(wingtip.legacy).toEqual([expect.objectContaining({ status: 'active' })]);
    const tailspin = await customerPlans(pc, await customerId('Tailspin Toys'), { correlationId: 'c' });
    expect(tailspin.plans[0].status).toBe('suspended');
  });

  it.each([
    ['Fabrikam Inc', 'azure-subscriptions', 'azure-subscription'],
    ['Adventure Works', 'reservations', 'reservation'],
    ['Lakeshore Retail', 'savings-plans', 'savings-plan'],
  ])('%s: blocked by %s, each blocker named', async (customer, check, type) => {
    const plan = await planOf(customer);
    const preflight = await suspensionPreflight(pc, plan.customerId, plan.id, { correlationId: 'c' });
    expect(preflight.clear).toBe(false);
    const blocked = preflight.checks.find((c) => c.name === check);
    expect(blocked?.result).toBe('blocked');
    expect(blocked?.blockers.length).toBeGreaterThan(0);
    expect(blocked?.blockers.every((b) => b.type === type && typeof b.id === 'string' && b.name)).toBe(true);
    expect(preflight.checks.filter((c) => c.name !== check).every((c) => c.result === 'clear')).toBe(true);
  });

  it('Northwind Traders: all four checks clear, with the savings plans read by the partner user (App+User)', async () => {
    const plan = await planOf('Northwind Traders');
    await sim.clearRequests();
    const preflight = await suspensionPreflight(pc, plan.customerId, plan.id, { correlationId: 'c' });
    expect(preflight).toMatchObject({ clear: true, blockers: [], mfaRequired: false });
    expect(preflight.checks.map((c) => [c.name, c.result])).toEqual([
      ['azure-subscriptions', 'clear'],
      ['reservations', 'clear'],
      ['savings-plans', 'clear'],
      ['pending-orders', 'clear'],
    ]);
    const log = apiCalls(await sim.requests());
    const listed = log.filter((r) => r.method === 'GET' && /\/subscriptions$/i.test(r.path));
    expect(listed.map((r) => r.tokenKind)).toEqual(['app+user']);
  });

  it('a partner user without MFA: the App+User checks are unknown, never clear, and Partner Center is asked once each (no retry of 900421)', async () => {
    await sim.configure({ appUserMfa: false });
    const plan = await planOf('Northwind Traders');
    await sim.clearRequests();
    const preflight = await suspensionPreflight(pc, plan.customerId, plan.id, { correlationId: 'c' });
    expect(preflight).toMatchObject({ clear: false, mfaRequired: true });
    expect(preflight.checks.find((c) => c.name === 'reservations')).toMatchObject({
      result: 'unknown',
      error: { code: '900421' },
    });
    const refused = apiCalls(await sim.requests()).filter((r) => r.status === 401);
    expect(refused).toHaveLength(2); // reservations and savings plans, each once
  });
});

describe('suspending an Azure plan', () => {
  it('Northwind Traders: preflight, PATCH (200), then the status read back until it shows suspended', async () => {
    const engine = await lifecycle();
    const request = await planRequest(engine, SUSPEND_KIND, 'Northwind Traders');
    await engine.tick();
    const sent = await stored(engine, request.id);
    expect(sent.state).toBe('executing');
    expect(sent.execution?.checkpoints.suspend?.data).toMatchObject({ answer: 'ok' });
    expect(engine.notifier.of(request.id)).toEqual([
      'created',
      'approved',
      'executing',
      'progress:status-sent',
    ]);

    await pass(engine, SUSPENSION_DELAY_MS + 1);
    const done = await stored(engine, request.id);
    expect(done).toMatchObject({ state: 'succeeded', result: { status: 'suspended' } });
    const plan = await planOf('Northwind Traders');
    expect((await pc.subscriptions.get(plan.customerId, plan.id)).status).toBe('suspended');
    expect(engine.notifier.of(request.id).at(-1)).toBe('succeeded');
  });

  it('a 202 answer: the request stays executing until the status flips, several polls later', async () => {
    await sim.configure({ planSuspensionAnswer: 'accepted', planSuspensionDelayMs: 5 * 60_000 });
    const engine = await lifecycle();
    const request = await planRequest(engine, SUSPEND_KIND, 'Northwind Traders');
    await engine.tick();
    expect((await stored(engine, request.id)).execution?.checkpoints.suspend?.data).toMatchObject({
      answer: 'accepted',
    });
    const polls: string[] = [];
    for (let i = 0; i < 8 && (await stored(engine, request.id)).state === 'executing'; i++) {
      await pass(engine, 60_000);
      polls.push((await stored(engine, request.id)).state);
    }
    expect(polls.filter((s) => s === 'executing').length).toBeGreaterThanOrEqual(3);
    expect(await stored(engine, request.id)).toMatchObject({
      state: 'succeeded',
      result: { answer: 'accepted' },
    });
    const planId = (await planOf('Northwind Traders')).id.toLowerCase();
    const reads = apiCalls(await sim.requests()).filter(
      (r) => r.method === 'GET' && r.path.toLowerCase().endsWith(`/subscriptions/${planId}`),
    );
    expect(reads.length).toBeGreaterThan(2);
  });

  it('fails for a person to check when the status never shows within the deadline (no silent success)', async () => {
    await sim.configure({ planSuspensionDelayMs: 24 * 3_600_000 });
    const engine = await lifecycle();
    const request = await planRequest(engine, SUSPEND_KIND, 'Northwind Traders');
    await engine.tick();
    for (let i = 0; i < 40 && (await stored(engine, request.id)).state === 'executing'; i++)
      await pass(engine, 60_000);
    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: { code: 'status-not-confirmed', status: 'active' },
    });
  });

  it('Fabrikam Inc: the active Azure subscription is refused by Partner Center itself (900115) and shown as the blocker; nothing is read twice', async () => {
    const engine = await lifecycle();
    const request = await planRequest(engine, SUSPEND_KIND, 'Fabrikam Inc');
    await sim.clearRequests();
    await engine.tick();
    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: {
        code: '900115',
        blockers: expect.arrayContaining([expect.objectContaining({ type: 'azure-subscription' })]),
      },
    });
    const calls = apiCalls(await sim.requests());
    // The preflight at execution leaves this check to Partner Center: the Azure subscriptions are
    // read once, after the refusal, to name them.
    expect(calls.filter((r) => r.path.endsWith('/azureEntitlements'))).toHaveLength(1);
    expect(calls.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([403]);
    const { plans } = await customerPlans(pc, await customerId('Fabrikam Inc'), { correlationId: 'test' });
    expect(plans[0].status).toBe('active');
  });

  it.each([
    ['Adventure Works', 'reservation'],
    ['Lakeshore Retail', 'savings-plan'],
  ])('%s: fails at the preflight with the %s that blocks it, and sends nothing', async (customer, type) => {
    const engine = await lifecycle();
    const request = await planRequest(engine, SUSPEND_KIND, customer);
    await sim.clearRequests();
    await engine.tick();
    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: {
        code: 'preflight-blocked',
        blockers: expect.arrayContaining([expect.objectContaining({ type })]),
      },
    });
    expect(apiCalls(await sim.requests()).filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('the 900115 race: an Azure subscription activated after the preflight is shown as the blocker, not as a crash', async () => {
    const plan = await planOf('Northwind Traders');
    const engine = await lifecycle({
      observe: async (point: RunPoint) => {
        if (point.point === 'step-recorded' && point.step === 'preflight') {
          await sim.control(`/customers/${plan.customerId}/subscriptions/${plan.id}/azureEntitlements`, {
            friendlyName: 'Late subscription',
          });
        }
      },
    });
    const request = await planRequest(engine, SUSPEND_KIND, 'Northwind Traders');
    await engine.tick();
    expect(await stored(engine, request.id)).toMatchObject({
      state: 'failed',
      error: { code: '900115', blockers: [{ type: 'azure-subscription', name: 'Late subscription' }] },
    });
  });

  it('a stale etag (2055): reads the plan again and sends once more', async () => {
    const engine = await lifecycle();
    const request = await planRequest(engine, SUSPEND_KIND, 'Northwind Traders');
    await sim.fault({
      method: 'PATCH',
      path: '/v1/customers/*/subscriptions/*',
      status: 400,
      code: '2055',
      times: 1,
    });
    await sim.clearRequests();
    await engine.tick();
    const patches = apiCalls(await sim.requests()).filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.status)).toEqual([400, 200]);
    await pass(engine, SUSPENSION_DELAY_MS + 1);
    expect((await stored(engine, request.id)).state).toBe('succeeded');
  });

  it('without MFA on the partner user: fails with 900421, never retried', async () => {
    await sim.configure({ appUserMfa: false });
    const engine = await lifecycle();
    const request = await planRequest(engine, SUSPEND_KIND, 'Northwind Traders');
    await engine.tick();
    expect(await stored(engine, request.id)).toMatchObject({ state: 'failed', error: { code: '900421' } });
  });

  it('refuses the requester approving their own suspension and a non-approver', async () => {
    const engine = await lifecycle();
    const plan = await planOf('Northwind Traders');
    const created = await engine.service.create({
      kind: SUSPEND_KIND,
      caller: MEGAN,
      customerId: plan.customerId,
      customerName: 'Northwind Traders',
      payload: {
        customerId: plan.customerId,
        customerName: 'Northwind Traders',
        planSubscriptionId: plan.id,
        planName: plan.name,
      },
      correlationId: 'c',
    });
    if (!created.ok) throw new Error(created.reason);
    expect(await engine.service.approve(created.request.id, MEGAN, 'c')).toMatchObject({
      ok: false,
      reason: 'own-request',
    });
    expect(await engine.service.approve(created.request.id, PAT, 'c')).toMatchObject({
      ok: false,
      reason: 'not-approver',
    });
  });
});

describe('reactivating an Azure plan', () => {
  it('Tailspin Toys: PATCH to active, confirmed, succeeded', async () => {
    const engine = await lifecycle();
    const request = await planRequest(engine, REACTIVATE_KIND, 'Tailspin Toys');
    await engine.tick();
    await pass(engine, FIRST_STATUS_POLL_MS);
    expect(await stored(engine, request.id)).toMatchObject({
      state: 'succeeded',
      result: { status: 'active' },
    });
    const plan = await planOf('Tailspin Toys');
    expect((await pc.subscriptions.get(plan.customerId, plan.id)).status).toBe('active');
  });
});

describe('upgrading from MS-AZR-0145P to an Azure plan', () => {
  async function upgradeRequest(engine: EngineInstance, customer: string) {
    const id = await customerId(customer);
    const legacy = (await customerPlans(pc, id, { correlationId: 'c' })).legacy[0];
    return approved(engine, UPGRADE_KIND, customer, {
      customerId: id,
      customerName: customer,
      legacySubscriptionId: legacy.id,
    });
  }

  it('Wingtip Toys: eligible, created (202 + Location), followed to Completed with its line items', async () => {
    expect(await upgradeEligibility(pc, await customerId('Wingtip Toys'), { correlationId: 'c' })).toEqual({
      state: 'eligible',
    });
    const engine = await lifecycle();
    const request = await upgradeRequest(engine, 'Wingtip Toys');
    await engine.tick();
    expect(engine.notifier.of(request.id)).toContain('progress:upgrade-started');
    await pass(engine, UPGRADE_DELAY_MS + FIRST_STATUS_POLL_MS);
    for (let i = 0; i < 5 && (await stored(engine, request.id)).state === 'executing'; i++)
      await pass(engine, 60_000);
    const done = await stored(engine, request.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      result: {
        status: 'Completed',
        lineItems: [
          expect.objectContaining({ sourceProduct: expect.any(String), targetProduct: expect.any(String) }),
        ],
      },
    });
    const after = await customerPlans(pc, await customerId('Wingtip Toys'), { correlationId: 'c' });
    expect(after.plans).toHaveLength(1);
  });

  it('Litware: not eligible, with the reason Partner Center gives', async () => {
    const eligibility = await upgradeEligibility(pc, await customerId('Litware'), { correlationId: 'c' });
    expect(eligibility).toMatchObject({ state: 'not-eligible', code: expect.any(String) });
  });

  it('an upgrade already in progress (900109): the request follows that upgrade instead of starting one', async () => {
    const id = await customerId('Wingtip Toys');
    const first = await pc.productUpgrades.create(id);
    expect(await upgradeEligibility(pc, id, { correlationId: 'c' })).toMatchObject({
      state: 'existing',
      upgradeId: first.upgradeId,
    });
    const engine = await lifecycle();
    const request = await upgradeRequest(engine, 'Wingtip Toys');
    await engine.tick();
    expect((await stored(engine, request.id)).execution?.checkpoints.start?.data).toMatchObject({
      upgradeId: first.upgradeId,
      existing: true,
    });
  });

  it('an upgrade that ends Failed fails the request with its error details', async () => {
    const id = await customerId('Wingtip Toys');
    await sim.control(`/customers/${id}/upgradeOutcome`, {
      status: 'Failed',
      errorDetails: { code: '900120', description: 'The Azure upgrade cannot be processed' },
    });
    const engine = await lifecycle();
    const request = await upgradeRequest(engine, 'Wingtip Toys');
    await engine.tick();
    for (let i = 0; i < 6 && (await stored(engine, request.id)).state === 'executing'; i++)
      await pass(engine, 60_000);
    expect(await stored(engine, request.id)).toMatchObject({ state: 'failed', error: { code: '900120' } });
  });

  it('a restart while the upgrade is followed: the new process finishes it and tells once', async () => {
    const sqlitePath = join(dir.path, 'upgrade-restart.sqlite');
    const clock = new TestClock();
    const first = await lifecycle({ sqlitePath, clock, node: 'first' });
    const request = await upgradeRequest(first, 'Wingtip Toys');
    await first.tick();
    expect((await stored(first, request.id)).state).toBe('executing');
    await first.queue.close();
    await first.store.close();

    const second = await lifecycle({ sqlitePath, clock, node: 'second' });
    await sim.advanceClock(UPGRADE_DELAY_MS + 1);
    for (let i = 0; i < 6 && (await stored(second, request.id)).state === 'executing'; i++)
      await second.advance(60_000);
    expect((await stored(second, request.id)).state).toBe('succeeded');
    expect(second.notifier.of(request.id)).toEqual(['succeeded']);
    const creates = apiCalls(await sim.requests()).filter(
      (r) => r.method === 'POST' && /\/productupgrades$/i.test(r.path),
    );
    expect(creates.filter((r) => r.status === 202 && !r.replayed)).toHaveLength(1);
  });
});
