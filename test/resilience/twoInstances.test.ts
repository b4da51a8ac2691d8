import axios from 'axios';
import { collect, type PartnerCenterClient } from '../../src/partnercenter';
import { createStore, type Store } from '../../src/store';
import { SimulatorHarness } from '../integration/partnercenter/simulatorHarness';
import { createPgSchema, type PgSchema } from '../integration/store/testDatabases';
import { startFakeConnector, type FakeConnector } from '../support/fakeConnector';
import { APPROVER, REQUESTER } from '../support/teamsActivities';
import { BOOT_MS, BotProcess, freePort } from './support/botProcess';
import { startRoundRobinProxy, type RoundRobinProxy } from './support/roundRobinProxy';
import {
  Thread,
  alertCardsOf,
  approveAction,
  requestChange,
  requestPurchase,
  type SubmittedRequest,
} from './support/teams';
import { waitFor } from './support/waitFor';
import { callsSince, callsTo, firstSends, lastSeq, settledOutcomeOf } from './support/world';

/**
 * Issue 12, resilience 4: two instances. Two bot processes share one PostgreSQL schema and one
 * simulator, behind one endpoint that hands requests to them in turn (a round-robin proxy in this
 * test). Turns and clicks land on either; ten approve clicks arrive at once; each request is
 * executed once, each job tick is run by one instance, each notification goes out once.
 */

const TIMEOUT_MS = 10_000;
const SWEEP_EVERY_S = 3;
const TEST_MS = 120_000;

