/**
 * The arithmetic of a budget: how much of it is spent, and where the month is heading. Pure
 * functions on figures Partner Center gives (its usage summary is an estimate for the current
 * billing period, a day or so behind).
 */

export interface PeriodSpend {
  /** Spent so far this billing period, in the customer's currency. */
  totalCost: number;
  /** The spending budget, or undefined when the customer has none. */
  budget?: number;
  /** The billing period, ISO dates (start inclusive, end exclusive or last day: both read as UTC days). */
  periodStart: string;
  periodEnd: string;
  /** Until when the figures run (the usage summary's lastModifiedDate), else now. */
  asOf: number;
}

export interface SpendForecast {
  /** Share of the budget spent, in percent (undefined without a budget). */
  percentUsed?: number;
  /** Spend projected for the whole period at the pace so far. */
  projectedTotal: number;
  projectedPercent?: number;
  /** When the budget is reached at that pace (epoch ms), if it is within the period. */
  projectedCrossing?: number;
  /** Days of the period elapsed (fractional) and in all. */
  elapsedDays: number;
  periodDays: number;
}

const DAY_MS = 86_400_000;

export function forecastSpend(spend: PeriodSpend): SpendForecast {
  const start = Date.parse(spend.periodStart);
  // Partner Center gives the end as the next period's first instant (2019-09-01 → 2019-10-01).
  const end = Date.parse(spend.periodEnd);
  const periodDays = Math.max(1, Math.round((end - start) / DAY_MS));
  const elapsedDays = Math.min(periodDays, Math.max(0.5, (spend.asOf - start) / DAY_MS));
  const pace = spend.totalCost / elapsedDays;
  const projectedTotal = round2(pace * periodDays);
  const budget = spend.budget !== undefined && spend.budget > 0 ? spend.budget : undefined;
  const forecast: SpendForecast = { projectedTotal, elapsedDays, periodDays };
  if (budget === undefined) return forecast;
  forecast.percentUsed = round2((spend.totalCost / budget) * 100);
  forecast.projectedPercent = round2((projectedTotal / budget) * 100);
  if (spend.totalCost < budget && pace > 0) {
    const crossing = start + (budget / pace) * DAY_MS;
    if (crossing <= start + periodDays * DAY_MS) forecast.projectedCrossing = crossing;
  }
  return forecast;
}

/** The thresholds (percent) the spend has reached, lowest first. */
export function reachedThresholds(percentUsed: number | undefined, thresholds: readonly number[]): number[] {
  if (percentUsed === undefined) return [];
  return [...thresholds].filter((t) => percentUsed >= t).sort((a, b) => a - b);
}

/** The billing period a moment falls in, as its key (YYYY-MM of its start). */
export function periodKeyOf(periodStart: string): string {
  return periodStart.slice(0, 7);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
