import { DAY_MS, startOfUtcDay, startOfUtcMonth } from './clock';
import { splitCents } from './money';
import type { SpendLedger, SpendState, UsageLine, UsageResource } from './types';

/**
 * Azure spend over simulated time. The billing period is the UTC calendar month of the clock. A
 * day's usage is reported `USAGE_LAG_MS` after the day ends (§10: estimates, unbilled data "usually
 * appears after about 24 h"), so the spend so far is the sum of the period's reported days, and a
 * new period shows nothing for its first day. Every figure (summaries, usage records, utilization
 * records, daily series) is computed from the same days split over the same resources, so they
 * agree to the cent; nothing runs in the background: a figure depends only on the clock and on
 * what the control API set.
 */

export const USAGE_LAG_MS = DAY_MS;

/** Ledgers kept per customer (the current period and the ones before it). */
const KEPT_LEDGERS = 13;

export function periodStartOf(ms: number): number {
  return startOfUtcMonth(ms);
}

export function periodEndOf(periodStart: number): number {
  return startOfUtcMonth(periodStart, -1);
}

function daysInPeriod(periodStart: number): number {
  return Math.round((periodEndOf(periodStart) - periodStart) / DAY_MS);
}

/** How many whole days of the period have been reported at `now`. */
export function reportedDays(periodStart: number, now: number): number {
  const horizon = startOfUtcDay(now - USAGE_LAG_MS);
  const days = Math.floor((horizon - periodStart) / DAY_MS);
  return Math.min(Math.max(days, 0), daysInPeriod(periodStart));
}

/** When the next day's usage is reported (the Retry-After of a utilization 204). */
export function nextReportAt(now: number): number {
  return startOfUtcDay(now - USAGE_LAG_MS) + DAY_MS + USAGE_LAG_MS;
}

