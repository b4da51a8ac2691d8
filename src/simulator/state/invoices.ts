import { RESERVATION_PRODUCT_ID } from './catalog';
import { DAY_MS, startOfUtcMonth } from './clock';
import type { CustomerDirectory } from './customers';
import { seededRandom, stableGuid, stableHex } from './ids';
import type { Currency, CustomerProfile } from './types';

/** One OneTimeInvoiceLineItem, amounts in cents. */
export interface InvoiceLine {
  invoiceNumber: string;
  customer: CustomerProfile;
  orderId: string;
  orderDate: number;
  productId: string;
  skuId: string;
  availabilityId: string;
  productName: string;
  skuName: string;
  chargeType: string;
  unitPriceCents: number;
  quantity: number;
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
  currency: Currency;
  subscriptionId: string;
  subscriptionStartDate: number;
  subscriptionEndDate: number;
  chargeStartDate: number;
  chargeEndDate: number;
  termAndBillingCycle: string;
  billingFrequency: string;
  referenceId: string;
  reservationOrderId: string;
}

/**
 * `newCommerce`: a OneTime invoice (billing provider one_time): v1 line items (OneTimeInvoiceLineItem,
 * seek paging) and the Graph billed reconciliation export. `legacy`: a Recurring invoice of the
 * legacy licence-based model (billing provider office): v1 line items only (LicenseBasedLineItem,
 * offset paging); the Graph export has no data for it (v2 covers new commerce only).
 */
export type InvoiceKind = 'newCommerce' | 'legacy';

export interface InvoiceRecord {
  id: string;
  kind: InvoiceKind;
  invoiceDate: number;
  billingPeriodStartDate: number;
  billingPeriodEndDate: number;
  currency: Currency;
  paid: boolean;
  lines: InvoiceLine[];
}

/** What a line sells. For a legacy offer `productId` is the offer id and `skuId` the durable offer id. */
interface Offer {
  productId: string;
  skuId: string;
  availabilityId: string;
  name: string;
  unitPrice: Record<Currency, number>;
  termMonths: number;
  termAndBillingCycle: string;
  billingFrequency: string;
}

const OFFERS: readonly Offer[] = [
  {
    productId: 'CFQ7TTC0LH18',
    skuId: '0001',
    availabilityId: 'CFQ7TTC0K971',
    name: 'Microsoft 365 Business Basic',
    unitPrice: { USD: 600, EUR: 560, GBP: 490 },
    termMonths: 1,
    termAndBillingCycle: 'One-Month commitment for monthly/yearly billing',
    billingFrequency: 'Monthly',
  },
  {
    productId: 'CFQ7TTC0LFLX',
    skuId: '0002',
    availabilityId: 'CFQ7TTC0K3Q5',
    name: 'Microsoft 365 E3',
    unitPrice: { USD: 3_600, EUR: 3_390, GBP: 2_970 },
    termMonths: 12,
    termAndBillingCycle: 'One-Year commitment for monthly/yearly billing',
    billingFrequency: 'Monthly',
  },
  {
    productId: RESERVATION_PRODUCT_ID,
    skuId: '0001',
    availabilityId: 'DZH318Z0HM11',
    name: 'Reserved VM Instance, Standard_DS1_v2, US West 2, 1 Year',
    unitPrice: { USD: 43_800, EUR: 43_800, GBP: 43_800 },
    termMonths: 12,
    termAndBillingCycle: 'One-Year commitment',
    billingFrequency: 'OneTime',
  },
];

