import { collect, type PartnerCenterClient } from '../../src/partnercenter';
import type { Store } from '../../src/store';
import type { SimulatorHarness, SimRequest } from '../integration/partnercenter/simulatorHarness';
import type { FakeConnector } from '../support/fakeConnector';
import { BOOT_MS, type BotProcess } from './support/botProcess';
import { startBotWorld, type BotWorld } from './support/botWorld';
import { Thread, approve, requestChange, requestPurchase } from './support/teams';
import { callsSince, callsTo, firstSends, lastSeq, settledOutcomeOf } from './support/world';

/**
 * Issue 12, resilience 1: idempotency as Partner Center promises it, end to end. The bot runs as a
 * process (its Partner Center calls time out after 1 s); the simulator performs a create, a
 * checkout or a PATCH at once and holds its answer for 3 s (a latency fault), so the bot times out
 * after Partner Center acted. The retry must carry the same MS-RequestId and get the first answer
 * back: one cart, one order, one suspension, one upgrade.
 */

const TIMEOUT_MS = 1_000;
/** How long the simulator holds an answer after acting: well past the bot's timeout. */
const HELD_MS = 3_000;
const TEST_MS = 60_000;

describe('a timeout after Partner Center acted, then the retry (bot process, simulator, SQLite)', () => {
  let world: BotWorld;
  let simulator: SimulatorHarness;
  let connector: FakeConnector;
  let bot: BotProcess;
  let store: Store;
  let pc: PartnerCenterClient;

  beforeAll(async () => {
    world = await startBotWorld({
      name: 'idempotency',
      partnerCenterTimeoutMs: TIMEOUT_MS,
      simulatorConfig: { planSuspensionAnswer: 'ok', planSuspensionDelayMs: 0, upgradeCompletionDelayMs: 0 },
    });
    ({ simulator, connector, bot, store, pc } = world);
  }, BOOT_MS);

  afterAll(async () => {
    await world?.close(bot);
  }, BOOT_MS);

  const thread = () => new Thread(() => bot.url, connector);

  /**
   * One logical call sent at least twice: one MS-RequestId throughout, the first send timed out (the
   * simulator acted and held its answer), every later send answered from that first result.
   */
  function expectOneCallSentAgain(calls: SimRequest[]) {
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(calls.map((c) => c.requestId)).size).toBe(1);
    expect(firstSends(calls)).toHaveLength(1);
    expect(calls[0].status).toBe(0);
    expect(calls.slice(1).every((c) => c.replayed === true && c.status >= 200 && c.status < 300)).toBe(true);
  }

  it(
    'purchase: the cart create and the checkout both time out after acting; one cart, one order, each message once',
    async () => {
      const customer = await simulator.customer('Contoso France');
      const t = thread();
      const request = await requestPurchase(t, 'Contoso France');
      const mark = await lastSeq(simulator);
      const carts = new RegExp(`^/v1/customers/${customer.id}/carts$`, 'i');
      const checkout = new RegExp(`^/v1/customers/${customer.id}/carts/[^/]+/checkout$`, 'i');
      await simulator.fault({
        method: 'POST',
        path: `/v1/customers/${customer.id}/carts`,
        latencyMs: HELD_MS,
      });
      await simulator.fault({
        method: 'POST',
        path: `/v1/customers/${customer.id}/carts/*/checkout`,
        latencyMs: HELD_MS,
      });
      await approve(request);

      const done = await settledOutcomeOf(store, request.requestId, { describe: () => bot.tail() });
      expect(done.state).toBe('succeeded');
      const calls = await callsSince(simulator, mark);
      expectOneCallSentAgain(callsTo(calls, 'POST', carts));
      expectOneCallSentAgain(callsTo(calls, 'POST', checkout));
      expect(await simulator.carts(customer.id)).toHaveLength(1);
      expect(await collect(pc.orders.list(customer.id))).toHaveLength(1);
      expect(t.messages(/Order .* placed with Partner Center for Contoso France/)).toHaveLength(1);
      expect(t.messages(/The Azure plan of Contoso France is ready/)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'suspension: the PATCH times out after acting; one suspension (no 409 to the retry), each message once',
    async () => {
      const customer = await simulator.customer('Northwind Traders');
      const t = thread();
      const request = await requestChange(t, 'suspend', 'Northwind Traders');
      const mark = await lastSeq(simulator);
      await simulator.fault({
        method: 'PATCH',
        path: `/v1/customers/${customer.id}/subscriptions/*`,
        latencyMs: HELD_MS,
      });
      await approve(request);

      const done = await settledOutcomeOf(store, request.requestId, { describe: () => bot.tail() });
      expect(done.state).toBe('succeeded');
      const patches = callsTo(
        await callsSince(simulator, mark),
        'PATCH',
        new RegExp(`^/v1/customers/${customer.id}/subscriptions/[^/]+$`, 'i'),
      );
      expectOneCallSentAgain(patches);
      expect(patches.filter((p) => p.status === 409)).toEqual([]);
      const planId = String((done.payload as { planSubscriptionId: string }).planSubscriptionId);
      expect((await pc.subscriptions.get(customer.id, planId)).status).toBe('suspended');
      expect(t.messages(/The Azure plan .+ of Northwind Traders is suspended\./)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'upgrade: the create times out after acting; one upgrade (no 900109), followed to its end, each message once',
    async () => {
      const t = thread();
      const request = await requestChange(t, 'upgrade', 'Wingtip Toys');
      const mark = await lastSeq(simulator);
      await simulator.fault({ method: 'POST', path: '/v1/productUpgrades', latencyMs: HELD_MS });
      await approve(request);

      const done = await settledOutcomeOf(store, request.requestId, { describe: () => bot.tail() });
      expect(done.state).toBe('succeeded');
      const calls = await callsSince(simulator, mark);
      const creates = callsTo(calls, 'POST', /^\/v1\/productUpgrades$/i);
      // The first send acted and lost its answer. The client's guard asks eligibility, which names
      // the upgrade under way, so it may not even send again; if it does, it is the same call.
      expect(firstSends(creates)).toHaveLength(1);
      expect(creates[0].status).toBe(0);
      expect(new Set(creates.map((c) => c.requestId)).size).toBe(1);
      expect(creates.filter((c) => c.status === 409)).toEqual([]);
      const upgradeId = String((done.result as { upgradeId: string }).upgradeId);
      // Partner Center reads an upgrade's status with a POST.
      const reads = callsTo(calls, 'POST', /^\/v1\/productUpgrades\/[^/]+\/status$/i);
      expect(reads.length).toBeGreaterThanOrEqual(1);
      expect(reads.every((r) => r.path.toLowerCase().includes(upgradeId.toLowerCase()))).toBe(true);
      expect(t.messages(/The upgrade of Wingtip Toys to an Azure plan has started/)).toHaveLength(1);
      expect(t.messages(/The upgrade of Wingtip Toys to an Azure plan is complete/)).toHaveLength(1);
    },
    TEST_MS,
  );
});
