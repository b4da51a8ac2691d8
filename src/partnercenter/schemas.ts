import { z } from 'zod';
import {
  camelKeyedRecord,
  nullableNumeric,
  numeric,
  openEnum,
  optionalBoolean,
  optionalNumeric,
  optionalString,
  resource,
} from './zodHelpers';

/*
 * Partner Center resources as documented (see /work/shared/partner-center-api.md). Enums are open
 * (unknown values survive), unknown fields are kept, and only ids and the fields the product
 * relies on are required.
 */

// ---------------------------------------------------------------- enums (documented wire values)

export const BILLING_CYCLES = [
  'unknown',
  'monthly',
  'annual',
  'none',
  'one_time',
  'triennial',
  'biennial',
] as const;
export const ORDER_STATUSES = [
  'unknown',
  'completed',
  'pending',
  'cancelled',
  'suspended',
  'pending review',
  'pending po upload',
  'po upload complete',
  'po review rejected',
  'partial success',
  'error',
] as const;
export const SUBSCRIPTION_STATUSES = [
  'none',
  'active',
  'suspended',
  'deleted',
  'expired',
  'pending',
  'disabled',
] as const;
export const SUBSCRIPTION_BILLING_TYPES = ['none', 'usage', 'license', 'benefit'] as const;
export const SEGMENTS = ['commercial', 'education', 'government', 'nonprofit'] as const;
export const CART_STATUSES = ['Active', 'Ordered'] as const;
export const LINE_PROVISIONING_STATUSES = ['fulfilled', 'unfulfilled', 'prefulfillmentpending'] as const;
export const SUBSCRIPTION_PROVISIONING_STATUSES = ['success', 'pending', 'failed'] as const;
export const AZURE_ENTITLEMENT_STATUSES = ['active', 'inactive'] as const;
export const ENTITLEMENT_TYPES = ['reservedinstance', 'software', 'virtualmachinereservedinstance'] as const;
export const UPGRADE_STATUSES = ['Completed', 'InProgress', 'Failed', 'Pending'] as const;
export const PRODUCT_FAMILIES = ['azure'] as const;
export const INVOICE_LINE_ITEM_TYPES = ['none', 'usage_line_items', 'billing_line_items'] as const;
export const BILLING_PROVIDERS = [
  'none',
  'office',
  'azure',
  'one_time',
  'marketplace',
  'all',
  'azure_data_market',
] as const;
export const INVOICE_DOCUMENT_TYPES = ['invoice', 'void_note', 'adjustment_note'] as const;
export const INVOICE_TYPES = ['Recurring', 'OneTime'] as const;
export const AGREEMENT_TYPES = ['MicrosoftCloudAgreement', 'MicrosoftCustomerAgreement'] as const;
export const AUDIT_OPERATION_STATUSES = ['succeeded', 'failed', 'progress'] as const;
export const GRAPH_OPERATION_STATUSES = ['notStarted', 'running', 'succeeded', 'failed'] as const;

const billingCycle = openEnum(BILLING_CYCLES);

// ---------------------------------------------------------------- shared shapes

export const linkHeaderSchema = resource({ key: z.string(), value: optionalString });
export const linkSchema = resource({
  uri: z.string(),
  method: optionalString,
  headers: z.array(linkHeaderSchema).nullish(),
});
export type Link = z.infer<typeof linkSchema>;

export const linksSchema = camelKeyedRecord(linkSchema.nullish());
export const resourceAttributesSchema = resource({ etag: optionalString, objectType: optionalString });

const common = { links: linksSchema.nullish(), attributes: resourceAttributesSchema.nullish() };

/** A Partner Center collection (`{ totalCount, items, links, continuationToken?, attributes }`). */
export function collectionSchema<T extends z.ZodTypeAny>(item: T) {
  return resource({
    totalCount: optionalNumeric,
    items: z.array(item),
    continuationToken: optionalString,
    ...common,
  });
}
export interface Collection<T> {
  totalCount?: number;
  items: T[];
  continuationToken?: string | null;
  links?: Record<string, Link | null | undefined> | null;
}

export const itemTypeSchema = resource({
  id: z.string(),
  displayName: optionalString,
  subType: resource({ id: z.string(), displayName: optionalString }).nullish(),
});

const currencySchema = z.union([z.string(), resource({ code: z.string(), symbol: optionalString })]);

