import type { CustomerUsageSummary } from '../../partnercenter';
import type { Store } from '../../store';
import { periodKeyOf, type PeriodSpend } from './forecast';

/** A customer's spend in its billing period as one usage summary states it: one day's reading. */
export interface SpendReading extends PeriodSpend {
  currency: string;
  periodKey: string;
}

/** The summary's figures, or undefined when it has no billing period to judge them in. */
export function spendReadingOf(summary: CustomerUsageSummary, now: number): SpendReading | undefined {
  const periodStart = summary.billingStartDate;
  const periodEnd = summary.billingEndDate;
  if (!periodStart || !periodEnd || Number.isNaN(Date.parse(periodStart))) return undefined;
  const budget = summary.budget?.amount;
  const asOf = Date.parse(summary.lastModifiedDate ?? '');
  return {
    totalCost: summary.totalCost,
    // Partner Center's 0 means no budget.
    ...(budget !== undefined && budget !== null && budget > 0 ? { budget } : {}),
    currency: summary.currencyCode ?? '',
    periodStart,
    periodEnd,
    periodKey: periodKeyOf(periodStart),
    asOf: Number.isNaN(asOf) ? now : Math.min(asOf, now),
  };
}

/** Keeps the day's reading of a customer's spend (the usage card's trend is drawn from them). */
export async function recordSpend(
  store: Pick<Store, 'spend'>,
  customerId: string,
  spend: SpendReading,
  now: number,
): Promise<void> {
  await store.spend.record({
    customerId,
    day: new Date(spend.asOf).toISOString().slice(0, 10),
    periodKey: spend.periodKey,
    totalCost: spend.totalCost,
    currency: spend.currency,
    ...(spend.budget !== undefined ? { budget: spend.budget } : {}),
    recordedAt: now,
  });
}
