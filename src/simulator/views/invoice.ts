import { link } from '../http/links';
import { iso } from '../state/clock';
import { invoiceTotalCents, type InvoiceLine, type InvoiceRecord } from '../state/invoices';
import { CURRENCY_SYMBOL, centsToAmount } from '../state/money';
import { PARTNER_ID, PARTNER_MPN_ID } from '../state/partner';

/** An Invoice; `withDocuments` adds what only get-by-id returns (billing period, PDF link). */
export function invoiceView(invoice: InvoiceRecord, withDocuments: boolean) {
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
        billingProvider: 'one_time',
        links: { self: link(`/invoices/OneTime-${invoice.id}/lineitems/OneTime/BillingLineItems`) },
        attributes: { objectType: 'InvoiceDetail' },
      },
    ],
    documentType: 'invoice',
    invoiceType: 'OneTime',
    links: { self: link(`/invoices/OneTime-${invoice.id}`) },
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
