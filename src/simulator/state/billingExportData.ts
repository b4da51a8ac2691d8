import type { AttributeSet, ExportKind } from './billingExports';
import { startOfUtcMonth } from './clock';
import type { InvoiceLine } from './invoices';
import { dailyUsage, periodStartOf, type DailyUsageLine } from './spend';
import type { CustomerProfile } from './types';
import type { World } from './world';

/**
 * What each Graph billing export covers, from the same data as the v1 endpoints:
 * - billed reconciliation: the line items of a new-commerce invoice (its totals reconcile with
 *   v1); a legacy invoice or an unknown id has no v2 data;
 * - unbilled reconciliation: the unbilled line items of the current or last period in a currency;
 * - billed usage: the daily usage of the invoice's billing period for the Azure-plan customers
 *   billed in its currency (the simulator's invoices carry no Azure consumption line, so these do
 *   not add up to an invoice total);
 * - unbilled usage: the reported daily usage of the current or last period in a currency.
 */

export type BillingPeriod = 'current' | 'last';

export type ExportRequest =
  | { kind: 'billedReconciliation' | 'billedUsage'; invoiceId: string; attributeSet: AttributeSet }
  | {
      kind: 'unbilledReconciliation' | 'unbilledUsage';
      billingPeriod: BillingPeriod;
      currencyCode: string;
      attributeSet: AttributeSet;
    };

/** One customer's daily usage, made when a blob needs it. */
export interface UsageSegment {
  customer: CustomerProfile;
  count: number;
  lines(): DailyUsageLine[];
}

export type ExportContent =
  | { kind: 'reconciliation'; lines: readonly InvoiceLine[] }
  | { kind: 'usage'; invoiceNumber: string; segments: readonly UsageSegment[] };

export interface ExportScope {
  content: ExportContent;
  /** Blob directory, laid out like the documented manifests' `rootDirectory`. */
  directory: string;
}

const CONTAINER: Record<ExportKind, string> = {
  billedReconciliation: 'billedreconciliationfastpath',
  unbilledReconciliation: 'unbilledreconciliationfastpath',
  billedUsage: 'billedusagefastpath',
  unbilledUsage: 'unbilledusagefastpath',
};

const month = (ms: number) => new Date(ms).toISOString().slice(0, 7).replace('-', '');
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, '');

function usageSegments(world: World, currency: string, periodStart: number, now: number): UsageSegment[] {
  const segments: UsageSegment[] = [];
  for (const entry of world.customers.entries()) {
    if (entry.currency !== currency) continue;
    const state = world.customers.state(entry.id);
    if (!state || state.spend.resources.length === 0) continue;
    const lines = () => dailyUsage(state.spend, periodStart, now);
    const count = lines().length;
    if (count > 0) segments.push({ customer: state.profile, count, lines });
  }
  return segments;
}

function withData(scope: ExportScope): ExportScope | undefined {
  const { content } = scope;
  const empty =
    content.kind === 'reconciliation' ? content.lines.length === 0 : content.segments.length === 0;
  return empty ? undefined : scope;
}

/** The content of an export and where its blobs go; undefined when there is no data. */
export function exportScope(
  world: World,
  tenantId: string,
  request: ExportRequest,
  now: number,
): ExportScope | undefined {
  const root = `/blobs/${CONTAINER[request.kind]}/v1`;
  const fragment = `Fragment=${request.attributeSet}/PartitionType=default`;
  if ('invoiceId' in request) {
    const invoice = world.invoices.find(request.invoiceId);
    if (!invoice || invoice.kind !== 'newCommerce') return undefined;
    const directory = `${root}/PartnerTenantId=${tenantId}/BillingMonth=${month(invoice.billingPeriodStartDate)}/InvoiceId=${invoice.id}/InvoiceVersion=${stamp(now)}/${fragment}`;
    const content: ExportContent =
      request.kind === 'billedReconciliation'
        ? { kind: 'reconciliation', lines: invoice.lines }
        : {
            kind: 'usage',
            invoiceNumber: invoice.id,
            segments: usageSegments(world, invoice.currency, invoice.billingPeriodStartDate, now),
          };
    return withData({ content, directory });
  }
  const currency = request.currencyCode.toUpperCase();
  const periodStart = periodStartOf(request.billingPeriod === 'current' ? now : startOfUtcMonth(now, 1));
  const directory = `${root}/${stamp(now)}/PartnerTenantId=${tenantId}/BillingMonth=${month(periodStart)}/Currency=${currency}/${fragment}`;
  const content: ExportContent =
    request.kind === 'unbilledReconciliation'
      ? {
          kind: 'reconciliation',
          lines: world.invoices.unbilledLines(
            request.billingPeriod === 'current' ? 'current' : 'previous',
            currency,
          ),
        }
      : { kind: 'usage', invoiceNumber: '', segments: usageSegments(world, currency, periodStart, now) };
  return withData({ content, directory });
}
