import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import axios from 'axios';
import { pcErrorText } from '../src/i18n';
import type { LimiterFamily, PartnerCenterCall } from '../src/partnercenter';
import { DEFAULT_RETRY } from '../src/partnercenter/http/retryPolicy';
import { personalMessage, type TeamsUser } from '../test/support/teamsActivities';
import { SimulatorHarness } from '../test/integration/partnercenter/simulatorHarness';
import { startPurchaseHarness } from '../test/integration/purchase/harness';
import { percentile, printResult, round, type BenchResult } from './benchResult';
import { startChildSimulator } from './childSimulator';

/** Generated customers on top of the simulator's seed: a partner of a realistic size. */
const EXTRA_CUSTOMERS = 2_000;
const CONVERSATIONS = 50;
/** The target: 99 turns in 100 answered within 5 s under this load. */
const TARGET_P99_MS = 5_000;
const COMMANDS = ['orders', 'plans', 'usage'] as const;
/**
 * What people type after the command, out of 10 lookups: mostly a name as it is, then a typing
 * mistake, the first word(s) only (several customers match), and a name no customer has.
 */
const KIND_CYCLE = [
  'exact',
  'typo',
  'exact',
  'ambiguous',
  'exact',
  'unknown',
  'exact',
  'typo',
  'exact',
  'ambiguous',
] as const;
type LookupKind = (typeof KIND_CYCLE)[number];
/** Words no customer of the seed or the generator has: lookups that match nothing at all. */
const UNKNOWN_WORDS = ['Zephyrine', 'Quillon', 'Marbleweft', 'Orrisdale', 'Vantorq', 'Kestrelby'];

type Outcome = 'card' | 'picker' | 'busy' | 'error';

interface Turn {
  kind: LookupKind;
  outcome: Outcome;
  ms: number;
}

/** Seconds of load: LOOKUP_LOAD_SECONDS shortens the run for a trial (the figure is 60). */
function loadSeconds(): number {
  const value = Number(process.env.LOOKUP_LOAD_SECONDS ?? 60);
  if (!Number.isFinite(value) || value <= 0) throw new Error('LOOKUP_LOAD_SECONDS must be a positive number');
  return value;
}

/** A small seeded generator (mulberry32): the same names in the same order from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A typing mistake in the first word (two letters swapped, else one dropped): Partner Center's
 * prefix search then finds nothing, so the lookup takes the directory's way (inside names, then
 * the near misses), the costliest one on the bot's side.
 */
function typo(name: string, random: () => number): string {
  const [first, ...rest] = name.split(' ');
  if (first.length < 4) return `${first.slice(0, -1)}x ${rest.join(' ')}`.trim();
  const at = 1 + Math.floor(random() * (first.length - 2));
  const swapped = `${first.slice(0, at)}${first[at + 1]}${first[at]}${first.slice(at + 2)}`;
  const word = swapped.toLowerCase() === first.toLowerCase() ? first.slice(0, -1) : swapped;
  return [word, ...rest].join(' ');
}

/** What a lookup of this kind says, from the partner's real customer names. */
function lookupText(kind: LookupKind, names: readonly string[], random: () => number): string {
  const name = names[Math.floor(random() * names.length)];
  switch (kind) {
    case 'exact':
      return name;
    case 'typo':
      return typo(name, random);
    case 'ambiguous': {
      // "Trey Research 00042" → "Trey Research": every generated customer of that name matches;
      // "Contoso France" → "Contoso": the seed's customers of one group share their first word.
      const base = name.replace(/\s+\d+$/, '');
      return base !== name ? base : name.split(' ')[0];
    }
    case 'unknown':
      return `${UNKNOWN_WORDS[Math.floor(random() * UNKNOWN_WORDS.length)]} ${Math.floor(random() * 90_000) + 10_000}`;
  }
}

/**
 * Stands in for the Bot Connector, keeping only what each turn's replies were (by the activity
 * they answer): the harness's fake connector keeps every body, which over a minute of this load
 * would be hundreds of megabytes in the very process being measured.
 */
