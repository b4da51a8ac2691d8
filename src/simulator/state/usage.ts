import { DAY_MS, HOUR_MS, startOfUtcDay } from './clock';
import { PcError, invalidInput } from './errors';
import { amountToCents } from './money';
import {
  dailySeries,
  dailyUsage,
  lastModifiedAt,
  linesOver,
  nextReportAt,
  periodEndOf,
  periodStartOf,
  USAGE_LAG_MS,
} from './spend';
import { getSubscription } from './subscriptions';
import type { Actor } from './audit';
import type { CustomerState, Meter, SubscriptionRecord, UsageLine } from './types';
import type { World } from './world';

/**
 * What the usage views serve at a given time: the current billing period (calendar month of the
 * simulated clock), when its figures last changed, and one line per resource with its cost so far.
 */
export interface UsageSnapshot {
  periodStart: number;
  periodEnd: number;
  lastModified: number;
  lines: UsageLine[];
}

export function usageSnapshot(customer: CustomerState, now: number): UsageSnapshot {
  const periodStart = periodStartOf(now);
  const spend = customer.spend;
  return {
    periodStart,
    periodEnd: periodEndOf(periodStart),
    lastModified: lastModifiedAt(spend, periodStart, now),
    lines: linesOver(spend.resources, dailySeries(spend, periodStart, now)),
  };
}

export function linesOfSubscription(snapshot: UsageSnapshot, subscriptionId: string): UsageLine[] {
  const key = subscriptionId.toLowerCase();
  return snapshot.lines.filter((l) => l.subscriptionId.toLowerCase() === key);
}

export function sumCents(lines: readonly UsageLine[]): number {
  return lines.reduce((sum, l) => sum + l.cents, 0);
}

/** The subscriptions whose cost is usage: the Azure plan and legacy MS-AZR-0145P, in the usage views. */
export function usageSubscriptions(customer: CustomerState): SubscriptionRecord[] {
  return customer.subscriptions.filter((s) => s.kind === 'azurePlan' || s.kind === 'legacyAzure');
}

export function usageSubscription(customer: CustomerState, id: string): SubscriptionRecord {
  const subscription = getSubscription(customer, id);
  if (subscription.kind !== 'azurePlan' && subscription.kind !== 'legacyAzure') {
    throw invalidInput(`Usage is only available for Azure subscriptions; ${subscription.id} is not one.`);
  }
  return subscription;
}

/** The customer's spend so far in the current period, over its usage subscriptions. */
export function customerSpendCents(customer: CustomerState, snapshot: UsageSnapshot): number {
  return usageSubscriptions(customer).reduce(
    (sum, s) => sum + sumCents(linesOfSubscription(snapshot, s.id)),
    0,
  );
}

export interface MeterTotal {
  meter: Meter;
  quantity: number;
  cents: number;
}

export function meterTotals(lines: readonly UsageLine[]): MeterTotal[] {
  const byMeter = new Map<string, MeterTotal>();
  for (const line of lines) {
    const total = byMeter.get(line.meter.id) ?? { meter: line.meter, quantity: 0, cents: 0 };
    total.quantity = Math.round((total.quantity + line.quantity) * 10_000) / 10_000;
    total.cents += line.cents;
    byMeter.set(line.meter.id, total);
  }
  return [...byMeter.values()];
}

/** Largest budget accepted (the docs set none): 999,999,999.99 in the customer's currency. */
export const MAX_BUDGET_CENTS = 99_999_999_999;

/**
 * The amount of a spending-budget PATCH, in cents, or null to remove the budget. The docs only say
 * "decimal, null = no budget"; this follows what a .NET decimal reader accepts (a JSON number or
 * its text) and refuses what a budget cannot be: zero or negative (null removes a budget), more
 * than two decimals, more than MAX_BUDGET_CENTS, anything not a number.
 */
