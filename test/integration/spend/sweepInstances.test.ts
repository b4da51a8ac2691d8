import axios from 'axios';
import { createStore, type Store } from '../../../src/store';
import { REQUESTER } from '../../support/teamsActivities';
import { SimulatorHarness } from '../partnercenter/simulatorHarness';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread } from '../purchase/teamsDriver';
import { createPgSchema, type PgSchema } from '../store/testDatabases';

/**
 * The budget monitor as several instances run it: two bots on one PostgreSQL, one simulator, each
 * with its own scheduler and work queues. A sweep is made once per tick, its checks are shared by
 * lease, a crashed instance's checks are finished by the other, and every alert is posted once.
 */
describe('budget sweep across instances (PostgreSQL)', () => {
  let pg: PgSchema;
  let simulator: SimulatorHarness;
  const stores: Store[] = [];
  const harnesses: PurchaseHarness[] = [];
  let offset = 0;
  const now = () => Date.now() + offset;

  async function instance(node: string): Promise<PurchaseHarness> {
    const store = await createStore({ databaseUrl: pg.url, postgresSchema: pg.schema, poolMax: 4 });
    stores.push(store);
    const harness = await startPurchaseHarness({
      store,
      simulator,
      node,
      now,
      tuning: { sweepChunk: 1, leaseMs: 300 },
    });
    harnesses.push(harness);
    return harness;
  }

  beforeAll(async () => {
    pg = await createPgSchema('sweep');
    simulator = await SimulatorHarness.start();
  });

  afterEach(async () => {
    await simulator.clearFaults();
    for (const harness of harnesses.splice(0)) await harness.close();
    for (const store of stores.splice(0)) await store.close();
  });

  afterAll(async () => {
    await simulator?.close();
    await pg?.drop();
  });

  /** Every customer with a budget at `percent` of it; returns how many. */
  async function spendEverywhere(percent: number): Promise<number> {
    let withBudget = 0;
    for (const customer of await simulator.customers()) {
      const url = `${simulator.baseUrl}/_sim/customers/${customer.id}/spend`;
      const view = await axios.get<{ budget: number | null }>(url);
      if (view.data.budget === null) continue;
      await axios.put(url, { percentOfBudget: percent, dailyCost: 0 });
      withBudget += 1;
    }
    return withBudget;
  }

  /** Alert cards both instances posted as new threads in `channel`. */
  function posts(channel: string): string[] {
    return harnesses.flatMap((h) =>
      h.connector.calls
        .filter((c) => c.method === 'POST' && /^\/v3\/conversations\/?$/.test(c.path))
        .filter(
          (c) => (c.body?.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === channel,
        )
        .map((c) => JSON.stringify(c.body?.activity)),
    );
  }

  async function postedAlerts(store: Store, conversationKey: string) {
    return (await store.alerts.alerts({ conversationKey, limit: 1_000 })).filter((a) => a.state === 'posted');
  }

  it('makes one sweep per tick, shares its checks and posts each alert once; the next sweep posts nothing new', async () => {
    await simulator.reseed();
    const a = await instance('node-a');
    const b = await instance('node-b');
    const channel = '19:sweep-shared@thread.tacv2';
    await new TeamsThread(a, { channelId: channel }).say(REQUESTER, 'alerts on all 80');
    const customers = await spendEverywhere(85);
    expect(customers).toBeGreaterThanOrEqual(3);

    offset += 3_600_000;
    const tick = now();
    const made = await Promise.all([a.domain.monitor.startSweep(tick), b.domain.monitor.startSweep(tick)]);
    expect(made.filter(Boolean)).toHaveLength(1);
    await Promise.all([a.domain.spendQueue.tick(), b.domain.spendQueue.tick()]);
    await Promise.all([a.settle(), b.settle()]);

    const posted = await postedAlerts(a.store, channel);
    expect(posted).toHaveLength(customers);
    expect(new Set(posted.map((p) => p.customerId)).size).toBe(customers);
    expect(posts(channel)).toHaveLength(customers);

    offset += 3_600_000;
    await Promise.all([a.domain.monitor.startSweep(now()), b.domain.monitor.startSweep(now())]);
    await Promise.all([a.domain.spendQueue.tick(), b.domain.spendQueue.tick()]);
    await Promise.all([a.settle(), b.settle()]);
    expect(posts(channel)).toHaveLength(customers);
    expect(await b.store.watches.list({ kind: 'budget-check' })).toEqual([]);
  });

  it('finishes a sweep whose instance died halfway, on the other instance, without posting anything twice', async () => {
    await simulator.reseed();
    const a = await instance('node-a');
    const channel = '19:sweep-crash@thread.tacv2';
    await new TeamsThread(a, { channelId: channel }).say(REQUESTER, 'alerts on all 80');
    const customers = await spendEverywhere(90);
    // Every usage read takes a while, so that the crash comes in the middle of the sweep.
    await simulator.fault({ path: '/v1/customers/*/usagesummary', latencyMs: 150, probability: 1 });

    offset += 3_600_000;
    await a.domain.monitor.startSweep(now());
    const listing = a.domain.spendQueue.tick();
    const everyone = (await simulator.customers()).length;
    const total = async () => (await a.store.watches.list({ kind: 'budget-check' })).length;
    const deadline = Date.now() + 10_000;
    // Halfway: the listing queued every check (one customer each) and some are done.
    while (Date.now() < deadline) {
      const queued = await total();
      const raised = (await a.store.alerts.alerts({ conversationKey: channel })).length;
      if (queued > 0 && queued < everyone && raised > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The crash: claims are no longer renewed nor released, nothing more is taken.
    a.domain.spendQueue.halt();
    const left = await total();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(everyone);

    const b = await instance('node-b');
    await new Promise((resolve) => setTimeout(resolve, 400)); // a's claims run out
    offset += 1_000;
    await b.domain.spendQueue.tick();
    await listing.catch(() => undefined);
    await b.domain.spendQueue.tick();
    await Promise.all([a.settle(), b.settle()]);

    expect(await b.store.watches.list({ kind: 'budget-check' })).toEqual([]);
    const posted = await postedAlerts(b.store, channel);
    expect(posted).toHaveLength(customers);
    expect(posts(channel)).toHaveLength(customers);
  });
});