/** Legacy (pre-new-commerce) licence offers, billed on Recurring invoices. */
const LEGACY_OFFERS: readonly Offer[] = [
  {
    productId: '796B6B5F-613C-4E24-A17C-EBA730D49C02',
    skuId: '8F8B1E1A-8C1D-4C33-9C1E-5D2F1B6A0E31',
    availabilityId: '',
    name: 'OFFICE 365 ENTERPRISE E3',
    unitPrice: { USD: 2_000, EUR: 1_880, GBP: 1_640 },
    termMonths: 12,
    termAndBillingCycle: 'Annual commitment, monthly billing',
    billingFrequency: 'MONTHLY',
  },
  {
    productId: 'AAA5B3F0-0EE2-431B-A42F-3F18F3C6D540',
    skuId: '2F707C7C-2433-49A5-A437-9CA7CF40D3EB',
    availabilityId: '',
    name: 'EXCHANGE ONLINE (PLAN 2)',
    unitPrice: { USD: 800, EUR: 750, GBP: 660 },
    termMonths: 12,
    termAndBillingCycle: 'Annual commitment, monthly billing',
    billingFrequency: 'MONTHLY',
  },
];

/** Line items of G000098001: more than one export blob at the default lines per blob. */
export const LARGE_INVOICE_LINES = 4_500;

export const TAX_RATE: Record<Currency, number> = { USD: 0, EUR: 0.2, GBP: 0.2 };

function line(
  invoiceNumber: string,
  seed: string,
  customer: CustomerProfile,
  offer: Offer,
  quantity: number,
  periodStart: number,
): InvoiceLine {
  const unit = offer.unitPrice[customer.currency];
  const subtotalCents = unit * quantity;
  const taxCents = Math.round(subtotalCents * TAX_RATE[customer.currency]);
  const orderDate = periodStart + DAY_MS * 2;
  const subscriptionEnd = orderDate + offer.termMonths * 30 * DAY_MS;
  return {
    invoiceNumber,
    customer,
    orderId: stableHex(`${seed}:order`, 12),
    orderDate,
    productId: offer.productId,
    skuId: offer.skuId,
    availabilityId: offer.availabilityId,
    productName: offer.name,
    skuName: offer.name,
    chargeType: 'new',
    unitPriceCents: unit,
    quantity,
    subtotalCents,
    taxCents,
    totalCents: subtotalCents + taxCents,
    currency: customer.currency,
    subscriptionId: stableGuid(`${seed}:subscription`),
    subscriptionStartDate: orderDate,
    subscriptionEndDate: subscriptionEnd,
    chargeStartDate: orderDate,
    chargeEndDate: Math.min(subscriptionEnd, orderDate + 30 * DAY_MS),
    termAndBillingCycle: offer.termAndBillingCycle,
    billingFrequency: offer.billingFrequency,
    referenceId: stableGuid(`${seed}:reference`),
    reservationOrderId:
      offer.productId === RESERVATION_PRODUCT_ID ? stableGuid(`${seed}:reservation-order`) : '',
  };
}

function linesFor(
  invoiceNumber: string,
  customers: CustomerProfile[],
  count: number,
  periodStart: number,
  offers: readonly Offer[] = OFFERS,
): InvoiceLine[] {
  const rand = seededRandom(`invoice:${invoiceNumber}`);
  return Array.from({ length: count }, (_, i) => {
    const customer = customers[i % customers.length];
    const offer = offers[Math.floor(rand() * offers.length)];
    const quantity = offer.productId === RESERVATION_PRODUCT_ID ? 1 : 1 + Math.floor(rand() * 40);
    return line(invoiceNumber, `${invoiceNumber}:${i}`, customer, offer, quantity, periodStart);
  });
}

/**
 * Partner invoices and unbilled line items: new-commerce OneTime invoices (one per currency and
 * month, plus G000098001, large enough to span several export blobs) and one legacy Recurring
 * invoice (D000070001, EUR). Every invoice's totalCharges is the sum of its line items'
 * totalForCustomer.
 */
export class InvoiceBook {
  readonly invoices: InvoiceRecord[];
  readonly unbilledCurrent: InvoiceLine[];
  readonly unbilledPrevious: InvoiceLine[];

