import { DAY_MS, HOUR_MS, startOfUtcDay } from './clock';
import { PcError, invalidInput } from './errors';
import { seededRandom } from './ids';
import { amountToCents } from './money';
import { getSubscription } from './subscriptions';
import type { Actor } from './audit';
import type { CustomerState, Meter, SubscriptionRecord, UsageLine } from './types';
import type { World } from './world';

/**
 * Usage is a fixed snapshot of the current billing period (the calendar month of the simulated
 * clock): it does not grow as the clock moves, so tests can name the figures.
 */

export function usageLinesOf(customer: CustomerState, subscriptionId: string): UsageLine[] {
  const key = subscriptionId.toLowerCase();
  return customer.usage.filter((l) => l.subscriptionId.toLowerCase() === key);
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

export function setBudget(world: World, customer: CustomerState, amount: unknown, actor: Actor): void {
  if (amount !== null && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)) {
    throw invalidInput('The spending budget amount must be a non-negative number or null.');
  }
  const before = customer.budgetCents;
  customer.budgetCents = amount === null ? null : amountToCents(amount);
  world.record(actor, customer, {
    resourceType: 'customer',
    operationType: 'update_customer_spending_budget',
    resourceOldValue: JSON.stringify({ Amount: before === null ? null : before / 100 }),
    resourceNewValue: JSON.stringify({ Amount: amount }),
    customizedData: [{ key: 'SpendingBudget', value: amount === null ? '' : String(amount) }],
  });
}

export type Granularity = 'daily' | 'hourly';

export interface UtilizationRecord {
  start: number;
  end: number;
  line: UsageLine;
  quantity: number;
}

/**
 * Utilization records of a legacy MS-AZR-0145P subscription for `[start, end)`: one per resource
 * and day (or hour), for the periods that are over in simulated time. Azure plans have none
 * (documented as not supported: use reconciliation data instead).
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
  const step = granularity === 'hourly' ? HOUR_MS : DAY_MS;
  const reportedUntil = startOfUtcDay(world.now());
  const first = granularity === 'hourly' ? Math.floor(start / HOUR_MS) * HOUR_MS : startOfUtcDay(start);
  if (first >= reportedUntil) return 'notReady';
  const lines = usageLinesOf(customer, subscription.id);
  const records: UtilizationRecord[] = [];
  for (let t = first; t < end && t + step <= reportedUntil; t += step) {
    for (const line of lines) {
      const rand = seededRandom(`${line.resourceName}:${line.subscriptionId}:${t}`);
      const perPeriod = (line.quantity / 30) * (step / DAY_MS);
      records.push({
        start: t,
        end: t + step,
        line,
        quantity: Math.round(perPeriod * (0.5 + rand()) * 1e6) / 1e6,
      });
    }
  }
  return records;
}

export function secondsUntilNextReport(world: World): number {
  return Math.max(1, Math.ceil((startOfUtcDay(world.now()) + DAY_MS - world.now()) / 1000));
}
