import { collect, type PartnerCenterClient } from '../../src/partnercenter';
import type { ActionRequest, Store } from '../../src/store';
import type { SimulatorHarness, FaultSpec } from '../integration/partnercenter/simulatorHarness';
import type { FakeConnector } from '../support/fakeConnector';
import { REQUESTER } from '../support/teamsActivities';
import { BOOT_MS, type BotProcess } from './support/botProcess';
import { setSpend, startBotWorld, type BotWorld } from './support/botWorld';
import {
  Thread,
  alertCardsOf,
  alertPosts,
  approve,
  requestChange,
  requestPurchase,
  type SubmittedRequest,
} from './support/teams';
import { waitFor } from './support/waitFor';
import { callsSince, callsTo, lastSeq, settledOutcomeOf } from './support/world';

/**
 * Issue 12, resilience 2: faults. One in five Partner Center calls fails (500, a hang past the
 * bot's 1 s timeout, 429 with Retry-After, a dropped connection, or an answer held past the timeout
 * after the simulator acted) while the bot, a real process, carries out two purchases, a
 * suspension, a reactivation and an upgrade, and its budget monitor sweeps every two seconds.
 * Every request must end with exactly one recorded outcome (succeeded, or failed with a reason),
 * with at most one order per purchase, and every alert must be posted once.
 *
 * The faults are drawn from seeded generators (the simulator's `seed`): RESILIENCE_SEED=<n> replays
 * a run's draws, RESILIENCE_SEED=random explores; the seed is in the suite's name, so in every
 * failure. (The bot's calls interleave differently from run to run, so a seed fixes which of the
 * calls in arrival order fail, not which operation each one is.)
 */
const SEED =
  process.env.RESILIENCE_SEED === 'random'
    ? Date.now() % 2 ** 31
    : Number(process.env.RESILIENCE_SEED ?? 20_261_212);

const TIMEOUT_MS = 1_000;
const FAULT_SHARE = 0.2;
const KINDS_OF_FAULT: Array<Omit<FaultSpec, 'path'>> = [
  { status: 500 },
  { hang: true },
  { status: 429, retryAfterSeconds: 1 },
  { reset: true },
  { latencyMs: 2 * TIMEOUT_MS },
];
/** Each kind's share, so that one call in five meets one of them (they are tried in turn). */
const EACH = 1 - (1 - FAULT_SHARE) ** (1 / KINDS_OF_FAULT.length);
const PATIENCE_MS = 120_000;

