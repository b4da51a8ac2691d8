import { z } from 'zod';
import {
  PartnerCenterError,
  reconciliationPlan,
  type Invoice,
  type PartnerCenterClient,
} from '../../partnercenter';

/** What the bot shows of an invoice, and where its reconciliation line items come from. */
export const invoiceSummarySchema = z.object({
  id: z.string(),
  invoiceDate: z.string().optional(),
  billingPeriodStart: z.string().optional(),
  billingPeriodEnd: z.string().optional(),
  totalCharges: z.number().nullable(),
  paidAmount: z.number().nullable(),
  currency: z.string().nullable(),
  /** Recurring (legacy licence-based) or OneTime (new commerce). */
  invoiceType: z.string().optional(),
  documentType: z.string().optional(),
  /** New-commerce (one_time) details: reconciled through the Graph billed export. */
  newCommerce: z.boolean(),
  /** Legacy details: reconciled through the v1 line items of these providers. */
  legacyProviders: z.array(z.enum(['office', 'azure'])),
});
export type InvoiceSummary = z.infer<typeof invoiceSummarySchema>;

/** The invoice ids Partner Center gives (G000100001, D000070001…), as typed by people. */
export const INVOICE_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;

/** How many invoices are read to find the most recent ones (the list comes in no promised order). */
const MAX_INVOICES_READ = 500;

const orUndefined = (value: string | null | undefined) => value ?? undefined;

function summarizeInvoice(invoice: Invoice): InvoiceSummary {
  const plan = reconciliationPlan(invoice);
  return {
    id: invoice.id,
    invoiceDate: orUndefined(invoice.invoiceDate),
    billingPeriodStart: orUndefined(invoice.billingPeriodStartDate),
    billingPeriodEnd: orUndefined(invoice.billingPeriodEndDate),
    totalCharges: invoice.totalCharges ?? null,
    paidAmount: invoice.paidAmount ?? null,
    currency: invoice.currencyCode ? invoice.currencyCode.toUpperCase() : null,
    invoiceType: orUndefined(invoice.invoiceType),
    documentType: orUndefined(invoice.documentType),
    newCommerce: plan.graphExport,
    legacyProviders: plan.legacyProviders,
  };
}

const dateOf = (invoice: InvoiceSummary) => {
  const at = Date.parse(invoice.invoiceDate ?? '');
  return Number.isNaN(at) ? 0 : at;
};

/** The partner's most recent invoices, newest first. */
export async function recentInvoices(
  pc: PartnerCenterClient,
  options: { correlationId: string; limit: number },
): Promise<{ invoices: InvoiceSummary[]; total: number }> {
  const all: InvoiceSummary[] = [];
  for await (const invoice of pc.invoices.list({ correlationId: options.correlationId })) {
    all.push(summarizeInvoice(invoice));
    if (all.length >= MAX_INVOICES_READ) break;
  }
  all.sort((a, b) => dateOf(b) - dateOf(a) || b.id.localeCompare(a.id));
  return { invoices: all.slice(0, options.limit), total: all.length };
}

/** One invoice by id; undefined when Partner Center does not know it. */
export async function findInvoice(
  pc: PartnerCenterClient,
  invoiceId: string,
  options: { correlationId: string },
): Promise<InvoiceSummary | undefined> {
  try {
    return summarizeInvoice(await pc.invoices.get(invoiceId, { correlationId: options.correlationId }));
  } catch (error) {
    if (error instanceof PartnerCenterError && error.status === 404) return undefined;
    throw error;
  }
}