// ---------------------------------------------------------------- errors and throttling

export const pcErrorBodySchema = resource({
  code: z.union([z.string(), z.number()]).transform((code) => String(code)),
  description: optionalString,
  data: z.array(z.unknown()).nullish(),
  source: optionalString,
});
export type PcErrorBody = z.infer<typeof pcErrorBodySchema>;

export const throttlingBodySchema = resource({ statusCode: numeric, message: z.string() });
export type ThrottlingBody = z.infer<typeof throttlingBodySchema>;

// ---------------------------------------------------------------- customers

export const customerCompanyProfileSchema = resource({
  tenantId: optionalString,
  domain: z.string(),
  companyName: z.string(),
  email: optionalString,
  ...common,
});

export const customerSchema = resource({
  id: z.string(),
  commerceId: optionalString,
  companyProfile: customerCompanyProfileSchema,
  billingProfile: z.record(z.string(), z.unknown()).nullish(),
  relationshipToPartner: optionalString,
  allowDelegatedAccess: optionalBoolean,
  ...common,
});
export type Customer = z.infer<typeof customerSchema>;

// ---------------------------------------------------------------- catalog

export const productSchema = resource({
  id: z.string(),
  /**
   * Set where an item of a product list is SKU-shaped, as in the customer-scoped MicrosoftAzure
   * catalog (sample 02): there `id` is the offer or SKU id and this is the product's.
   */
  productId: optionalString,
  title: z.string(),
  description: optionalString,
  productType: itemTypeSchema.nullish(),
  isMicrosoftProduct: optionalBoolean,
  publisherName: optionalString,
  ...common,
});
export type Product = z.infer<typeof productSchema>;

export const skuSchema = resource({
  id: z.string(),
  productId: z.string(),
  title: z.string(),
  description: optionalString,
  minimumQuantity: optionalNumeric,
  maximumQuantity: optionalNumeric,
  isTrial: optionalBoolean,
  supportedBillingCycles: z.array(billingCycle).nullish(),
  purchasePrerequisites: z.array(z.string()).nullish(),
  inventoryVariables: z.array(z.string()).nullish(),
  provisioningVariables: z.array(z.string()).nullish(),
  actions: z.array(z.string()).nullish(),
  dynamicAttributes: z.record(z.string(), z.unknown()).nullish(),
  consumptionType: optionalString,
  ...common,
});
export type Sku = z.infer<typeof skuSchema>;

export const availabilityTermSchema = resource({
  id: optionalString,
  duration: optionalString,
  description: optionalString,
  billingCycle: billingCycle.nullish(),
  cancellationPolicies: z.array(z.unknown()).nullish(),
});

export const availabilitySchema = resource({
  id: z.string(),
  productId: z.string(),
  skuId: z.string(),
  catalogItemId: z.string(),
  defaultCurrency: currencySchema.nullish(),
  segment: openEnum(SEGMENTS).nullish(),
  country: optionalString,
  isPurchasable: optionalBoolean,
  isRenewable: optionalBoolean,
  terms: z.array(availabilityTermSchema).nullish(),
  renewalInstructions: z.array(z.unknown()).nullish(),
  ...common,
});
export type Availability = z.infer<typeof availabilitySchema>;

// ---------------------------------------------------------------- carts and orders

export const cartLineItemErrorSchema = resource({
  errorCode: z.union([z.string(), z.number()]).nullish(),
  errorDescription: optionalString,
  additionalInformation: z.record(z.string(), z.unknown()).nullish(),
});

export const cartLineItemSchema = resource({
  id: numeric,
  catalogItemId: z.string(),
  quantity: numeric,
  billingCycle: billingCycle.nullish(),
  termDuration: optionalString,
  friendlyName: optionalString,
  currencyCode: optionalString,
  provisioningContext: z.record(z.string(), z.unknown()).nullish(),
  orderGroup: optionalString,
  participants: z.array(resource({ key: z.string(), value: optionalString })).nullish(),
  error: cartLineItemErrorSchema.nullish(),
  pricing: z.record(z.string(), z.unknown()).nullish(),
});
export type CartLineItem = z.infer<typeof cartLineItemSchema>;

export const cartSchema = resource({
  id: z.string(),
  creationTimestamp: optionalString,
  lastModifiedTimestamp: optionalString,
  expirationTimestamp: optionalString,
  lastModifiedUser: optionalString,
  status: openEnum(CART_STATUSES).nullish(),
  lineItems: z.array(cartLineItemSchema),
  ...common,
});
export type Cart = z.infer<typeof cartSchema>;