describe(`faults on 20 % of Partner Center calls (bot process, simulator, SQLite; seed ${SEED})`, () => {
  let world: BotWorld;
  let simulator: SimulatorHarness;
  let connector: FakeConnector;
  let bot: BotProcess;
  let store: Store;
  let pc: PartnerCenterClient;

  beforeAll(async () => {
    world = await startBotWorld({
      name: 'faults',
      partnerCenterTimeoutMs: TIMEOUT_MS,
      // Thirty customers more than the named ones: the sweeps of "every customer" read them all.
      simulator: { extraCustomers: 30 },
      simulatorConfig: {
        planSuspensionAnswer: 'accepted',
        planSuspensionDelayMs: 0,
        planReactivationDelayMs: 0,
        upgradeCompletionDelayMs: 0,
      },
      env: { BUDGET_SWEEP_CRON: '*/2 * * * * *' },
    });
    ({ simulator, connector, bot, store, pc } = world);
  }, BOOT_MS);

  afterAll(async () => {
    await world?.close(bot);
  }, BOOT_MS);

  it(
    'ends every request once, places at most one order each, and posts every alert once',
    async () => {
      const thread = () => new Thread(() => bot.url, connector);
      const names = { alpine: 'Alpine Ski House', coho: 'Coho Winery', fabrikam: 'Fabrikam Inc' };
      const ids: Record<string, string> = {};
      for (const [key, name] of Object.entries(names)) ids[key] = (await simulator.customer(name)).id;

      // Without faults: the requests are made (the dialogs are not under test here), and a channel
      // follows three customers whose spend is at 0 % for now, so that nothing is raised yet.
      for (const id of Object.values(ids)) await setSpend(simulator, id, 0);
      const followed = new Thread(() => bot.url, connector, '19:alerts-followed@thread.tacv2');
      for (const name of Object.values(names)) {
        const [answer] = await followed.say(REQUESTER, `alerts on ${name}`);
        expect(JSON.stringify(answer)).toContain(`Budget alerts for ${name} are on`);
      }
      const requests: Array<SubmittedRequest & { what: string }> = [];
      for (const customer of ['Contoso France', 'Contoso Pharmaceuticals']) {
        requests.push({ what: `buy ${customer}`, ...(await requestPurchase(thread(), customer)) });
      }
      for (const [command, customer] of [
        ['suspend', 'Northwind Traders'],
        ['reactivate', 'Tailspin Toys'],
        ['upgrade', 'Wingtip Toys'],
      ] as const) {
        requests.push({
          what: `${command} ${customer}`,
          ...(await requestChange(thread(), command, customer)),
        });
      }

      // Faults on. A second channel follows every customer (each sweep then lists them all and
      // reads each one); the spend crosses thresholds; every request is approved.
      const mark = await lastSeq(simulator);
      for (const [i, kind] of KINDS_OF_FAULT.entries()) {
        await simulator.fault({ path: '/v1/**', probability: EACH, seed: `${SEED}:${i}`, ...kind });
      }
      const everyone = new Thread(() => bot.url, connector, '19:alerts-everyone@thread.tacv2');
      const [all] = await everyone.say(REQUESTER, 'alerts on all 1000');
      expect(JSON.stringify(all)).toContain('Budget alerts for every customer are on');
      await setSpend(simulator, ids.alpine, 85);
      await setSpend(simulator, ids.coho, 120);
      await setSpend(simulator, ids.fabrikam, 60);
      // One customer nobody follows by name goes past 1,000 %: only the channel following everyone hears.
      const beyond = await simulator.customer('Tailspin Toys');
      await setSpend(simulator, beyond.id, 1050);
      for (const request of requests) await approve(request);

      const describe = async () =>
        `${bot.tail(40)}\nfaults hit so far: ${JSON.stringify(faultTally(await callsSince(simulator, mark)))}`;
      const outcomes: ActionRequest[] = [];
      for (const request of requests) {
        outcomes.push(
          await settledOutcomeOf(store, request.requestId, { patienceMs: PATIENCE_MS, describe }),
        );
      }
      // Each followed customer's highest threshold reached is posted…
      const expectedCards = [
        `${names.alpine} has used 85%`,
        `${names.coho} has used 120%`,
        `${names.fabrikam} has used 60%`,
      ];
      await waitFor(
        'each followed customer to get its alert',
        () => {
          const texts = alertPosts(connector, followed.channelId).map((p) => p.text);
          return expectedCards.every((expected) => texts.some((text) => text.includes(expected)));
        },
        { patienceMs: PATIENCE_MS, describe },
      );
      // …and the sweeps go on under the faults, three more times for each of them, then twice
      // without, until nothing is left to post.
      const readsSince = async (seq: number, times: number) => {
        const reads = callsTo(await callsSince(simulator, seq), 'GET', /\/usagesummary$/i).filter(
          (c) => c.status === 200,
        );
        return Object.values(ids).every(
          (id) => reads.filter((r) => r.path.toLowerCase().includes(id.toLowerCase())).length >= times,
        );
      };
      const posted = await lastSeq(simulator);
      await waitFor('three more sweeps under faults', () => readsSince(posted, 3), {
        patienceMs: PATIENCE_MS,
        describe,
      });
      const faultsEnd = await lastSeq(simulator);
      await simulator.clearFaults();
      await waitFor(
        'two more sweeps without faults, and no alert left to post',
        async () =>
          (await readsSince(faultsEnd, 2)) && (await store.watches.list({ kind: 'alert-post' })).length === 0,
        { patienceMs: PATIENCE_MS, describe },
      );

      // The run really was under fire: a fifth of the calls, give or take, failed one way or another.
      const hits = faultTally((await callsSince(simulator, mark)).filter((c) => c.seq <= faultsEnd));
      const failed = hits.status500 + hits.throttled + hits.unanswered;
      expect({ seed: SEED, ...hits, enough: hits.calls >= 150 && failed >= hits.calls * 0.05 }).toEqual({
        seed: SEED,
        ...hits,
        enough: true,
      });

      // Exactly one recorded outcome per request: succeeded, or failed with its reason.
      for (const [i, outcome] of outcomes.entries()) {
        const what = requests[i].what;
        const ends = (await store.audit.list({ requestId: outcome.id })).filter(
          (e) => e.action === 'request.succeed' || e.action === 'request.fail',
        );
        expect({ what, state: outcome.state, ends: ends.length }).toEqual({
          what,
          state: expect.stringMatching(/^(succeeded|failed)$/),
          ends: 1,
        });
        if (outcome.state === 'failed') {
          expect({ what, code: outcome.error?.code, message: outcome.error?.message }).toEqual({
            what,
            code: expect.any(String),
            message: expect.any(String),
          });
        }
      }

      // At most one order per purchase (exactly one when it succeeded), from one checked-out cart.
      for (const [i, request] of requests.slice(0, 2).entries()) {
        const customer = await simulator.customer(request.what.replace(/^buy /, ''));
        const orders = await collect(pc.orders.list(customer.id));
        const ordered = (await simulator.carts(customer.id)).filter((c) => c.status === 'Ordered');
        expect({ what: request.what, orders: orders.length, carts: ordered.length }).toEqual(
          outcomes[i].state === 'succeeded'
            ? { what: request.what, orders: 1, carts: 1 }
            : { what: request.what, orders: 0, carts: 0 },
        );
      }

      // The plan changes and the upgrade were made once: never refused as already pending (409).
      const calls = await callsSince(simulator, mark);
      expect(callsTo(calls, 'PATCH', /\/subscriptions\/[^/]+$/i).filter((c) => c.status === 409)).toEqual([]);
      expect(callsTo(calls, 'POST', /^\/v1\/productUpgrades$/i).filter((c) => c.status === 409)).toEqual([]);

      // Each request's last word once, in its own thread.
      const finals: Record<string, RegExp> = {
        'buy Contoso France': /The Azure plan (of|purchase for) Contoso France (is ready|failed)/,
        'buy Contoso Pharmaceuticals':
          /The Azure plan (of|purchase for) Contoso Pharmaceuticals (is ready|failed)/,
        'suspend Northwind Traders': /(of Northwind Traders is suspended|Northwind Traders failed)/,
        'reactivate Tailspin Toys': /(of Tailspin Toys is active again|Tailspin Toys failed)/,
        'upgrade Wingtip Toys': /Wingtip Toys to an Azure plan (is complete|failed)/,
      };
      for (const request of requests) {
        expect({
          what: request.what,
          finals: request.thread.messages(finals[request.what]).length,
          all: request.thread.messages(/./),
        }).toEqual({ what: request.what, finals: 1, all: expect.any(Array) });
      }

      // Every alert once, in both channels: one card per posted alert, no other card.
      for (const channel of [followed, everyone]) {
        const { cards, posted: alerts } = await alertCardsOf(store, connector, channel.channelId);
        expect(cards.map((c) => c.id).sort()).toEqual(alerts.map((a) => a.activityId).sort());
      }
      // The channel that follows everyone at 1,000 % was read on every sweep: its one threshold alert
      // is the customer past 1,000 %, raised once; the channel following three names never hears of it.
      const [following] = await store.alerts.list({ conversationKey: everyone.channelId });
      expect(following?.thresholds).toEqual([1000]);
      const everyoneAlerts = await store.alerts.alerts({
        conversationKey: everyone.channelId,
        limit: 10_000,
      });
      expect(
        everyoneAlerts
          .filter((a) => a.kind !== 'forecast')
          .map((a) => `${a.customerId}:${a.threshold}:${a.state}`),
      ).toEqual([`${beyond.id}:1000:posted`]);
      const followedAlerts = await store.alerts.alerts({
        conversationKey: followed.channelId,
        limit: 10_000,
      });
      expect(followedAlerts.filter((a) => a.customerId === beyond.id)).toEqual([]);
      const { cards } = await alertCardsOf(store, connector, followed.channelId);
      for (const expected of expectedCards) {
        expect({ expected, cards: cards.filter((c) => c.text.includes(expected)).length }).toEqual({
          expected,
          cards: 1,
        });
      }
    },
    4 * PATIENCE_MS,
  );
});

/** How the simulator answered the calls of the run: how many, and how many hit each kind of fault. */
function faultTally(calls: Array<{ path: string; status: number }>) {
  const api = calls.filter((c) => c.path.toLowerCase().startsWith('/v1/'));
  return {
    calls: api.length,
    status500: api.filter((c) => c.status === 500).length,
    throttled: api.filter((c) => c.status === 429).length,
    // hang, reset, and answers held past the timeout: the bot gave up before an answer came.
    unanswered: api.filter((c) => c.status === 0).length,
  };
}
