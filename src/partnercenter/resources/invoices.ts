import type { z } from 'zod';
import type { CallOptions } from '../callOptions';
import { defineOperation, type Operation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  collectionSchema,
  dailyRatedUsageLineItemSchema,
  invoiceSchema,
  legacyBillingLineItemSchema,
  oneTimeInvoiceLineItemSchema,
  type Collection,
  type DailyRatedUsageLineItem,
  type Invoice,
  type LegacyBillingLineItem,
  type OneTimeInvoiceLineItem,
} from '../schemas';

function lineItemsOperation<T>(
  name: string,
  path: string,
  item: z.ZodType<T, z.ZodTypeDef, unknown>,
): Operation<Collection<T>> {
  return defineOperation({
    name,
    method: 'GET',
    path,
    auth: 'app',
    family: 'invoices',
    response: collectionSchema(item),
    idempotent: true,
  });
}

const BILLED = '/invoices/{invoiceId}/lineitems';
const UNBILLED = '/invoices/unbilled/lineitems';

const operations = {
  list: defineOperation({
    name: 'invoices.list',
    method: 'GET',
    path: '/invoices',
    auth: 'app',
    family: 'invoices',
    response: collectionSchema(invoiceSchema),
    idempotent: true,
  }),
  get: defineOperation({
    name: 'invoices.get',
    method: 'GET',
    path: '/invoices/{invoiceId}',
    auth: 'app+user',
    family: 'invoices',
    response: invoiceSchema,
    idempotent: true,
  }),
  billedBillingLineItems: lineItemsOperation('invoices.lineItems', BILLED, oneTimeInvoiceLineItemSchema),
  billedUsageLineItems: lineItemsOperation('invoices.usageLineItems', BILLED, dailyRatedUsageLineItemSchema),
  unbilledBillingLineItems: lineItemsOperation(
    'invoices.unbilledLineItems',
    UNBILLED,
    oneTimeInvoiceLineItemSchema,
  ),
  unbilledUsageLineItems: lineItemsOperation(
    'invoices.unbilledUsageLineItems',
    UNBILLED,
    dailyRatedUsageLineItemSchema,
  ),
  legacyBillingLineItems: lineItemsOperation('invoices.legacyLineItems', BILLED, legacyBillingLineItemSchema),
};

export type InvoiceLineItemKind = 'billinglineitems' | 'usagelineitems';

export interface InvoiceListOptions extends CallOptions {
  /** Legacy invoices only. */
  size?: number;
  offset?: number;
  /** e.g. `{ Field: 'InvoiceDate', Value: '2024-01-01', Operator: 'greater_than_or_equals' }`. */
  filter?: { Field: string; Value: string; Operator: string };
}

export interface LineItemsOptions<K extends InvoiceLineItemKind> extends CallOptions {
  /** 'onetime' (new commerce and Azure plan) by default; legacy: 'office' | 'azure'. */
  provider?: string;
  invoiceLineItemType?: K;
  currencyCode?: string;
  /** Page size, up to 2000. */
  size?: number;
}

export interface UnbilledLineItemsOptions<K extends InvoiceLineItemKind> extends LineItemsOptions<K> {
  currencyCode: string;
  period: 'current' | 'previous';
}

export interface LegacyLineItemsOptions extends CallOptions {
  /** The invoice detail's billing provider: 'office' (licences, default) or 'azure' (legacy Azure). */
  provider?: 'office' | 'azure';
  /** Page size (offset paging), up to 2000. */
  size?: number;
}

/**
 * Where an invoice's reconciliation line items come from. Its `one_time` details (new commerce)
 * come from the Microsoft Graph billed reconciliation export (`GraphBillingClient`); the v1 line
 * items serve only its legacy details (billing provider office or azure).
 */
export interface ReconciliationPlan {
  graphExport: boolean;
  legacyProviders: ('office' | 'azure')[];
}