async function startReplyCounter(busyReason: string) {
  const replies = new Map<string, Outcome[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let activity: { replyToId?: string; text?: string; attachments?: unknown[] } = {};
      try {
        activity = JSON.parse(raw) as typeof activity;
      } catch {
        // Not an activity: nothing to count (the turn then has no reply and counts as an error).
      }
      if (activity.replyToId) {
        const list = replies.get(activity.replyToId) ?? [];
        list.push(classify(activity, raw, busyReason));
        replies.set(activity.replyToId, list);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${replies.size}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    /** The replies to one activity, forgotten once read. */
    take(activityId: string): Outcome[] {
      const list = replies.get(activityId) ?? [];
      replies.delete(activityId);
      return list;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * One reply: the customer picker (several, near misses or none matched), another card the answer
 * (the customer's orders, plans or usage); a reply in words is the turn's failure (reportTurnError),
 * "busy" when it carries the localized busy reason. (A refused role would be a notice card: the
 * warm-up makes sure these callers get the customer's card and the picker instead.)
 */
function classify(
  activity: { text?: string; attachments?: unknown[] },
  raw: string,
  busyReason: string,
): Outcome {
  if (!activity.attachments || activity.attachments.length === 0) {
    return activity.text?.includes(busyReason) ? 'busy' : 'error';
  }
  // The picker always has its search box; its choice set only when something matched or was near.
  return raw.includes('"id":"search"') ? 'picker' : 'card';
}

/** The worst of a turn's replies (a turn normally sends one). */
function outcomeOf(status: number, replies: readonly Outcome[]): Outcome {
  if (status >= 400 || replies.length === 0) return 'error';
  for (const outcome of ['busy', 'error', 'picker', 'card'] as const) {
    if (replies.includes(outcome)) return outcome;
  }
  return 'error';
}

/** CPU seconds a process has used (Linux /proc; NaN elsewhere). */
function processCpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function summary(times: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
  };
}

/**
 * Customer lookups under load: 50 conversations (50 people) each send `orders|plans|usage <name>`
 * back to back for 60 s, against a partner of 2,000 customers with the simulator's default rate
 * limits, told to the client as an operator would. The names are exact, mistyped, ambiguous
 * prefixes or unknown. Reports the turns, their latency percentiles, what the answers were (the
 * customer's card, the picker, "busy, try again in N s", an error) and p99 against the 5 s target.
 */
export async function benchLookupLoad(seconds = loadSeconds()): Promise<BenchResult> {
  // The simulator in a process of its own: its CPU is Partner Center's, not the bot's.
  const child = await startChildSimulator(EXTRA_CUSTOMERS);
  const simulator = SimulatorHarness.attach(child);
  const config = await axios.get<{ throttling: { families: Record<LimiterFamily, { perMinute: number }> } }>(
    `${simulator.baseUrl}/_sim/config`,
  );
  const perMinute = Object.fromEntries(
    Object.entries(config.data.throttling.families).map(([family, limit]) => [family, limit.perMinute]),
  ) as Record<LimiterFamily, number>;
  const harness = await startPurchaseHarness({
    simulator,
    // Production's timeout and retries (not the tests' short ones), the simulator's limits.
    partnerCenter: (sim) => sim.client({ timeoutMs: 30_000, retry: DEFAULT_RETRY, limits: { perMinute } }),
  });
  const counter = await startReplyCounter(pcErrorText('en', { code: 'busy', message: 'busy' }));
  // The turn's Partner Center calls as they ended; started again once the warm-up is over.
  const newCounts = () => ({
    total: 0,
    failed: 0,
    throttled429: 0,
    busyWaitMs: 0,
    busyByOperation: new Map<string, number>(),
  });
  let calls = newCounts();
  const stopCounting = harness.pc.onCall((call: PartnerCenterCall) => {
    calls.total += 1;
    if (call.ok) return;
    calls.failed += 1;
    if (call.code === 'busy') {
      calls.busyByOperation.set(call.operation, (calls.busyByOperation.get(call.operation) ?? 0) + 1);
      calls.busyWaitMs += call.durationMs;
    }
    if (call.code === '429') calls.throttled429 += 1;
  });
  const url = `${harness.app.server.url}/api/messages`;
  try {
    const names = (await simulator.customers()).map((c) => c.companyName);
    const people: TeamsUser[] = Array.from({ length: CONVERSATIONS }, (_, i) => ({
      id: `29:lookup-${i}`,
      aadObjectId: `6f3a1c2e-8b4d-4e5f-9a7b-${String(i).padStart(12, '0')}`,
      name: `Load Tester ${i}`,
    }));

    const lookup = async (worker: number, kind: LookupKind, random: () => number): Promise<Turn> => {
      const command = COMMANDS[Math.floor(random() * COMMANDS.length)];
      const activity = personalMessage(`${command} ${lookupText(kind, names, random)}`, {
        serviceUrl: counter.serviceUrl,
        user: people[worker],
        conversationId: `a:lookup-${worker}`,
      });
      const started = performance.now();
      let status = 0;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 599;
      }
      const ms = performance.now() - started;
      return { kind, outcome: outcomeOf(status, counter.take(activity.id)), ms };
    };

    // Warm-up, not measured: tokens, the customer directory's first read (a mistyped name needs
    // it), JIT. One turn of each kind, one after the other.
    const warmRandom = seededRandom(1);
    for (const [kind, expected] of [
      ['exact', 'card'],
      ['ambiguous', undefined],
      ['typo', 'picker'],
      ['unknown', 'picker'],
    ] as const) {
      const turn = await lookup(0, kind, warmRandom);
      if (turn.outcome === 'error' || (expected && turn.outcome !== expected)) {
        throw new Error(`the warm-up ${kind} lookup answered ${turn.outcome}, not ${expected ?? 'a card'}`);
      }
    }

    global.gc?.();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    calls = newCounts();
    const botCpuBefore = process.cpuUsage();
    const simCpuBefore = processCpuSeconds(child.pid);
    const turns: Turn[] = [];
    const started = performance.now();
    const endAt = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, worker) => {
        const random = seededRandom(1_000 + worker);
        // Each conversation starts at its own place in the cycle, so every kind is always in flight.
        for (let i = worker; performance.now() < endAt; i++) {
          turns.push(await lookup(worker, KIND_CYCLE[i % KIND_CYCLE.length], random));
        }
      }),
    );
    const wallMs = performance.now() - started;
    loop.disable();
    const botCpu = process.cpuUsage(botCpuBefore);
    const simCpuSeconds = processCpuSeconds(child.pid) - simCpuBefore;

    const all = summary(turns.map((t) => t.ms));
    const count = (outcome: Outcome) => turns.filter((t) => t.outcome === outcome).length;
    const figures: Record<string, number> = {
      customers: names.length,
      conversations: CONVERSATIONS,
      wallSeconds: round(wallMs / 1000, 1),
      turns: turns.length,
      turnsPerSecond: round(turns.length / (wallMs / 1000), 1),
      p50Ms: round(all.p50, 1),
      p95Ms: round(all.p95, 1),
      p99Ms: round(all.p99, 1),
      maxMs: round(all.max, 1),
      p99OverTarget: round(all.p99 / TARGET_P99_MS, 2),
      meetsTarget: all.p99 < TARGET_P99_MS ? 1 : 0,
      answeredCard: count('card'),
      answeredPicker: count('picker'),
      busy: count('busy'),
      errors: count('error'),
    };
    // Where the time goes: each outcome's own latency, and each kind of lookup's.
    for (const outcome of ['card', 'picker', 'busy', 'error'] as const) {
      const times = turns.filter((t) => t.outcome === outcome).map((t) => t.ms);
      if (times.length === 0) continue;
      const s = summary(times);
      figures[`${outcome} p50Ms`] = round(s.p50, 1);
      figures[`${outcome} p99Ms`] = round(s.p99, 1);
    }
    for (const kind of ['exact', 'typo', 'ambiguous', 'unknown'] as const) {
      const ofKind = turns.filter((t) => t.kind === kind);
      figures[`${kind} turns`] = ofKind.length;
      figures[`${kind} busy`] = ofKind.filter((t) => t.outcome === 'busy').length;
      figures[`${kind} p99Ms`] = round(summary(ofKind.map((t) => t.ms)).p99, 1);
    }
    const busyCalls = [...calls.busyByOperation.values()].reduce((sum, n) => sum + n, 0);
    Object.assign(figures, {
      pcCalls: calls.total,
      pcCallsBusy: busyCalls,
      // How long a call that ended "busy" waited in the client's queue for room in its family.
      pcBusyCallMeanWaitMs: busyCalls > 0 ? round(calls.busyWaitMs / busyCalls, 0) : 0,
      pcCalls429: calls.throttled429,
      pcCallsOtherFailures: calls.failed - busyCalls - calls.throttled429,
      botCpuCores: round((botCpu.user + botCpu.system) / 1000 / wallMs, 2),
      simulatorCpuCores: round((simCpuSeconds * 1000) / wallMs, 2),
      eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6, 1),
      eventLoopDelayMaxMs: round(loop.max / 1e6, 1),
    });
    // Which operations ran out of room: the family whose budget the load spends.
    for (const [operation, n] of [...calls.busyByOperation].sort((a, b) => b[1] - a[1])) {
      figures[`pcBusy ${operation}`] = n;
    }
    return {
      name: `customer lookups under load (${CONVERSATIONS} conversations, ${seconds} s, ${names.length} customers, the simulator's default rate limits)`,
      figures,
      notes: [
        `target: p99 under ${TARGET_P99_MS / 1000} s (p99OverTarget < 1, meetsTarget 1)`,
        'each conversation sends `orders|plans|usage <name>` as soon as the last answer came: per 10 lookups 5 exact names, 2 typos, 2 ambiguous prefixes, 1 unknown name',
        "the client is given the simulator's per-minute limits (GET /_sim/config), production's timeout and retries, the default 10 s turn deadline",
        'card: the customer was named and its card shown; picker: several, near misses or none matched; busy: "busy, try again in N s"; error: any other failure',
        'the bot, its SQLite (in memory) and the 50 callers in this process, the simulator in another, on the same cores',
      ],
    };
  } finally {
    stopCounting();
    await harness.close();
    await counter.close();
    await simulator.close();
  }
}

if (require.main === module) {
  benchLookupLoad().then(printResult, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