export const orderLineItemSchema = resource({
  lineItemNumber: numeric,
  offerId: z.string(),
  subscriptionId: optionalString,
  parentSubscriptionId: optionalString,
  friendlyName: optionalString,
  quantity: optionalNumeric,
  termDuration: optionalString,
  transactionType: optionalString,
  partnerIdOnRecord: optionalString,
  provisioningContext: z.record(z.string(), z.unknown()).nullish(),
  pricing: z.record(z.string(), z.unknown()).nullish(),
  links: linksSchema.nullish(),
});
export type OrderLineItem = z.infer<typeof orderLineItemSchema>;

export const orderSchema = resource({
  id: z.string(),
  alternateId: optionalString,
  referenceCustomerId: optionalString,
  billingCycle: billingCycle.nullish(),
  transactionType: optionalString,
  lineItems: z.array(orderLineItemSchema),
  currencyCode: optionalString,
  currencySymbol: optionalString,
  creationDate: optionalString,
  status: openEnum(ORDER_STATUSES),
  totalPrice: optionalNumeric,
  ...common,
});
export type Order = z.infer<typeof orderSchema>;

export const orderErrorSchema = resource({
  orderGroupId: optionalString,
  code: z.union([z.string(), z.number()]).transform((code) => String(code)),
  description: optionalString,
});
export type OrderError = z.infer<typeof orderErrorSchema>;

export const cartCheckoutResultSchema = resource({
  orders: z.array(orderSchema),
  orderErrors: z.array(orderErrorSchema).nullish(),
  attributes: resourceAttributesSchema.nullish(),
});
export type CartCheckoutResult = z.infer<typeof cartCheckoutResultSchema>;

export const orderLineItemProvisioningStatusSchema = resource({
  lineItemNumber: optionalNumeric,
  orderLineItemId: z.union([z.string(), z.number()]).nullish(),
  status: openEnum(LINE_PROVISIONING_STATUSES),
  quantityProvisioningInformation: z.array(z.unknown()).nullish(),
});
export type OrderLineItemProvisioningStatus = z.infer<typeof orderLineItemProvisioningStatusSchema>;

// ---------------------------------------------------------------- subscriptions

export const subscriptionLineItemSchema = resource({
  id: optionalString,
  friendlyName: optionalString,
  scope: z.record(z.string(), z.unknown()).nullish(),
  autoRenewEnabled: optionalBoolean,
  status: optionalString,
  purchaseCommitment: z.record(z.string(), z.unknown()).nullish(),
});