function mix(seed: number, day: number): number {
  let h = Math.imul(seed ^ day, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae3d);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Relative weight of a day's spend: weekdays above weekends (average 1 over a week), ±20 % noise. */
export function dayFactor(seed: number, dayStart: number): number {
  const weekday = new Date(dayStart).getUTCDay();
  const base = weekday === 0 || weekday === 6 ? 0.75 : 1.1;
  return base * (0.8 + 0.4 * mix(seed, Math.round(dayStart / DAY_MS)));
}

/** The period's ledger; a period without one runs at the rate of the latest ledger before it. */
export function ledgerOf(state: SpendState, periodStart: number): SpendLedger {
  let before: SpendLedger | undefined;
  for (const ledger of state.ledgers) {
    if (ledger.periodStart === periodStart) return ledger;
    if (ledger.periodStart < periodStart) before = ledger;
  }
  return {
    periodStart,
    anchorCents: 0,
    anchorDays: 0,
    dailyCents: before ? before.dailyCents : state.baseDailyCents,
    anchoredAt: periodStart,
  };
}

/** Days the anchor covers: at least one when it is not zero, so a figure set on the 1st still shows. */
function anchorSpan(ledger: SpendLedger): number {
  return ledger.anchorCents > 0 ? Math.max(1, ledger.anchorDays) : ledger.anchorDays;
}

/** Cents of each reported day of the period at `now` (index 0 = the 1st of the month). */
export function dailySeries(state: SpendState, periodStart: number, now: number): number[] {
  const ledger = ledgerOf(state, periodStart);
  const anchorDays = anchorSpan(ledger);
  const days = Math.max(reportedDays(periodStart, now), anchorDays);
  const factors = Array.from({ length: days }, (_, d) => dayFactor(state.seed, periodStart + d * DAY_MS));
  const series = anchorDays > 0 ? splitCents(ledger.anchorCents, factors.slice(0, anchorDays)) : [];
  for (let d = anchorDays; d < days; d++) series.push(Math.round(ledger.dailyCents * factors[d]));
  return series;
}

export function totalOf(series: readonly number[]): number {
  return series.reduce((sum, cents) => sum + cents, 0);
}

/** When the figures of the period last changed: the last daily report, or a later control change. */
export function lastModifiedAt(state: SpendState, periodStart: number, now: number): number {
  const days = reportedDays(periodStart, now);
  const reportedAt = days > 0 ? periodStart + days * DAY_MS + USAGE_LAG_MS : periodStart;
  const ledger = ledgerOf(state, periodStart);
  return Math.min(now, Math.max(reportedAt, ledger.anchoredAt));
}

function lineOf(resource: UsageResource, cents: number): UsageLine {
  const { weight: _weight, ...rest } = resource;
  return {
    ...rest,
    cents,
    quantity: Math.round((cents / resource.meter.unitPriceCents) * 10_000) / 10_000,
  };
}

/** Each resource's cents on each day: every day's total split over the resources by weight. */
export function splitDays(resources: readonly UsageResource[], series: readonly number[]): number[][] {
  if (resources.length === 0) return series.map(() => []);
  const weights = resources.map((r) => r.weight);
  return series.map((cents) => splitCents(cents, weights));
}

/** One line per resource: its cost over the given days (the period so far, usually). */
export function linesOver(resources: readonly UsageResource[], series: readonly number[]): UsageLine[] {
  const totals = resources.map(() => 0);
  for (const day of splitDays(resources, series)) day.forEach((cents, i) => (totals[i] += cents));
  return resources.map((resource, i) => lineOf(resource, totals[i]));
}

/** One resource's usage on one day, with the day's start (for daily views and exports). */
export interface DailyUsageLine {
  day: number;
  line: UsageLine;
}

/**
 * The reported daily usage of a period, per resource and day: what a daily-rated usage export or
 * utilization records serve. Summed over days and resources it is the period's spend so far.
 */
export function dailyUsage(state: SpendState, periodStart: number, now: number): DailyUsageLine[] {
  const perDay = splitDays(state.resources, dailySeries(state, periodStart, now));
  const out: DailyUsageLine[] = [];
  perDay.forEach((parts, d) => {
    parts.forEach((cents, i) =>
      out.push({ day: periodStart + d * DAY_MS, line: lineOf(state.resources[i], cents) }),
    );
  });
  return out;
}

/**
 * Sets the spend of the period of `now` so far (what the usage views answer from now on), spread
 * over the days reported so far; later days add `dailyCents` (unchanged when undefined).
 */
export function setPeriodSpend(state: SpendState, now: number, cents: number, dailyCents?: number): void {
  const periodStart = periodStartOf(now);
  const current = ledgerOf(state, periodStart);
  const ledger: SpendLedger = {
    periodStart,
    anchorCents: Math.max(0, Math.round(cents)),
    anchorDays: reportedDays(periodStart, now),
    dailyCents: dailyCents === undefined ? current.dailyCents : Math.max(0, Math.round(dailyCents)),
    anchoredAt: now,
  };
  const others = state.ledgers.filter((l) => l.periodStart !== periodStart);
  state.ledgers = [...others, ledger].sort((a, b) => a.periodStart - b.periodStart).slice(-KEPT_LEDGERS);
}

/**
 * A seed figure counts as this many days' worth of spend: after the seed each reported day adds
 * about figure / 20, whatever the day of the month the simulator was seeded on (a daily average of
 * the figure so far would make the 2nd of a month add the whole figure every day).
 */
export const SEED_RUN_DAYS = 20;

/**
 * The spend state of a customer at (re)seed: `anchorCents` reported for the period of `seededAt`
 * over the days reported by then, then `dailyCents` a day (default anchorCents / SEED_RUN_DAYS;
 * zero when nothing accrues).
 */
export function seedSpend(
  seed: number,
  resources: UsageResource[],
  seededAt: number,
  anchorCents: number,
  accrues: boolean,
  dailyCents?: number,
): SpendState {
  const periodStart = periodStartOf(seededAt);
  const anchorDays = reportedDays(periodStart, seededAt);
  const rate = !accrues ? 0 : (dailyCents ?? Math.round(anchorCents / SEED_RUN_DAYS));
  return {
    seed,
    resources,
    baseDailyCents: rate,
    ledgers: [{ periodStart, anchorCents, anchorDays, dailyCents: rate, anchoredAt: seededAt }],
  };
}
