import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import restify from 'restify';
import { APPROVER, REQUESTER, cardAction, personalMessage } from '../test/support/teamsActivities';
import { startPurchaseHarness, type PurchaseHarness } from '../test/integration/purchase/harness';
import { TeamsThread, actionOf, type Card } from '../test/integration/purchase/teamsDriver';
import { SimulatorHarness } from '../test/integration/partnercenter/simulatorHarness';
import { percentile, printResult, round, type BenchResult } from './benchResult';
import { startChildSimulator } from './childSimulator';

/** The floor: a bare CloudAdapter + restify echo bot, on the same host and fake connector. */
async function startEchoBot(): Promise<{ url: string; close(): Promise<void> }> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, async (context) => {
      await context.sendActivity(`echo: ${context.activity.text}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** One kind of turn: `prepare` sets up what the measured `turn` needs (not timed). */
interface Scenario {
  name: string;
  /** The turn itself waits on Partner Center (not work it starts in the background). */
  callsPartnerCenter?: boolean;
  /**
   * Work the turn sets off once it has answered (an approved request runs), let finish before the
   * next turn of one conversation, untimed: otherwise each turn would be timed beside the last one's
   * execution.
   */
  afterTurn?: () => Promise<unknown>;
  prepare?: (worker: number, i: number) => Promise<unknown>;
  turn: (worker: number, i: number, prepared: unknown) => Promise<void>;
}

interface Measured {
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  /** One conversation only: the turn's time minus the time it waited on Partner Center, p50. */
  ownP50?: number;
  /** One conversation only: the time a turn waited on Partner Center, p50. */
  partnerCenterP50?: number;
}

/**
 * Wall time spent inside Partner Center calls (the union of their intervals: calls side by side
 * count once), from the client's call listener. Read before and after a turn when turns run one
 * at a time.
 */
class PartnerCenterClock {
  private busyUntil = 0;
  total = 0;

  constructor(pc: { onCall(listener: (call: { durationMs: number }) => void): () => void }) {
    pc.onCall((call) => {
      const end = performance.now();
      const start = Math.max(end - call.durationMs, this.busyUntil);
      if (end > start) this.total += end - start;
      this.busyUntil = Math.max(this.busyUntil, end);
    });
  }
}

async function measure(
  scenario: Scenario,
  workers: number,
  perWorker: number,
  clock: PartnerCenterClock,
): Promise<Measured> {
  const ownTime = workers === 1 && scenario.callsPartnerCenter === true;
  // Everything a turn needs is set up first, so that nothing untimed runs beside the timed turns.
  const prepared: unknown[][] = [];
  for (let worker = 0; worker < workers; worker++) {
    prepared.push([]);
    for (let i = 0; i < perWorker; i++) {
      prepared[worker].push(scenario.prepare ? await scenario.prepare(worker, i) : undefined);
    }
  }
  const times: number[] = [];
  const own: number[] = [];
  const waited: number[] = [];
  let untimed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; i < perWorker; i++) {
        const before = clock.total;
        const t0 = performance.now();
        await scenario.turn(worker, i, prepared[worker][i]);
        const took = performance.now() - t0;
        times.push(took);
        waited.push(clock.total - before);
        own.push(took - (clock.total - before));
        if (workers === 1 && scenario.afterTurn) {
          const u0 = performance.now();
          await scenario.afterTurn();
          untimed += performance.now() - u0;
        }
      }
    }),
  );
  const wallMs = performance.now() - started - untimed;
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const all = sorted(times);
  return {
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    perSecond: (times.length * 1000) / wallMs,
    ...(ownTime
      ? { ownP50: percentile(sorted(own), 50), partnerCenterP50: percentile(sorted(waited), 50) }
      : {}),
  };
}

async function post(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Turn latency over HTTP through the whole bot (the same composition as main.ts: router, dialogs,
 * request service, SQLite in memory, simulator answering without added latency), with 1 and 50
 * conversations at once, each kind of turn against a bare echo bot measured in the same run.
 */
export async function benchBotTurns(): Promise<BenchResult> {
  const everyFamily = 1_000_000;
  // The simulator answers from a process of its own, so its work is not counted as the bot's.
  const child = await startChildSimulator(0);
  const simulator = SimulatorHarness.attach(child);
  await simulator.configure({ rateLimits: false });
  const harness: PurchaseHarness = await startPurchaseHarness({
    simulator,
    env: { APPROVAL_POLICY: 'set-budget=1' },
    partnerCenter: (sim) =>
      sim.client({
        limits: {
          perMinute: {
            customers: everyFamily,
            catalog: everyFamily,
            usage: everyFamily,
            subscriptions: everyFamily,
            entitlements: everyFamily,
            agreements: everyFamily,
            budgets: everyFamily,
          },
          maxConcurrent: 64,
        },
      }),
  });
  const echo = await startEchoBot();
  const clock = new PartnerCenterClock(harness.pc);
  const url = `${harness.app.server.url}/api/messages`;
  const serviceUrl = harness.connector.serviceUrl;
  const chat = (worker: number) => `a:bench-${worker}`;
  const alpine = await harness.simulator.customer('Alpine Ski House');
  const channel = '19:bench-alerts@thread.tacv2';
  let alertSerial = 0;
  let buySerial = 0;

  const scenarios: Scenario[] = [
    {
      name: 'echo (bare botbuilder)',
      turn: async (worker) => {
        await post(echo.url, personalMessage('hello', { serviceUrl, conversationId: chat(worker) }));
      },
    },
    {
      name: 'help',
      turn: async (worker) => {
        await post(url, personalMessage('help', { serviceUrl, conversationId: chat(worker) }));
      },
    },
    {
      name: 'catalog picker step',
      prepare: async (worker, i) => {
        // A conversation of its own per turn: each picker is a dialog waiting for its answer.
        const conversationId = `19:bench-buy-${worker}-${i}-${(buySerial += 1)}@thread.tacv2;messageid=1`;
        const thread = new TeamsThread(harness, { conversationId });
        const [first] = await thread.say(REQUESTER, 'buy Contoso France');
        if (!first.card) throw new Error('no availability picker');
        return { conversationId, action: actionOf(first.card as Card, { action: 'select' }) };
      },
      turn: async (_worker, _i, prepared) => {
        // Posted as Teams posts it, like every other scenario (no card checks in the timed part).
        const { conversationId, action } = prepared as {
          conversationId: string;
          action: Record<string, unknown> & { verb: string };
        };
        const { verb, ...data } = action;
        await post(
          url,
          cardAction(
            verb,
            { ...data, choice: 'DZH318Z0BML6' },
            { serviceUrl, user: REQUESTER, conversationType: 'channel', conversationId },
          ),
        );
      },
    },
    {
      name: 'approval invoke',
      afterTurn: () => harness.settle(),
      prepare: async () => {
        const created = await harness.requests.create({
          kind: 'set-budget',
          caller: { aadObjectId: REQUESTER.aadObjectId, name: REQUESTER.name },
          customerId: alpine.id,
          customerName: 'Alpine Ski House',
          payload: {
            customerId: alpine.id,
            customerName: 'Alpine Ski House',
            amount: 1000,
            currency: 'EUR',
            previousAmount: 1000,
          },
          correlationId: 'bench',
        });
        if (!created.ok) throw new Error(`request not created: ${created.reason}`);
        return created.request;
      },
      turn: async (worker, _i, prepared) => {
        const request = prepared as { id: string; version: number };
        await post(
          url,
          cardAction(
            'request.approve',
            { requestId: request.id, version: request.version, origin: 'card' },
            { serviceUrl, user: APPROVER, conversationId: chat(worker) },
          ),
        );
      },
    },
    {
      name: 'plans card',
      callsPartnerCenter: true,
      turn: async (worker) => {
        await post(url, personalMessage('plans Fabrikam Inc', { serviceUrl, conversationId: chat(worker) }));
      },
    },
    {
      name: 'usage card',
      callsPartnerCenter: true,
      turn: async (worker) => {
        await post(
          url,
          personalMessage('usage Alpine Ski House', { serviceUrl, conversationId: chat(worker) }),
        );
      },
    },
    {
      name: 'alert card action',
      prepare: async (worker, i) => {
        const alert = await harness.store.alerts.raise(
          {
            subscriptionId: 'bench',
            conversationKey: channel,
            customerId: `bench-${worker}-${i}-${(alertSerial += 1)}`,
            customerName: 'Alpine Ski House',
            periodKey: '2026-12',
            kind: 'threshold',
            threshold: 80,
            figures: {
              totalCost: 850,
              budget: 1000,
              currency: 'EUR',
              percentUsed: 85,
              projectedTotal: 1200,
              projectedPercent: 120,
              periodStart: '2026-12-01T00:00:00Z',
              periodEnd: '2027-01-01T00:00:00Z',
              asOf: Date.now(),
            },
            state: 'suppressed',
          },
          (id) => ({ id: `unused:${id}`, kind: 'unused', payload: {}, nextRunAt: Date.now() }),
        );
        if (!alert) throw new Error('alert not raised');
        return alert.id;
      },
      turn: async (worker, _i, alertId) => {
        await post(
          url,
          cardAction(
            'alert.ack',
            { alertId },
            {
              serviceUrl,
              user: APPROVER,
              conversationType: 'channel',
              conversationId: `${channel};messageid=${worker}`,
            },
          ),
        );
      },
    },
  ];

  try {
    // Warm-up: tokens, catalog cache, JIT.
    for (const scenario of scenarios) {
      const prepared = scenario.prepare ? await scenario.prepare(0, 0) : undefined;
      await scenario.turn(0, 0, prepared);
    }
    const figures: Record<string, number> = {};
    for (const [workers, perWorker] of [
      [1, 200],
      [50, 6],
    ] as const) {
      const results = new Map<string, Measured>();
      for (const scenario of scenarios) {
        results.set(scenario.name, await measure(scenario, workers, perWorker, clock));
        harness.connector.clear();
        await harness.settle();
      }
      const floor = results.get('echo (bare botbuilder)');
      if (!floor) throw new Error('no baseline');
      for (const [name, m] of results) {
        const key = `${workers}x ${name}`;
        figures[`${key} p50Ms`] = round(m.p50, 1);
        figures[`${key} p95Ms`] = round(m.p95, 1);
        figures[`${key} p99Ms`] = round(m.p99, 1);
        figures[`${key} turnsPerSecond`] = round(m.perSecond, 1);
        if (name === 'echo (bare botbuilder)') continue;
        figures[`${key} p50RatioToEcho`] = round(m.p50 / floor.p50, 2);
        if (m.ownP50 !== undefined && m.partnerCenterP50 !== undefined) {
          figures[`${key} p50 waiting on Partner Center Ms`] = round(m.partnerCenterP50, 1);
          figures[`${key} p50 own time Ms`] = round(m.ownP50, 1);
          figures[`${key} own time ratio to echo`] = round(m.ownP50 / floor.p50, 2);
        }
      }
    }
    return {
      name: 'bot turns over HTTP (the full composition, simulator without added latency, SQLite in memory)',
      figures,
      notes: [
        "1 conversation: 200 turns of each kind in a row (each approval's execution let finish, untimed, before the next approval); 50 conversations: 6 turns each, all at once",
        'each kind of turn is compared with the bare echo bot at the same concurrency, in the same run',
        'the catalog step, the approval and the alert action are card invokes (Action.Execute); the others are messages',
        'the simulator runs in a process of its own (as Partner Center is elsewhere), the bot and the callers in this one',
        "own time (1 conversation, turns that call Partner Center): the turn's time minus the time it waited on Partner Center calls (the client's own work inside a call counts as waiting), for comparison with the echo bot, which calls nothing",
      ],
    };
  } finally {
    await harness.close();
    await echo.close();
    await child.close();
  }
}

if (require.main === module) {
  benchBotTurns().then(printResult, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
