import { PcError } from './errors';
import { seededRandom } from './ids';
import { amountToCents } from './money';
import { ledgerOf, periodStartOf, setPeriodSpend } from './spend';
import { customerSpendCents, usageSnapshot, usageSubscriptions } from './usage';
import { buildUsageResources, usageTargets } from './usageData';
import type { CustomerState } from './types';

/** What a test asks of a customer's current-period spend (amounts in the customer's currency). */
export type SpendChange =
  | { kind: 'totalCost'; value: number }
  | { kind: 'addCost'; value: number }
  | { kind: 'percentOfBudget'; value: number }
  | { kind: 'addPercentOfBudget'; value: number }
  | { kind: 'dailyCostOnly' };

function conflict(description: string): PcError {
  return new PcError(409, '800002', description);
}

/**
 * A customer with an Azure plan or 0145P subscription bought while the simulator runs has no
 * resources yet: give it some, so that a spend set through control can be spread over them.
 */
function ensureResources(customer: CustomerState): void {
  if (customer.spend.resources.length > 0) return;
  const targets = usageTargets(usageSubscriptions(customer));
  if (targets.length === 0) {
    throw conflict(
      `${customer.profile.companyName} has no Azure plan or MS-AZR-0145P subscription: no spend.`,
    );
  }
  customer.spend.resources = buildUsageResources(seededRandom(`${customer.profile.id}:usage`), targets, 3);
}

function budgetCents(customer: CustomerState): number {
  if (customer.budgetCents === null) {
    throw conflict(`${customer.profile.companyName} has no spending budget: set one or give a cost.`);
  }
  return customer.budgetCents;
}

/**
 * Sets or moves the customer's spend so far in the current period; every usage view shows it at
 * once (spread over the reported days and the resources). `dailyCost` changes the run rate of the
 * days reported from now on (and of the next periods).
 */
export function changeSpend(
  customer: CustomerState,
  now: number,
  change: SpendChange,
  dailyCost?: number,
): void {
  ensureResources(customer);
  const current = customerSpendCents(customer, usageSnapshot(customer, now));
  const target = (() => {
    switch (change.kind) {
      case 'totalCost':
        return amountToCents(change.value);
      case 'addCost':
        return current + amountToCents(change.value);
      case 'percentOfBudget':
        return Math.round((budgetCents(customer) * change.value) / 100);
      case 'addPercentOfBudget':
        return current + Math.round((budgetCents(customer) * change.value) / 100);
      case 'dailyCostOnly':
        return current;
    }
  })();
  if (target < 0) throw new PcError(400, '800002', 'The spend cannot become negative.');
  setPeriodSpend(customer.spend, now, target, dailyCost === undefined ? undefined : amountToCents(dailyCost));
}

/** The run rate of the current period, in cents a day. */
export function currentDailyCents(customer: CustomerState, now: number): number {
  return ledgerOf(customer.spend, periodStartOf(now)).dailyCents;
}