export function budgetCentsOf(amount: unknown): number | null {
  if (amount === null) return null;
  const value =
    typeof amount === 'number'
      ? amount
      : typeof amount === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(amount)
        ? Number(amount)
        : Number.NaN;
  if (!Number.isFinite(value)) {
    throw invalidInput('Invalid request input: the spending budget amount must be a number or null.');
  }
  if (value <= 0) {
    throw invalidInput(
      'Invalid request input: the spending budget amount must be greater than 0; send null to remove the budget.',
    );
  }
  const cents = amountToCents(value);
  if (Math.abs(value * 100 - cents) > 1e-6) {
    throw invalidInput('Invalid request input: the spending budget amount has more than two decimals.');
  }
  if (cents > MAX_BUDGET_CENTS) {
    throw invalidInput('Invalid request input: the spending budget amount is larger than 999999999.99.');
  }
  return cents;
}

export function setBudget(world: World, customer: CustomerState, amount: unknown, actor: Actor): void {
  const cents = budgetCentsOf(amount);
  const before = customer.budgetCents;
  customer.budgetCents = cents;
  const after = cents === null ? null : cents / 100;
  world.record(actor, customer, {
    resourceType: 'customer',
    operationType: 'update_customer_spending_budget',
    resourceOldValue: JSON.stringify({ Amount: before === null ? null : before / 100 }),
    resourceNewValue: JSON.stringify({ Amount: after }),
    customizedData: [{ key: 'SpendingBudget', value: after === null ? '' : String(after) }],
  });
}

export type Granularity = 'daily' | 'hourly';

export interface UtilizationRecord {
  start: number;
  end: number;
  line: UsageLine;
  quantity: number;
}

/** The latest time whose usage is reported: the end of the last reported day. */
export function reportedUntil(now: number): number {
  return startOfUtcDay(now - USAGE_LAG_MS);
}

/** The reported daily usage lines of one subscription for the days in `[from, to)`. */
function dailyLinesBetween(
  customer: CustomerState,
  subscription: SubscriptionRecord,
  from: number,
  to: number,
  now: number,
): { day: number; line: UsageLine }[] {
  const key = subscription.id.toLowerCase();
  const created = startOfUtcDay(subscription.creationDate);
  const out: { day: number; line: UsageLine }[] = [];
  for (let period = periodStartOf(from); period < to; period = periodEndOf(period)) {
    for (const entry of dailyUsage(customer.spend, period, now)) {
      if (entry.day < from || entry.day >= to || entry.day < created) continue;
      if (entry.line.subscriptionId.toLowerCase() === key) out.push(entry);
    }
  }
  return out;
}

/**
 * Utilization records of a legacy MS-AZR-0145P subscription for `[start, end)`: one per resource
 * and day (or hour) among the reported days, so that a period's daily records add up to its usage
 * records (quantity × the meter's unit price). Azure plans have none (documented as not supported).
 */
export function utilizationRecords(
  world: World,
  customer: CustomerState,
  subscription: SubscriptionRecord,
  start: number,
  end: number,
  granularity: Granularity,
): UtilizationRecord[] | 'notReady' {
  if (subscription.kind !== 'legacyAzure') {
    throw new PcError(
      400,
      '800002',
      'Invalid request input: utilization records are not supported for Azure plan subscriptions; use the reconciliation line items.',
    );
  }
  if (!(end > start)) throw invalidInput('end_time must be later than start_time.');
  if (end - start > 90 * DAY_MS) throw invalidInput('The requested range cannot be longer than 90 days.');
  const until = reportedUntil(world.now());
  const first = startOfUtcDay(start);
  if (first >= until) return 'notReady';
  const last = Math.min(end, until);
  const records: UtilizationRecord[] = [];
  for (const { day, line } of dailyLinesBetween(customer, subscription, first, last, world.now())) {
    const dayQuantity = line.cents / line.meter.unitPriceCents;
    if (granularity === 'daily') {
      records.push({ start: day, end: day + DAY_MS, line, quantity: Math.round(dayQuantity * 1e6) / 1e6 });
      continue;
    }
    for (let t = day; t < day + DAY_MS; t += HOUR_MS) {
      if (t < start || t >= end) continue;
      records.push({
        start: t,
        end: t + HOUR_MS,
        line,
        quantity: Math.round((dayQuantity / 24) * 1e6) / 1e6,
      });
    }
  }
  return records.sort((a, b) => a.start - b.start);
}

export function secondsUntilNextReport(world: World): number {
  return Math.max(1, Math.ceil((nextReportAt(world.now()) - world.now()) / 1000));
}