export function reconciliationPlan(invoice: Invoice): ReconciliationPlan {
  const providers = new Set((invoice.invoiceDetails ?? []).map((d) => d.billingProvider ?? ''));
  return {
    graphExport: providers.has('one_time'),
    legacyProviders: (['office', 'azure'] as const).filter((p) => providers.has(p)),
  };
}

/**
 * Invoices (v1). For reconciliation, new-commerce invoices go through the Graph export (see
 * `reconciliationPlan`); `legacyLineItems` reads legacy invoices. `lineItems` and
 * `unbilledLineItems` are the v1 OneTime endpoints, still documented but superseded for new
 * commerce by the Graph billed and unbilled exports.
 */
export class InvoicesClient {
  constructor(private readonly pipeline: Pipeline) {}

  list(options: InvoiceListOptions = {}): AsyncIterable<Invoice> {
    return paginate(
      this.pipeline,
      operations.list,
      {
        query: {
          size: options.size,
          offset: options.offset,
          filter: options.filter ? JSON.stringify(options.filter) : undefined,
        },
      },
      options,
    );
  }

  get(invoiceId: string, options: CallOptions = {}): Promise<Invoice> {
    return this.pipeline.call(operations.get, { params: { invoiceId } }, options);
  }

  /** Billed reconciliation line items (seek paging to the end). */
  lineItems(
    invoiceId: string,
    options?: LineItemsOptions<'billinglineitems'>,
  ): AsyncIterable<OneTimeInvoiceLineItem>;
  lineItems(
    invoiceId: string,
    options: LineItemsOptions<'usagelineitems'>,
  ): AsyncIterable<DailyRatedUsageLineItem>;
  lineItems(
    invoiceId: string,
    options: LineItemsOptions<InvoiceLineItemKind> = {},
  ): AsyncIterable<OneTimeInvoiceLineItem | DailyRatedUsageLineItem> {
    const parts = { params: { invoiceId }, query: lineItemQuery(options) };
    return options.invoiceLineItemType === 'usagelineitems'
      ? paginate(this.pipeline, operations.billedUsageLineItems, parts, options)
      : paginate(this.pipeline, operations.billedBillingLineItems, parts, options);
  }

  /**
   * Billing line items of a legacy invoice (LicenseBasedLineItem for office, UsageBasedLineItem
   * for azure), paged by size and offset through `links.next` to the end.
   */
  legacyLineItems(
    invoiceId: string,
    options: LegacyLineItemsOptions = {},
  ): AsyncIterable<LegacyBillingLineItem> {
    return paginate(
      this.pipeline,
      operations.legacyBillingLineItems,
      {
        params: { invoiceId },
        query: {
          provider: options.provider ?? 'office',
          invoicelineitemtype: 'billinglineitems',
          size: options.size,
          offset: 0,
        },
      },
      options,
    );
  }

  /** Unbilled reconciliation line items of the current or previous period (seek paging to the end). */
  unbilledLineItems(
    options: UnbilledLineItemsOptions<'billinglineitems'>,
  ): AsyncIterable<OneTimeInvoiceLineItem>;
  unbilledLineItems(
    options: UnbilledLineItemsOptions<'usagelineitems'>,
  ): AsyncIterable<DailyRatedUsageLineItem>;
  unbilledLineItems(
    options: UnbilledLineItemsOptions<InvoiceLineItemKind>,
  ): AsyncIterable<OneTimeInvoiceLineItem | DailyRatedUsageLineItem> {
    const parts = { query: { ...lineItemQuery(options), period: options.period } };
    return options.invoiceLineItemType === 'usagelineitems'
      ? paginate(this.pipeline, operations.unbilledUsageLineItems, parts, options)
      : paginate(this.pipeline, operations.unbilledBillingLineItems, parts, options);
  }
}

function lineItemQuery(options: LineItemsOptions<InvoiceLineItemKind>) {
  return {
    provider: options.provider ?? 'onetime',
    invoicelineitemtype: options.invoiceLineItemType ?? 'billinglineitems',
    currencycode: options.currencyCode,
    size: options.size,
  };
}
