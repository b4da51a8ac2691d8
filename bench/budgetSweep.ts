import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { REQUESTER } from '../test/support/teamsActivities';
import { SimulatorHarness } from '../test/integration/partnercenter/simulatorHarness';
import { startPurchaseHarness } from '../test/integration/purchase/harness';
import { TeamsThread } from '../test/integration/purchase/teamsDriver';
import { printResult, round, type BenchResult } from './benchResult';
import { startChildSimulator } from './childSimulator';

/** Generated customers on top of the seed; BENCH_SWEEP_CUSTOMERS overrides it for a quick run. */
const DEFAULT_EXTRA_CUSTOMERS = Number(process.env.BENCH_SWEEP_CUSTOMERS ?? 10_000);
/**
 * The usage family's limit for this run. The reference's 300 a minute would make the sweep last
 * half an hour; a higher limit keeps the run short while still needing several rate-limit windows,
 * which is what the bound measures. The client is told the same limit, as an operator would.
 */
const USAGE_PER_MINUTE = 5_000;
const WINDOW_MS = 60_000;
const CHANNEL = '19:bench-sweep@thread.tacv2';

/**
 * A budget sweep of the partner's every customer (the seed plus 10,000 generated ones) with one
 * channel following them all: the monitor lists the customers, checks each one's usage summary
 * under the throttle, and raises the alerts. Reports the wall time against the least time the
 * simulator's rate limit allows (fixed windows: every full window of calls but the last is waited
 * out), the calls, the 429s, and the process's peak memory.
 */
export async function benchBudgetSweep(extraCustomers = DEFAULT_EXTRA_CUSTOMERS): Promise<BenchResult> {
  const child = await startChildSimulator(extraCustomers);
  const simulator = SimulatorHarness.attach(child);
  await axios.put(`${simulator.baseUrl}/_sim/config`, {
    rateLimitsPerMinute: { usage: USAGE_PER_MINUTE, customers: USAGE_PER_MINUTE },
  });
  // A database file, as the bot runs: SQLite then keeps a bounded page cache in memory, where an
  // in-memory database would count every stored reading, alert and audit row as the bot's memory.
  const dataDir = mkdtempSync(join(tmpdir(), 'apo-sweep-'));
  const harness = await startPurchaseHarness({
    simulator,
    sqlitePath: join(dataDir, 'bench.sqlite'),
    // Thousands of alert cards: the stand-in for Teams keeps none (the store says what was posted).
    recordConnectorCalls: false,
    partnerCenter: (sim) =>
      sim.client({
        timeoutMs: 30_000,
        limits: { perMinute: { usage: USAGE_PER_MINUTE, customers: USAGE_PER_MINUTE } },
        retry: { maxRetries: 6, initialDelayMs: 200, maxDelayMs: 60_000, maxElapsedMs: 300_000 },
      }),
  });
  try {
    await new TeamsThread(harness, { channelId: CHANNEL }).say(REQUESTER, 'alerts on all');
    const customers = (
      await axios.get<{ items: unknown[]; totalCount?: number }>(`${simulator.baseUrl}/_sim/customers`)
    ).data;
    const customerCount = customers.totalCount ?? customers.items.length;
    global.gc?.();
    const baseline = process.memoryUsage();
    // Peaks per sweep: the first posts thousands of alert cards, the second only reads.
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }, 100);
    const peaks = () => {
      const seen = { rss: peakRss, heap: peakHeap };
      global.gc?.();
      peakRss = process.memoryUsage().rss;
      peakHeap = process.memoryUsage().heapUsed;
      return seen;
    };

    /** One sweep as the scheduler runs it: queued, then ticked until no check is left. */
    const sweep = async (at: number) => {
      await simulator.clearRequests();
      const started = performance.now();
      await harness.domain.monitor.startSweep(at);
      for (;;) {
        await harness.domain.spendQueue.tick();
        await harness.settle();
        // One row is enough to know checks are left (reading them all would be the bench's garbage).
        if ((await harness.store.watches.list({ kind: 'budget-check', limit: 1 })).length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const wallMs = performance.now() - started;
      const summaries = (await simulator.requests()).filter((r) => r.path.endsWith('/usagesummary'));
      const throttled = summaries.filter((r) => r.status === 429).length;
      // Fixed windows of USAGE_PER_MINUTE calls: every full window but the last is waited out.
      const boundMs = Math.floor((summaries.length - throttled - 1) / USAGE_PER_MINUTE) * WINDOW_MS;
      return { wallMs, boundMs, calls: summaries.length, throttled };
    };

    // The first sweep raises (and posts) every alert the generated spend reaches; the second is
    // the steady state: the same reads, nothing new to post.
    const first = await sweep(Date.now());
    const firstPeaks = peaks();
    // Counted at once: the list itself is the benchmark's, not the bot's, memory.
    const alertCounts = await harness.store.alerts
      .alerts({ conversationKey: CHANNEL, limit: 100_000 })
      .then((alerts) => ({
        raised: alerts.length,
        posted: alerts.filter((a) => a.state === 'posted').length,
      }));
    // Both sides count calls in fixed windows: start the second sweep on fresh ones, as the bound assumes.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 1_000));
    // The steady sweep's peaks start here: the alert count and the wait above are not its.
    peaks();
    const second = await sweep(Date.now());
    const steadyPeaks = peaks();
    clearInterval(sampler);
    global.gc?.();
    const retained = process.memoryUsage().heapUsed;
    const ratio = (run: { wallMs: number; boundMs: number }) =>
      run.boundMs > 0 ? round(run.wallMs / run.boundMs, 3) : NaN;
    return {
      name: `budget sweep of ${customerCount} customers (usage limit ${USAGE_PER_MINUTE}/min)`,
      figures: {
        customers: customerCount,
        usageSummaryCalls: first.calls,
        throttled429: first.throttled + second.throttled,
        boundSeconds: round(first.boundMs / 1000, 1),
        firstSweepSeconds: round(first.wallMs / 1000, 1),
        firstSweepOverBound: ratio(first),
        alertsRaised: alertCounts.raised,
        alertsPosted: alertCounts.posted,
        steadySweepSeconds: round(second.wallMs / 1000, 1),
        steadySweepOverBound: ratio(second),
        steadyCustomersPerSecond: round(customerCount / (second.wallMs / 1000), 1),
        baselineRssMB: round(baseline.rss / 1_048_576, 1),
        peakRssMB: round(Math.max(firstPeaks.rss, steadyPeaks.rss) / 1_048_576, 1),
        firstSweepPeakRssMB: round(firstPeaks.rss / 1_048_576, 1),
        firstSweepPeakHeapMB: round(firstPeaks.heap / 1_048_576, 1),
        steadySweepPeakRssMB: round(steadyPeaks.rss / 1_048_576, 1),
        steadySweepPeakHeapMB: round(steadyPeaks.heap / 1_048_576, 1),
        retainedHeapAfterMB: round(retained / 1_048_576, 1),
      },
      notes: [
        'bound: the least time the simulator lets that many usage reads through (fixed 60 s windows)',
        'the bot and its SQLite (a file in a temporary folder) in this process, the simulator in another, on the same 2 cores; BUDGET_SWEEP_CONCURRENCY lanes (default 4)',
        'retained heap is measured after a forced GC when node runs with --expose-gc (npm run bench does)',
      ],
    };
  } finally {
    await harness.close();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void benchBudgetSweep().then(printResult);
}
