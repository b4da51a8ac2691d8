import { collect, type PartnerCenterClient } from '../../partnercenter';
import { isAzurePlanOffer } from '../azurePlan';
import { forecastSpend, type SpendForecast } from './forecast';
import { spendReadingOf, type SpendReading } from './spendReading';

export interface CostLine {
  name: string;
  detail?: string;
  cost: number;
}

export interface UsageOverview {
  customerId: string;
  currency: string;
  /** Spent so far this billing period (an estimate), in the customer's currency, and in USD. */
  totalCost: number;
  usdTotalCost?: number;
  budget?: number;
  periodStart: string;
  periodEnd: string;
  /** Until when Partner Center's figures run. */
  lastModified?: string;
  /** The period's figures as one day's reading (none when the summary names no period). */
  reading?: SpendReading;
  forecast: SpendForecast;
  /** One line per Azure plan (or 0145P) subscription. */
  subscriptions: CostLine[];
  topMeters: CostLine[];
  topResources: CostLine[];
}

const TOP = 5;

/**
 * The customer's Azure spend this billing period, as Partner Center estimates it (App+User): the
 * customer summary (spend and budget), the per-subscription usage records, and the meter and
 * resource usage records of each Azure plan for the biggest lines. 2 calls, plus 2 per Azure plan.
 */
export async function usageOverview(
  pc: PartnerCenterClient,
  customerId: string,
  options: { correlationId: string; now?: () => number },
): Promise<UsageOverview> {
  const call = { correlationId: options.correlationId };
  const [summary, records] = await Promise.all([
    pc.usage.customerSummary(customerId, call),
    collect(pc.usage.subscriptionUsageRecords(customerId, call)),
  ]);
  const plans = records.filter((r) => isAzurePlanOffer(r.offerId));
  const details = await Promise.all(
    plans.map(async (plan) => {
      const [meters, resources] = await Promise.all([
        collect(pc.usage.meterUsageRecords(customerId, plan.resourceId, call)),
        collect(pc.usage.resourceUsageRecords(customerId, plan.resourceId, call)),
      ]);
      return { meters, resources };
    }),
  );
  const now = (options.now ?? Date.now)();
  const reading = spendReadingOf(summary, now);
  const periodStart = summary.billingStartDate ?? '';
  const periodEnd = summary.billingEndDate ?? '';
  const asOf = reading?.asOf ?? now;
  const budget = reading?.budget;
  return {
    customerId,
    // A currency code; never the currency locale ("en-US"), which is not one.
    currency: summary.currencyCode ?? '',
    ...(reading ? { reading } : {}),
    totalCost: summary.totalCost,
    ...(summary.usdTotalCost !== undefined ? { usdTotalCost: summary.usdTotalCost } : {}),
    ...(budget !== undefined ? { budget } : {}),
    periodStart,
    periodEnd,
    ...(summary.lastModifiedDate ? { lastModified: summary.lastModifiedDate } : {}),
    forecast: forecastSpend({
      totalCost: summary.totalCost,
      ...(budget !== undefined ? { budget } : {}),
      periodStart,
      periodEnd,
      asOf,
    }),
    subscriptions: records.map((r) => ({
      name: r.resourceName ?? r.resourceId,
      detail: r.resourceId,
      cost: r.totalCost,
    })),
    topMeters: top(
      details
        .flatMap((d) => d.meters)
        .map((m) => ({
          name: m.meterName ?? m.meterId,
          ...(m.category ? { detail: [m.category, m.subcategory].filter(Boolean).join(' / ') } : {}),
          cost: m.totalCost,
        })),
    ),
    topResources: top(
      details
        .flatMap((d) => d.resources)
        .map((r) => ({
          name: r.resourceName ?? r.resourceUri,
          ...(r.resourceGroupName || r.resourceType
            ? { detail: [r.resourceGroupName, r.resourceType].filter(Boolean).join(' · ') }
            : {}),
          cost: r.totalCost,
        })),
    ),
  };
}

function top(lines: CostLine[]): CostLine[] {
  return [...lines].sort((a, b) => b.cost - a.cost).slice(0, TOP);
}
