import type { LegacyBillingLineItem, ReconciliationLineItem } from '../../partnercenter';

/**
 * One reconciliation line item, whichever source it came from (the Graph billing export of a
 * new-commerce invoice or of the unbilled period, or the v1 line items of a legacy invoice): what
 * the aggregation and the CSV need, nothing more.
 */
export interface ReconLine {
  invoiceNumber?: string;
  customerId: string;
  customerName?: string;
  customerDomain?: string;
  productId?: string;
  skuId?: string;
  productName?: string;
  skuName?: string;
  chargeType?: string;
  subscriptionId?: string;
  orderId?: string;
  chargeStartDate?: string;
  chargeEndDate?: string;
  unitPrice?: number;
  quantity?: number;
  subtotal?: number;
  tax?: number;
  /** What the customer is charged for the line, tax included. */
  total: number;
  currency?: string;
}

const text = (value: string | null | undefined): string | undefined =>
  value === null || value === undefined || value.trim() === '' ? undefined : value;
const num = (value: number | null | undefined): number | undefined =>
  value === null || value === undefined ? undefined : value;

/** A line of the Graph billed or unbilled reconciliation export. */
export function fromExportLine(item: ReconciliationLineItem): ReconLine {
  return {
    invoiceNumber: text(item.invoiceNumber),
    customerId: item.customerId,
    customerName: text(item.customerName),
    customerDomain: text(item.customerDomainName),
    productId: text(item.productId),
    skuId: text(item.skuId),
    productName: text(item.productName),
    skuName: text(item.skuName),
    chargeType: text(item.chargeType),
    subscriptionId: text(item.subscriptionId),
    orderId: text(item.orderId),
    chargeStartDate: text(item.chargeStartDate),
    chargeEndDate: text(item.chargeEndDate),
    unitPrice: num(item.effectiveUnitPrice) ?? num(item.unitPrice),
    quantity: num(item.billableQuantity) ?? num(item.quantity),
    subtotal: num(item.subtotal),
    tax: num(item.taxTotal),
    total: item.totalForCustomer,
    currency: text(item.currency),
  };
}

/**
 * A v1 billing line item of a legacy invoice: licence-based (provider office, total
 * `totalForCustomer`) or usage-based (provider azure, total `postTaxTotal`).
 */
export function fromLegacyLine(item: LegacyBillingLineItem, invoiceId: string): ReconLine {
  return {
    invoiceNumber: invoiceId,
    customerId: item.customerId,
    customerName: text(item.customerName) ?? text(item.customerCompanyName),
    productId: text(item.offerId),
    productName: text(item.offerName),
    chargeType: text(item.chargeType),
    subscriptionId: text(item.subscriptionId),
    orderId: text(item.orderId),
    chargeStartDate: text(item.chargeStartDate),
    chargeEndDate: text(item.chargeEndDate),
    unitPrice: num(item.unitPrice),
    quantity: num(item.quantity),
    subtotal: num(item.subtotal) ?? num(item.pretaxCharges) ?? num(item.amount),
    tax: num(item.tax) ?? num(item.taxAmount),
    total: num(item.totalForCustomer) ?? num(item.postTaxTotal) ?? 0,
    currency: text(item.currency),
  };
}
