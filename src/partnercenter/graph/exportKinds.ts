import { z } from 'zod';
import { numeric, optionalNumeric, optionalString, resource } from '../zodHelpers';

/**
 * The four Graph partner billing exports (GRAPH/partners-billing-*-export): what each one is
 * asked with and what its line items look like. The blobs' attribute names are PascalCase
 * (`TotalForCustomer`); the schemas name them in camelCase and match keys case-insensitively,
 * keep every other field, and read numbers sent as text.
 */

export type ExportKind = 'billedReconciliation' | 'unbilledReconciliation' | 'billedUsage' | 'unbilledUsage';

/** `full` (default) or `basic`, a subset of the attributes. */
export type AttributeSet = 'full' | 'basic';

export interface BilledExportParams {
  invoiceId: string;
  attributeSet?: AttributeSet;
}

export interface UnbilledExportParams {
  billingPeriod: 'current' | 'last';
  /** ISO 4217, e.g. 'USD'. */
  currencyCode: string;
  attributeSet?: AttributeSet;
}

export interface ExportParams {
  billedReconciliation: BilledExportParams;
  unbilledReconciliation: UnbilledExportParams;
  billedUsage: BilledExportParams;
  unbilledUsage: UnbilledExportParams;
}

/** A new-commerce reconciliation line item (billed or unbilled); its total is `totalForCustomer`. */
export const reconciliationLineItemSchema = resource({
  partnerId: optionalString,
  customerId: z.string(),
  customerName: optionalString,
  customerDomainName: optionalString,
  customerCountry: optionalString,
  invoiceNumber: optionalString,
  orderId: optionalString,
  orderDate: optionalString,
  productId: optionalString,
  skuId: optionalString,
  availabilityId: optionalString,
  productName: optionalString,
  skuName: optionalString,
  chargeType: optionalString,
  unitPrice: optionalNumeric,
  effectiveUnitPrice: optionalNumeric,
  quantity: optionalNumeric,
  billableQuantity: optionalNumeric,
  subtotal: optionalNumeric,
  taxTotal: optionalNumeric,
  totalForCustomer: numeric,
  currency: optionalString,
  pricingCurrency: optionalString,
  pcToBCExchangeRate: optionalNumeric,
  subscriptionId: optionalString,
  subscriptionStartDate: optionalString,
  subscriptionEndDate: optionalString,
  chargeStartDate: optionalString,
  chargeEndDate: optionalString,
  termAndBillingCycle: optionalString,
  billingFrequency: optionalString,
  referenceId: optionalString,
});
export type ReconciliationLineItem = z.infer<typeof reconciliationLineItemSchema>;

/** A daily rated usage line item (billed or unbilled); its amount is `billingPreTaxTotal`. */
export const dailyUsageLineItemSchema = resource({
  partnerId: optionalString,
  customerId: z.string(),
  customerName: optionalString,
  invoiceNumber: optionalString,
  productId: optionalString,
  skuId: optionalString,
  skuName: optionalString,
  subscriptionId: optionalString,
  entitlementId: optionalString,
  entitlementDescription: optionalString,
  usageDate: optionalString,
  chargeStartDate: optionalString,
  chargeEndDate: optionalString,
  chargeType: optionalString,
  meterId: optionalString,
  meterName: optionalString,
  meterCategory: optionalString,
  meterSubCategory: optionalString,
  unit: optionalString,
  resourceGroup: optionalString,
  resourceUri: optionalString,
  unitPrice: optionalNumeric,
  effectiveUnitPrice: optionalNumeric,
  quantity: optionalNumeric,
  billingPreTaxTotal: numeric,
  billingCurrency: optionalString,
  pricingPreTaxTotal: optionalNumeric,
  pricingCurrency: optionalString,
  pcToBCExchangeRate: optionalNumeric,
});
export type DailyUsageLineItem = z.infer<typeof dailyUsageLineItemSchema>;

export interface ExportLineItem {
  billedReconciliation: ReconciliationLineItem;
  unbilledReconciliation: ReconciliationLineItem;
  billedUsage: DailyUsageLineItem;
  unbilledUsage: DailyUsageLineItem;
}

interface KindSpec<K extends ExportKind> {
  /** Under /v1.0/reports/partners/billing. */
  path: string;
  body(params: ExportParams[K]): Record<string, string>;
  lineItem: z.ZodType<ExportLineItem[K], z.ZodTypeDef, unknown>;
}

const billedBody = (p: BilledExportParams) => ({
  invoiceId: p.invoiceId,
  attributeSet: p.attributeSet ?? 'full',
});
const unbilledBody = (p: UnbilledExportParams) => ({
  billingPeriod: p.billingPeriod,
  currencyCode: p.currencyCode,
  attributeSet: p.attributeSet ?? 'full',
});

export const EXPORT_KINDS: { [K in ExportKind]: KindSpec<K> } = {
  billedReconciliation: {
    path: 'reconciliation/billed/export',
    body: billedBody,
    lineItem: reconciliationLineItemSchema,
  },
  unbilledReconciliation: {
    path: 'reconciliation/unbilled/export',
    body: unbilledBody,
    lineItem: reconciliationLineItemSchema,
  },
  billedUsage: { path: 'usage/billed/export', body: billedBody, lineItem: dailyUsageLineItemSchema },
  unbilledUsage: { path: 'usage/unbilled/export', body: unbilledBody, lineItem: dailyUsageLineItemSchema },
};
