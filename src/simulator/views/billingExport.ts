import { iso } from '../state/clock';
import {
  concatSources,
  listSource,
  type AttributeSet,
  type ExportRow,
  type ManifestRecord,
  type OperationState,
  type RowSource,
} from '../state/billingExports';
import type { ExportContent, UsageSegment } from '../state/billingExportData';
import type { InvoiceLine } from '../state/invoices';
import { centsToAmount } from '../state/money';
import { PARTNER_ID, PARTNER_MPN_ID } from '../state/partner';
import type { DailyUsageLine } from '../state/spend';
import type { CustomerProfile } from '../state/types';

/**
 * The Graph partner billing shapes: operations (samples 63–65), the manifest (sample 66) and the
 * rows of the exported blobs. Rows use the PascalCase attribute names of the v2 attribute tables
 * (GRAPH/partners-billing-attributeset for usage; the reconciliation attributes are the v1
 * OneTimeInvoiceLineItem fields in PascalCase [inferred]). `basic` keeps a subset that still holds
 * every amount, so totals reconcile with either attribute set.
 */

const GRAPH_BILLING = '/v1.0/reports/partners/billing';
const PARTNER_NAME = 'Contoso Partner';
const DAY_MS = 86_400_000;

const pick = (row: ExportRow, keys: readonly string[]): ExportRow =>
  Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, row[k]]));

const RECONCILIATION_BASIC = [
  'PartnerId',
  'CustomerId',
  'CustomerName',
  'InvoiceNumber',
  'OrderId',
  'ProductId',
  'SkuId',
  'ProductName',
  'SkuName',
  'ChargeType',
  'UnitPrice',
  'EffectiveUnitPrice',
  'Quantity',
  'BillableQuantity',
  'Subtotal',
  'TaxTotal',
  'TotalForCustomer',
  'Currency',
  'SubscriptionId',
  'ChargeStartDate',
  'ChargeEndDate',
] as const;

/** A billed or unbilled reconciliation line (the same data as the v1 OneTimeInvoiceLineItem). */
export function reconciliationRow(line: InvoiceLine, set: AttributeSet): ExportRow {
  const c = line.customer;
  const row: ExportRow = {
    PartnerId: PARTNER_ID,
    CustomerId: c.id,
    CustomerName: c.companyName,
    CustomerDomainName: c.domain,
    CustomerCountry: c.country,
    InvoiceNumber: line.invoiceNumber,
    MpnId: PARTNER_MPN_ID,
    Tier2MpnId: '',
    OrderId: line.orderId,
    OrderDate: iso(line.orderDate),
    ProductId: line.productId,
    SkuId: line.skuId,
    AvailabilityId: line.availabilityId,
    SkuName: line.skuName,
    ProductName: line.productName,
    ChargeType: line.chargeType,
    UnitPrice: centsToAmount(line.unitPriceCents),
    EffectiveUnitPrice: centsToAmount(line.unitPriceCents),
    Quantity: line.quantity,
    BillableQuantity: line.quantity,
    UnitType: '',
    Subtotal: centsToAmount(line.subtotalCents),
    TaxTotal: centsToAmount(line.taxCents),
    TotalForCustomer: centsToAmount(line.totalCents),
    Currency: line.currency,
    PricingCurrency: line.currency,
    PCToBCExchangeRate: 1,
    PCToBCExchangeRateDate: iso(line.orderDate - (line.orderDate % DAY_MS)),
    PriceAdjustmentDescription: '',
    PublisherName: 'Microsoft Corporation',
    PublisherId: '',
    SubscriptionDescription: '',
    SubscriptionId: line.subscriptionId,
    SubscriptionStartDate: iso(line.subscriptionStartDate),
    SubscriptionEndDate: iso(line.subscriptionEndDate),
    ChargeStartDate: iso(line.chargeStartDate),
    ChargeEndDate: iso(line.chargeEndDate),
    TermAndBillingCycle: line.termAndBillingCycle,
    BillingFrequency: line.billingFrequency,
    AlternateId: line.orderId,
    ReferenceId: line.referenceId,
    MeterDescription: '',
    ReservationOrderId: line.reservationOrderId,
    CreditReasonCode: '',
    ProductQualifiers: [],
    PromotionId: '',
  };
  return set === 'full' ? row : pick(row, RECONCILIATION_BASIC);
}

/** The usage attributes marked Basic in GRAPH/partners-billing-attributeset. */
const USAGE_BASIC = [
  'AdditionalInfo',
  'BenefitOrderID',
  'BenefitType',
  'BillingCurrency',
  'BillingPreTaxTotal',
  'ChargeEndDate',
  'ChargeStartDate',
  'ChargeType',
  'CreditPercentage',
  'CreditType',
  'CustomerId',
  'CustomerName',
  'EffectiveUnitPrice',
  'EntitlementId',
  'InvoiceNumber',
  'PartnerId',
  'PartnerName',
  'PCToBCExchangeRate',
  'PricingCurrency',
  'PricingPreTaxTotal',
  'ProductId',
  'PublisherName',
  'Quantity',
  'ResourceURI',
  'SkuId',
  'SkuName',
  'SubscriptionId',
  'UnitPrice',
  'UnitType',
  'UsageDate',
] as const;