  constructor(directory: CustomerDirectory, baseTime: number) {
    const named = (names: string[]) =>
      names
        .map((n) => directory.findByName(n))
        .filter((e) => e !== undefined)
        .map((e) => directory.profileOf(e));
    const usd = named([
      'Fabrikam Inc',
      'Contoso Pharmaceuticals',
      'Coho Winery',
      'Adventure Works',
      'Wingtip Toys',
    ]);
    const eur = named(['Contoso France', 'Tailspin Toys', 'Alpine Ski House', 'Litware']);
    const gbp = named(['Northwind Traders', 'Woodgrove Bank']);

    const invoice = (
      id: string,
      currency: Currency,
      monthsBack: number,
      customers: CustomerProfile[],
      n: number,
      kind: InvoiceKind = 'newCommerce',
    ) => {
      const periodStart = startOfUtcMonth(baseTime, monthsBack);
      const periodEnd = startOfUtcMonth(baseTime, monthsBack - 1) - 1000;
      return {
        id,
        kind,
        invoiceDate: periodEnd + 1000 + 8 * DAY_MS,
        billingPeriodStartDate: periodStart,
        billingPeriodEndDate: periodEnd,
        currency,
        paid: monthsBack > 2,
        lines: linesFor(id, customers, n, periodStart, kind === 'legacy' ? LEGACY_OFFERS : OFFERS),
      } satisfies InvoiceRecord;
    };

    this.invoices = [
      invoice('G000100001', 'USD', 2, usd, 25),
      invoice('G000100002', 'EUR', 2, eur, 9),
      invoice('G000100003', 'GBP', 2, gbp, 4),
      invoice('G000099001', 'USD', 3, usd, 10),
      invoice('G000098001', 'USD', 4, usd, LARGE_INVOICE_LINES),
      invoice('D000070001', 'EUR', 30, eur, 12, 'legacy'),
    ];
    this.unbilledPrevious = linesFor(
      'unbilled-previous',
      [...usd, ...eur, ...gbp],
      8,
      startOfUtcMonth(baseTime, 1),
    );
    this.unbilledCurrent = linesFor(
      'unbilled-current',
      [...usd, ...eur, ...gbp],
      6,
      startOfUtcMonth(baseTime, 0),
    );
    for (const l of [...this.unbilledPrevious, ...this.unbilledCurrent]) l.invoiceNumber = '';
  }

  /** Broken paging of a legacy invoice's v1 line items, by invoice id (lower case), until cleared. */
  readonly pagingFaults = new Map<string, InvoicePagingFault>();

  find(id: string): InvoiceRecord | undefined {
    const key = id.toLowerCase().replace(/^(onetime|recurring)-/, '');
    return this.invoices.find((i) => i.id.toLowerCase() === key);
  }

  /** The unbilled line items of a period in one currency (v1 unbilled line items and the Graph export). */
  unbilledLines(period: UnbilledPeriod, currency: string): InvoiceLine[] {
    const source = period === 'current' ? this.unbilledCurrent : this.unbilledPrevious;
    const code = currency.toUpperCase();
    return source.filter((l) => l.currency === code);
  }

  /** A reservation bought on the simulator shows in the current period's unbilled line items. */
  addUnbilledPurchase(entry: Omit<InvoiceLine, 'invoiceNumber'>): void {
    this.unbilledCurrent.push({ ...entry, invoiceNumber: '' });
  }
}

export type UnbilledPeriod = 'current' | 'previous';

/**
 * A broken `links.next` on the v1 line items of a legacy invoice (control API), to check that a
 * client stops instead of leaving Partner Center or going round in circles:
 * - `foreignNextLink`: an absolute URL on another host;
 * - `unparsableNextLink`: a path with a broken percent escape;
 * - `repeatedNextLink`: a link back to the page just served;
 * - `repeatedContinuationToken`: every next link carries the same MS-ContinuationToken.
 */
export const INVOICE_PAGING_FAULTS = [
  'foreignNextLink',
  'unparsableNextLink',
  'repeatedNextLink',
  'repeatedContinuationToken',
] as const;
export type InvoicePagingFault = (typeof INVOICE_PAGING_FAULTS)[number];

export function invoiceTotalCents(invoice: InvoiceRecord): number {
  return invoice.lines.reduce((sum, l) => sum + l.totalCents, 0);
}