describe('two bot instances on one PostgreSQL behind one endpoint (bot processes, simulator)', () => {
  let pg: PgSchema;
  let simulator: SimulatorHarness;
  let connector: FakeConnector;
  let bots: BotProcess[] = [];
  let proxy: RoundRobinProxy;
  let store: Store;
  let pc: PartnerCenterClient;

  beforeAll(async () => {
    pg = await createPgSchema('resilience');
    simulator = await SimulatorHarness.start({ orderCompletionDelayMs: 0, orderListLagMs: 0 });
    await simulator.configure({
      planSuspensionAnswer: 'accepted',
      planSuspensionDelayMs: 0,
      upgradeCompletionDelayMs: 0,
    });
    connector = await startFakeConnector();
    // One after the other: the first one migrates the schema.
    for (const name of ['instance-a', 'instance-b']) {
      bots.push(
        await BotProcess.start({
          name,
          simulatorUrl: simulator.baseUrl,
          database: { databaseUrl: pg.url, schema: pg.schema },
          port: await freePort(),
          partnerCenterTimeoutMs: TIMEOUT_MS,
          env: { BUDGET_SWEEP_CRON: `*/${SWEEP_EVERY_S} * * * * *` },
        }),
      );
    }
    proxy = await startRoundRobinProxy(bots.map((b) => b.url));
    store = await createStore({ databaseUrl: pg.url, postgresSchema: pg.schema, poolMax: 2 });
    pc = simulator.client();
  }, BOOT_MS);

  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    bots = [];
    await proxy?.close();
    await store?.close();
    await pc?.close();
    await connector?.close();
    await simulator?.close();
    await pg?.drop();
  });

  const thread = (channelId?: string) => new Thread(() => proxy.url, connector, channelId);
  const tails = () => bots.map((b) => b.tail(20)).join('\n');

  it(
    'executes each request once when ten approve clicks arrive at once, and tells each thing once',
    async () => {
      const purchase = await requestPurchase(thread(), 'Contoso France');
      const suspension = await requestChange(thread(), 'suspend', 'Northwind Traders');
      const upgrade = await requestChange(thread(), 'upgrade', 'Wingtip Toys');
      const requests: Array<[string, SubmittedRequest]> = [
        ['purchase', purchase],
        ['suspension', suspension],
        ['upgrade', upgrade],
      ];
      const mark = await lastSeq(simulator);

      // Ten clicks on Approve for each request, all at once, spread over both instances.
      for (const [what, request] of requests) {
        const action = await approveAction(request);
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => request.thread.click(APPROVER, request.cardId, action)),
        );
        expect({ what, statuses: answers.map((a) => a.status) }).toEqual({
          what,
          statuses: Array(10).fill(200),
        });
        expect({ what, cards: answers.filter((a) => a.card !== undefined).length }).toEqual({
          what,
          cards: 10,
        });
      }
      for (const bot of bots) expect(proxy.served.get(bot.url)).toBeGreaterThan(10);

      for (const [what, request] of requests) {
        const done = await settledOutcomeOf(store, request.requestId, { describe: tails });
        const audit = await store.audit.list({ requestId: request.requestId, limit: 500 });
        const count = (action: string) => audit.filter((e) => e.action === action).length;
        expect({
          what,
          state: done.state,
          approvals: done.approvals?.length,
          approved: count('request.approve'),
          claimed: count('request.claim'),
          ended: count('request.succeed') + count('request.fail'),
        }).toEqual({ what, state: 'succeeded', approvals: 1, approved: 1, claimed: 1, ended: 1 });
      }

      // Partner Center acted once for each.
      const calls = await callsSince(simulator, mark);
      const france = await simulator.customer('Contoso France');
      const northwind = await simulator.customer('Northwind Traders');
      expect(
        firstSends(callsTo(calls, 'POST', new RegExp(`^/v1/customers/${france.id}/carts$`, 'i'))),
      ).toHaveLength(1);
      expect(
        firstSends(
          callsTo(calls, 'POST', new RegExp(`^/v1/customers/${france.id}/carts/[^/]+/checkout$`, 'i')),
        ),
      ).toHaveLength(1);
      expect(await simulator.carts(france.id)).toHaveLength(1);
      expect(await collect(pc.orders.list(france.id))).toHaveLength(1);
      expect(
        firstSends(
          callsTo(calls, 'PATCH', new RegExp(`^/v1/customers/${northwind.id}/subscriptions/[^/]+$`, 'i')),
        ),
      ).toHaveLength(1);
      expect(firstSends(callsTo(calls, 'POST', /^\/v1\/productUpgrades$/i))).toHaveLength(1);

      // Each message once, whichever instance sent it.
      const once: Array<[SubmittedRequest, RegExp]> = [
        [purchase, /Order .* placed with Partner Center for Contoso France/],
        [purchase, /The Azure plan of Contoso France is ready/],
        [suspension, /Partner Center accepted the suspension of .+ \(Northwind Traders\)/],
        [suspension, /The Azure plan .+ of Northwind Traders is suspended\./],
        [upgrade, /The upgrade of Wingtip Toys to an Azure plan has started/],
        [upgrade, /The upgrade of Wingtip Toys to an Azure plan is complete/],
      ];
      for (const [request, message] of once) {
        expect({ message: String(message), times: request.thread.messages(message).length }).toEqual({
          message: String(message),
          times: 1,
        });
      }
    },
    TEST_MS,
  );

  it(
    'runs each budget sweep tick on one instance, and posts each alert once',
    async () => {
      const names = ['Alpine Ski House', 'Coho Winery', 'Fabrikam Inc'];
      const customers = await Promise.all(names.map((name) => simulator.customer(name)));
      const percents = [85, 120, 60];
      const channel = thread('19:two-instances-alerts@thread.tacv2');
      for (const customer of customers) {
        await axios.put(`${simulator.baseUrl}/_sim/customers/${customer.id}/spend`, {
          percentOfBudget: 0,
          dailyCost: 0,
        });
      }
      for (const name of names) await channel.say(REQUESTER, `alerts on ${name}`);
      const ticksBefore = sweepRuns().length;
      for (const [i, customer] of customers.entries()) {
        await axios.put(`${simulator.baseUrl}/_sim/customers/${customer.id}/spend`, {
          percentOfBudget: percents[i],
          dailyCost: 0,
        });
      }

      // Four ticks at least after the alerts were due, and nothing left to post.
      await waitFor(
        'four sweeps, every alert posted',
        async () =>
          sweepRuns().length >= ticksBefore + 4 &&
          (await store.alerts.alerts({ conversationKey: channel.channelId })).filter(
            (a) => a.state === 'posted',
          ).length >= customers.length &&
          (await store.watches.list({ kind: 'alert-post' })).length === 0,
        { describe: tails },
      );

      // One run of the job per tick, across both instances (a run is filed under the tick it started in).
      const runs = sweepRuns();
      const ticks = runs.map((r) => Math.floor(r.startedAt / (SWEEP_EVERY_S * 1_000)));
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      expect(new Set(ticks).size).toBe(ticks.length);
      // Each check of a sweep was worked once: never more reads of a customer than sweeps queued.
      const queued = bots.flatMap((b) => b.logged('budget sweep queued its checks')).length;
      const reads = callsTo(await callsSince(simulator, 0), 'GET', /\/usagesummary$/i);
      for (const customer of customers) {
        const mine = reads.filter((r) => r.path.toLowerCase().includes(customer.id.toLowerCase())).length;
        expect({ customer: customer.companyName, readsNoMoreThanSweeps: mine <= queued }).toEqual({
          customer: customer.companyName,
          readsNoMoreThanSweeps: true,
        });
      }

      // Each alert once.
      const { cards, posted } = await alertCardsOf(store, connector, channel.channelId);
      expect(cards.map((c) => c.id).sort()).toEqual(posted.map((p) => p.activityId).sort());
      for (const [i, customer] of customers.entries()) {
        const text = `${customer.companyName} has used ${percents[i]}%`;
        expect({ text, cards: cards.filter((c) => c.text.includes(text)).length }).toEqual({
          text,
          cards: 1,
        });
      }
    },
    TEST_MS,
  );

  /** The budget-sweep job's runs on both instances: when each started, and where. */
  function sweepRuns(): Array<{ startedAt: number; instance: string }> {
    return bots.flatMap((bot) =>
      bot.logged('job finished', { job: 'budget-sweep' }).map((line) => ({
        startedAt: Date.parse(String(line.time)) - Number(line.durationMs ?? 0),
        instance: bot.options.name,
      })),
    );
  }
});