/** A daily rated usage line of an Azure plan. */
export function usageRow(
  customer: CustomerProfile,
  invoiceNumber: string,
  entry: DailyUsageLine,
  set: AttributeSet,
): ExportRow {
  const { line, day } = entry;
  const meter = line.meter;
  const amount = centsToAmount(line.cents);
  const row: ExportRow = {
    PartnerId: PARTNER_ID,
    PartnerName: PARTNER_NAME,
    CustomerId: customer.id,
    CustomerName: customer.companyName,
    CustomerDomainName: customer.domain,
    CustomerCountry: customer.country,
    MpnId: PARTNER_MPN_ID,
    Tier2MpnId: '',
    InvoiceNumber: invoiceNumber,
    ProductId: 'DZH318Z0BPS6',
    SkuId: '0001',
    AvailabilityId: '',
    SkuName: 'Azure plan',
    ProductName: 'Azure plan',
    PublisherName: 'Microsoft',
    PublisherId: '',
    SubscriptionDescription: 'Azure plan',
    SubscriptionId: line.subscriptionId,
    ChargeStartDate: iso(day),
    ChargeEndDate: iso(day + DAY_MS),
    UsageDate: iso(day),
    MeterType: '1 Compute Hour',
    MeterCategory: meter.category,
    MeterId: meter.id,
    MeterSubCategory: meter.subcategory,
    MeterName: meter.name,
    MeterRegion: '',
    Unit: meter.unit,
    ResourceLocation: 'westeurope',
    ConsumedService: meter.resourceProvider,
    ResourceGroup: line.resourceGroup,
    ResourceURI: `/subscriptions/${line.entitlementId}/resourceGroups/${line.resourceGroup}/providers/${meter.resourceProvider}/${meter.resourceType}/${line.resourceName}`,
    ChargeType: 'new',
    UnitPrice: centsToAmount(meter.unitPriceCents),
    Quantity: line.quantity,
    UnitType: '',
    BillingPreTaxTotal: amount,
    BillingCurrency: customer.currency,
    PricingPreTaxTotal: amount,
    PricingCurrency: customer.currency,
    ServiceInfo1: '',
    ServiceInfo2: '',
    Tags: '',
    AdditionalInfo: '',
    EffectiveUnitPrice: centsToAmount(meter.unitPriceCents),
    PCToBCExchangeRate: 1,
    PCToBCExchangeRateDate: iso(day),
    EntitlementId: line.entitlementId,
    EntitlementDescription: line.entitlementName,
    PartnerEarnedCreditPercentage: 0,
    CreditPercentage: 0,
    CreditType: 'Credit Not Applied',
    BenefitOrderID: '',
    BenefitID: '',
    BenefitType: '',
  };
  return set === 'full' ? row : pick(row, USAGE_BASIC);
}

function segmentSource(segment: UsageSegment, invoiceNumber: string, set: AttributeSet): RowSource {
  return {
    count: segment.count,
    *rows(from, to) {
      const lines = segment.lines();
      for (let i = from; i < Math.min(to, lines.length); i++)
        yield usageRow(segment.customer, invoiceNumber, lines[i], set);
    },
  };
}

/** The rows of an export, made a blob at a time. */
export function rowSource(content: ExportContent, set: AttributeSet): RowSource {
  if (content.kind === 'reconciliation') return listSource(content.lines, (l) => reconciliationRow(l, set));
  return concatSources(content.segments.map((s) => segmentSource(s, content.invoiceNumber, set)));
}

export const operationPath = (id: string) => `${GRAPH_BILLING}/operations/${id}`;
export const manifestPath = (id: string) => `${GRAPH_BILLING}/manifests/${id}`;

const ODATA_TYPE = {
  notStarted: '#microsoft.graph.partners.billing.runningOperation',
  running: '#microsoft.graph.partners.billing.runningOperation',
  succeeded: '#microsoft.graph.partners.billing.exportSuccessOperation',
  failed: '#microsoft.graph.partners.billing.failedOperation',
} as const;

/** A runningOperation, exportSuccessOperation or failedOperation (samples 63–65). */
export function operationView(state: OperationState, baseUrl: string) {
  const { operation } = state;
  return {
    '@odata.type': ODATA_TYPE[state.status],
    id: operation.id,
    status: state.status,
    createdDateTime: iso(operation.createdAt),
    lastActionDateTime: iso(operation.lastActionAt),
    ...(state.status === 'succeeded'
      ? { 'resourceLocation@odata.navigationLink': `${baseUrl}${manifestPath(state.manifest.id)}` }
      : {}),
    ...(state.status === 'failed' ? { error: { message: state.error.message, code: state.error.code } } : {}),
  };
}

/** The manifest (sample 66); `sasToken` is signed for its directory at each read. */
export function manifestView(manifest: ManifestRecord, baseUrl: string, sasToken: string) {
  return {
    id: manifest.id,
    schemaVersion: '2',
    dataFormat: 'compressedJSON',
    createdDateTime: iso(manifest.createdAt),
    eTag: manifest.eTag,
    partnerTenantId: manifest.tenantId,
    rootDirectory: `${baseUrl}${manifest.directory}`,
    sasToken,
    partitionType: 'default',
    blobCount: manifest.blobs.length,
    blobs: manifest.blobs.map((b) => ({ name: b.name, partitionValue: 'default' })),
  };
}