export const subscriptionSchema = resource({
  id: z.string(),
  offerId: optionalString,
  entitlementId: optionalString,
  offerName: optionalString,
  friendlyName: optionalString,
  productType: itemTypeSchema.nullish(),
  quantity: optionalNumeric,
  unitType: optionalString,
  parentSubscriptionId: optionalString,
  creationDate: optionalString,
  effectiveStartDate: optionalString,
  commitmentEndDate: optionalString,
  status: openEnum(SUBSCRIPTION_STATUSES),
  suspensionReasons: z.array(z.string()).nullish(),
  autoRenewEnabled: optionalBoolean,
  billingType: openEnum(SUBSCRIPTION_BILLING_TYPES).nullish(),
  billingCycle: billingCycle.nullish(),
  termDuration: optionalString,
  orderId: optionalString,
  productOrderId: optionalString,
  lineItems: z.array(subscriptionLineItemSchema).nullish(),
  ...common,
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const subscriptionProvisioningStatusSchema = resource({
  skuId: optionalString,
  status: openEnum(SUBSCRIPTION_PROVISIONING_STATUSES),
  quantity: optionalNumeric,
  endDate: optionalString,
});
export type SubscriptionProvisioningStatus = z.infer<typeof subscriptionProvisioningStatusSchema>;

export const azureEntitlementSchema = resource({
  id: z.string(),
  friendlyName: optionalString,
  status: openEnum(AZURE_ENTITLEMENT_STATUSES),
  subscriptionId: optionalString,
  ...common,
});
export type AzureEntitlement = z.infer<typeof azureEntitlementSchema>;

// ---------------------------------------------------------------- entitlements (reservations)

export const entitledArtifactSchema = resource({
  link: linkSchema.nullish(),
  resourceId: optionalString,
  artifactType: optionalString,
});

export const entitlementSchema = resource({
  entitlementType: openEnum(ENTITLEMENT_TYPES),
  productId: optionalString,
  skuId: optionalString,
  quantity: optionalNumeric,
  referenceOrder: z.record(z.string(), z.unknown()).nullish(),
  entitledArtifacts: z.array(entitledArtifactSchema).nullish(),
  includedEntitlements: z.array(z.unknown()).nullish(),
  fulfillmentState: optionalString,
  expiryDate: optionalString,
  dynamicAttributes: z.record(z.string(), z.unknown()).nullish(),
});
export type Entitlement = z.infer<typeof entitlementSchema>;

export const reservationSchema = resource({
  reservationId: z.string(),
  displayName: optionalString,
  appliedScopes: z.array(z.string()).nullish(),
  scopeType: optionalString,
  quantity: optionalNumeric,
  expiryDateTime: optionalString,
  effectiveDateTime: optionalString,
  provisioningState: optionalString,
});
export type Reservation = z.infer<typeof reservationSchema>;

export const reservedInstanceArtifactDetailsSchema = resource({
  type: optionalString,
  virtualMachineReservations: z.array(reservationSchema).nullish(),
  reservations: z.array(reservationSchema).nullish(),
});
export type ReservedInstanceArtifactDetails = z.infer<typeof reservedInstanceArtifactDetailsSchema>;

// ---------------------------------------------------------------- product upgrades

export const productUpgradeEligibilitySchema = resource({
  customerId: z.string(),
  productFamily: openEnum(PRODUCT_FAMILIES),
  isEligible: z.boolean(),
  upgradeId: optionalString,
  reason: optionalString,
});
export type ProductUpgradeEligibility = z.infer<typeof productUpgradeEligibilitySchema>;

const upgradeErrorDetailsSchema = resource({
  code: z.union([z.string(), z.number()]).nullish(),
  description: optionalString,
});

export const productUpgradeStatusSchema = resource({
  id: z.string(),
  productFamily: openEnum(PRODUCT_FAMILIES).nullish(),
  status: openEnum(UPGRADE_STATUSES),
  lineItems: z
    .array(
      resource({
        sourceProduct: resource({ id: optionalString, name: optionalString }).nullish(),
        targetProduct: resource({ id: optionalString, name: optionalString }).nullish(),
        upgradedDate: optionalString,
        status: openEnum(UPGRADE_STATUSES).nullish(),
        errorDetails: upgradeErrorDetailsSchema.nullish(),
      }),
    )
    .nullish(),
  errorDetails: upgradeErrorDetailsSchema.nullish(),
});
export type ProductUpgradeStatus = z.infer<typeof productUpgradeStatusSchema>;

// ---------------------------------------------------------------- spend

export const spendingBudgetSchema = resource({
  amount: nullableNumeric,
  usageSpendingBudget: nullableNumeric,
  ...common,
});
export type SpendingBudget = z.infer<typeof spendingBudgetSchema>;

const usageTotals = {
  billingStartDate: optionalString,
  billingEndDate: optionalString,
  totalCost: numeric,
  currencyCode: optionalString,
  currencyLocale: optionalString,
  usdTotalCost: optionalNumeric,
  lastModifiedDate: optionalString,
  ...common,
};

export const customerUsageSummarySchema = resource({
  // The MS-AZR-0145P sample spells it `ammount`: read either as `amount` (null = no budget).
  budget: resource({ amount: nullableNumeric, ammount: nullableNumeric })
    .transform((budget) => ({
      ...budget,
      amount: budget.amount !== undefined ? budget.amount : budget.ammount,
    }))
    .nullish(),
  resourceId: optionalString,
  resourceName: optionalString,
  ...usageTotals,
});
export type CustomerUsageSummary = z.infer<typeof customerUsageSummarySchema>;

export const subscriptionUsageSummarySchema = resource({
  resourceId: optionalString,
  resourceName: optionalString,
  ...usageTotals,
});
export type SubscriptionUsageSummary = z.infer<typeof subscriptionUsageSummarySchema>;

export const subscriptionMonthlyUsageRecordSchema = resource({
  resourceId: z.string(),
  resourceName: optionalString,
  offerId: optionalString,
  status: optionalString,
  partnerOnRecord: optionalString,
  ...usageTotals,
});
export type SubscriptionMonthlyUsageRecord = z.infer<typeof subscriptionMonthlyUsageRecordSchema>;

export const meterUsageRecordSchema = resource({
  meterId: z.string(),
  meterName: optionalString,
  category: optionalString,
  subcategory: optionalString,
  quantityUsed: optionalNumeric,
  unit: optionalString,
  subscriptionId: optionalString,
  ...usageTotals,
});
export type MeterUsageRecord = z.infer<typeof meterUsageRecordSchema>;

export const resourceUsageRecordSchema = resource({
  resourceUri: z.string(),
  resourceName: optionalString,
  resourceGroupName: optionalString,
  resourceType: optionalString,
  entitlementId: optionalString,
  entitlementName: optionalString,
  subscriptionId: optionalString,
  ...usageTotals,
});
export type ResourceUsageRecord = z.infer<typeof resourceUsageRecordSchema>;

export const azureUtilizationRecordSchema = resource({
  usageStartTime: z.string(),
  usageEndTime: z.string(),
  resource: resource({
    id: z.string(),
    name: optionalString,
    category: optionalString,
    subcategory: optionalString,
    region: optionalString,
  }),
  quantity: numeric,
  unit: optionalString,
  infoFields: z.record(z.string(), z.unknown()).nullish(),
  instanceData: z.record(z.string(), z.unknown()).nullish(),
  attributes: resourceAttributesSchema.nullish(),
});
export type AzureUtilizationRecord = z.infer<typeof azureUtilizationRecordSchema>;

// ---------------------------------------------------------------- invoices and reconciliation

export const invoiceDetailSchema = resource({
  invoiceLineItemType: openEnum(INVOICE_LINE_ITEM_TYPES).nullish(),
  billingProvider: openEnum(BILLING_PROVIDERS).nullish(),
  ...common,
});

export const invoiceSchema = resource({
  id: z.string(),
  invoiceDate: optionalString,
  billingPeriodStartDate: optionalString,
  billingPeriodEndDate: optionalString,
  totalCharges: optionalNumeric,
  paidAmount: optionalNumeric,
  currencyCode: optionalString,
  currencySymbol: optionalString,
  pdfDownloadLink: optionalString,
  taxReceipts: z.array(z.unknown()).nullish(),
  invoiceDetails: z.array(invoiceDetailSchema).nullish(),
  amendments: z.array(z.unknown()).nullish(),
  documentType: openEnum(INVOICE_DOCUMENT_TYPES).nullish(),
  amendsOf: optionalString,
  invoiceType: openEnum(INVOICE_TYPES).nullish(),
  ...common,
});
export type Invoice = z.infer<typeof invoiceSchema>;

const lineItemMarkers = {
  invoiceLineItemType: openEnum(INVOICE_LINE_ITEM_TYPES).nullish(),
  billingProvider: openEnum(BILLING_PROVIDERS).nullish(),
  attributes: resourceAttributesSchema.nullish(),
};

export const oneTimeInvoiceLineItemSchema = resource({
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
  subtotal: optionalNumeric,
  taxTotal: optionalNumeric,
  totalForCustomer: optionalNumeric,
  billableQuantity: optionalNumeric,
  pcToBCExchangeRate: optionalNumeric,
  currency: optionalString,
  subscriptionId: optionalString,
  chargeStartDate: optionalString,
  chargeEndDate: optionalString,
  ...lineItemMarkers,
});
export type OneTimeInvoiceLineItem = z.infer<typeof oneTimeInvoiceLineItemSchema>;

export const dailyRatedUsageLineItemSchema = resource({
  partnerId: optionalString,
  customerId: z.string(),
  customerName: optionalString,
  productId: optionalString,
  skuId: optionalString,
  subscriptionId: optionalString,
  usageDate: optionalString,
  meterId: optionalString,
  meterName: optionalString,
  meterCategory: optionalString,
  resourceUri: optionalString,
  entitlementId: optionalString,
  unitPrice: optionalNumeric,
  effectiveUnitPrice: optionalNumeric,
  quantity: optionalNumeric,
  billingPreTaxTotal: optionalNumeric,
  billingCurrency: optionalString,
  pricingPreTaxTotal: optionalNumeric,
  pricingCurrency: optionalString,
  pcToBCExchangeRate: optionalNumeric,
  rateOfPartnerEarnedCredit: optionalNumeric,
  rateOfCredit: optionalNumeric,
  ...lineItemMarkers,
});
export type DailyRatedUsageLineItem = z.infer<typeof dailyRatedUsageLineItemSchema>;

/**
 * A billing line item of a legacy invoice (provider office: LicenseBasedLineItem; provider azure:
 * UsageBasedLineItem), from the get-invoiceline-items samples. Its total is `totalForCustomer`
 * (office) or `postTaxTotal` (azure).
 */
export const legacyBillingLineItemSchema = resource({
  partnerId: optionalString,
  customerId: z.string(),
  customerName: optionalString,
  customerCompanyName: optionalString,
  orderId: optionalString,
  subscriptionId: optionalString,
  offerId: optionalString,
  offerName: optionalString,
  chargeType: optionalString,
  chargeStartDate: optionalString,
  chargeEndDate: optionalString,
  unitPrice: optionalNumeric,
  quantity: optionalNumeric,
  amount: optionalNumeric,
  subtotal: optionalNumeric,
  tax: optionalNumeric,
  totalForCustomer: optionalNumeric,
  pretaxCharges: optionalNumeric,
  taxAmount: optionalNumeric,
  postTaxTotal: optionalNumeric,
  currency: optionalString,
  ...lineItemMarkers,
});
export type LegacyBillingLineItem = z.infer<typeof legacyBillingLineItemSchema>;

// ---------------------------------------------------------------- agreements and audit

export const contactSchema = resource({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phoneNumber: optionalString,
});
export type Contact = z.infer<typeof contactSchema>;

export const agreementMetadataSchema = resource({
  templateId: z.string(),
  agreementType: openEnum(AGREEMENT_TYPES),
  agreementLink: optionalString,
  versionRank: optionalNumeric,
});
export type AgreementMetadata = z.infer<typeof agreementMetadataSchema>;

export const agreementSchema = resource({
  templateId: z.string(),
  type: openEnum(AGREEMENT_TYPES).nullish(),
  dateAgreed: optionalString,
  primaryContact: contactSchema.nullish(),
  userId: optionalString,
  agreementLink: optionalString,
  ...common,
});
export type Agreement = z.infer<typeof agreementSchema>;

export const auditRecordSchema = resource({
  partnerId: optionalString,
  customerId: optionalString,
  customerName: optionalString,
  userPrincipalName: optionalString,
  applicationId: optionalString,
  resourceType: optionalString,
  resourceOldValue: optionalString,
  resourceNewValue: optionalString,
  operationType: z.string(),
  operationDate: z.string(),
  operationStatus: openEnum(AUDIT_OPERATION_STATUSES).nullish(),
  customizedData: z.array(resource({ key: z.string(), value: optionalString })).nullish(),
  attributes: resourceAttributesSchema.nullish(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

// ---------------------------------------------------------------- identity and Graph (documented neighbours)

/** Token endpoint answer (v1 and v2 shapes); MSAL reads it, this schema documents and tests it. */
export const tokenResponseSchema = resource({
  token_type: z.string(),
  access_token: z.string(),
  expires_in: numeric,
  ext_expires_in: optionalNumeric,
  scope: optionalString,
  refresh_token: optionalString,
  id_token: optionalString,
  client_info: optionalString,
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const graphBillingOperationSchema = resource({
  '@odata.type': optionalString,
  id: z.string(),
  status: openEnum(GRAPH_OPERATION_STATUSES),
  createdDateTime: optionalString,
  lastActionDateTime: optionalString,
  /** exportSuccessOperation: the manifest's URL. */
  'resourceLocation@odata.navigationLink': optionalString,
  error: resource({ code: optionalString, message: optionalString }).nullish(),
});
export type GraphBillingOperation = z.infer<typeof graphBillingOperationSchema>;

export const graphBillingManifestSchema = resource({
  id: z.string(),
  schemaVersion: optionalString,
  dataFormat: optionalString,
  createdDateTime: optionalString,
  eTag: optionalString,
  partnerTenantId: optionalString,
  rootDirectory: z.string(),
  sasToken: z.string(),
  partitionType: optionalString,
  blobCount: optionalNumeric,
  blobs: z.array(resource({ name: z.string(), partitionValue: optionalString })),
});
export type GraphBillingManifest = z.infer<typeof graphBillingManifestSchema>;
