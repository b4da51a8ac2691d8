import type { z } from 'zod';
import type { CallOptions } from '../callOptions';
import { defineOperation, type Operation } from '../http/operation';
import { paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  collectionSchema,
  dailyRatedUsageLineItemSchema,
  invoiceSchema,
  oneTimeInvoiceLineItemSchema,
  type Collection,
  type DailyRatedUsageLineItem,
  type Invoice,
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
