import { link } from '../http/links';
import { iso } from '../state/clock';
import { invoiceTotalCents, type InvoiceLine, type InvoiceRecord } from '../state/invoices';
import { CURRENCY_SYMBOL, centsToAmount } from '../state/money';
import { PARTNER_ID, PARTNER_MPN_ID } from '../state/partner';

/** How each kind of invoice names its line items (PC/invoice-resources; sample 48). */
const DETAIL = {
  newCommerce: { provider: 'one_time', path: 'OneTime', invoiceType: 'OneTime' },
  legacy: { provider: 'office', path: 'Office', invoiceType: 'Recurring' },
} as const;

/** An Invoice; `withDocuments` adds what only get-by-id returns (billing period, PDF link). */
export function invoiceView(invoice: InvoiceRecord, withDocuments: boolean) {
  const detail = DETAIL[invoice.kind];
  const ref = `${detail.invoiceType}-${invoice.id}`;
  return {
    id: invoice.id,
    invoiceDate: iso(invoice.invoiceDate),
    ...(withDocuments
      ? {
          billingPeriodStartDate: iso(invoice.billingPeriodStartDate),
          billingPeriodEndDate: iso(invoice.billingPeriodEndDate),
        }
      : {}),
    totalCharges: centsToAmount(invoiceTotalCents(invoice)),
    paidAmount: invoice.paid ? centsToAmount(invoiceTotalCents(invoice)) : 0,
    currencyCode: invoice.currency,
    currencySymbol: CURRENCY_SYMBOL[invoice.currency],
    pdfDownloadLink: `/invoices/${invoice.id}/documents/statement`,
    taxReceipts: [],
    invoiceDetails: [
      {
        invoiceLineItemType: 'billing_line_items',
        billingProvider: detail.provider,
        links: { self: link(`/invoices/${ref}/lineitems/${detail.path}/BillingLineItems`) },
        attributes: { objectType: 'InvoiceDetail' },
      },
    ],
    documentType: 'invoice',
    invoiceType: detail.invoiceType,
    links: { self: link(`/invoices/${ref}`) },
    attributes: { objectType: 'Invoice' },
  };
}

/** A OneTimeInvoiceLineItem (billed or unbilled reconciliation). */
export function invoiceLineView(line: InvoiceLine) {
  const c = line.customer;
  return {
    partnerId: PARTNER_ID,
    customerId: c.id,
    customerName: c.companyName,
    customerDomainName: c.domain,
    customerCountry: c.country,
    invoiceNumber: line.invoiceNumber,
    mpnId: PARTNER_MPN_ID,
    resellerMpnId: '',
    orderId: line.orderId,
    orderDate: iso(line.orderDate),
    productId: line.productId,
    skuId: line.skuId,
    availabilityId: line.availabilityId,
    productName: line.productName,
    skuName: line.skuName,
    productQualifiers: [],
    chargeType: line.chargeType,
    unitPrice: centsToAmount(line.unitPriceCents),
    effectiveUnitPrice: centsToAmount(line.unitPriceCents),
    unitType: '',
    quantity: line.quantity,
    subtotal: centsToAmount(line.subtotalCents),
    taxTotal: centsToAmount(line.taxCents),
    totalForCustomer: centsToAmount(line.totalCents),
    currency: line.currency,
    publisherName: 'Microsoft Corporation',
    publisherId: '',
    subscriptionDescription: '',
    subscriptionId: line.subscriptionId,
    subscriptionStartDate: iso(line.subscriptionStartDate),
    subscriptionEndDate: iso(line.subscriptionEndDate),
    chargeStartDate: iso(line.chargeStartDate),
    chargeEndDate: iso(line.chargeEndDate),
    termAndBillingCycle: line.termAndBillingCycle,
    alternateId: line.orderId,
    referenceId: line.referenceId,
    priceAdjustmentDescription: '',
    discountDetails: '',
    pricingCurrency: line.currency,
    pcToBCExchangeRate: 1,
    pcToBCExchangeRateDate: iso(line.orderDate - (line.orderDate % 86_400_000)),
    billableQuantity: line.quantity,
    meterDescription: '',
    billingFrequency: line.billingFrequency,
    reservationOrderId: line.reservationOrderId,
    invoiceLineItemType: 'billing_line_items',
    billingProvider: 'one_time',
    promotionId: '',
    attributes: { objectType: 'OneTimeInvoiceLineItem' },
  };
}

/**
 * A LicenseBasedLineItem (legacy invoice, provider office; the get-invoiceline-items sample). The
 * legacy offer's id and durable id travel in the line's productId and skuId.
 */
export function licenseLineView(line: InvoiceLine) {
  const c = line.customer;
  return {
    partnerId: PARTNER_ID,
    customerId: c.id,
    customerName: c.companyName,
    mpnId: Number(PARTNER_MPN_ID),
    tier2MpnId: -1,
    orderId: line.orderId,
    subscriptionId: line.subscriptionId,
    syndicationPartnerSubscriptionNumber: line.referenceId.toUpperCase(),
    offerId: line.productId,
    durableOfferId: line.skuId,
    offerName: line.productName,
    domainName: c.domain,
    billingCycleType: line.billingFrequency,
    subscriptionName: line.productName,
    subscriptionDescription: line.productName,
    subscriptionStartDate: iso(line.subscriptionStartDate),
    subscriptionEndDate: iso(line.subscriptionEndDate),
    chargeStartDate: iso(line.chargeStartDate),
    chargeEndDate: iso(line.chargeEndDate),
    chargeType: 'New',
    unitPrice: centsToAmount(line.unitPriceCents),
    quantity: line.quantity,
    amount: centsToAmount(line.subtotalCents),
    totalOtherDiscount: 0,
    subtotal: centsToAmount(line.subtotalCents),
    tax: centsToAmount(line.taxCents),
    totalForCustomer: centsToAmount(line.totalCents),
    currency: line.currency,
    invoiceLineItemType: 'billing_line_items',
    billingProvider: 'office',
    attributes: { objectType: 'LicenseBasedLineItem' },
  };
}
