export { PartnerCenterClient, PARTNER_CENTER_BASE_URL, type PartnerCenterClientOptions } from './client';
export {
  MFA_REQUIRED_CODE,
  PartnerCenterError,
  isMfaRequired,
  isPartnerCenterError,
  type PartnerCenterErrorInit,
} from './errors';
export {
  CLIENT_ERROR_CODES,
  ERROR_CODES,
  PARTNER_CENTER_ERROR_CODES,
  errorMessageKey,
  isKnownErrorCode,
  isTransientCode,
  type ClientErrorCode,
  type ErrorCodeInfo,
  type KnownErrorCode,
} from './errorCodes';
export type { CallOptions } from './callOptions';
export type { PartnerCenterCall, PartnerCenterCallListener } from './http/pipeline';
export type { PartnerCenterLogger } from './logger';
export type { AuthMode, PartnerCenterCredentials, TokenCacheStore } from './auth/credentials';
export type { RetryOptions } from './http/retryPolicy';
export type { LimiterFamily, RateLimitOptions } from './http/rateLimiter';
export { DEFAULT_REQUESTS_PER_MINUTE } from './http/rateLimiter';
export { collect } from './http/paging';
export type { CustomerListOptions, CustomerSearch } from './resources/customers';
export type { CatalogOptions, ListProductsOptions } from './resources/catalog';
export type { CartInput, CartLineItemInput, CreateCartOptions } from './resources/carts';
export type { OrderGetOptions, OrderListOptions } from './resources/orders';
export type {
  SubscriptionListOptions,
  SubscriptionTargetStatus,
  UpdateStatusOptions,
} from './resources/subscriptions';
export type { ReservedInstanceListOptions } from './resources/entitlements';
export type { ProductUpgradeCreated, ProductUpgradeOptions } from './resources/productUpgrades';
export type { UtilizationOptions } from './resources/usage';
export type {
  InvoiceLineItemKind,
  InvoiceListOptions,
  LegacyLineItemsOptions,
  LineItemsOptions,
  ReconciliationPlan,
  UnbilledLineItemsOptions,
} from './resources/invoices';
export { reconciliationPlan } from './resources/invoices';
export {
  EXPORT_NO_DATA_CODE,
  GRAPH_BASE_URL,
  GRAPH_BILLING_SCOPE,
  GraphBillingClient,
  type CompletedExport,
  type ExportCallOptions,
  type ExportLineItemsOptions,
  type ExportProgress,
  type GraphBillingClientOptions,
  type GraphBillingCredentials,
  type OperationStatus,
  type WaitForExportOptions,
} from './graph/graphBillingClient';
export type {
  AttributeSet,
  BilledExportParams,
  DailyUsageLineItem,
  ExportKind,
  ExportLineItem,
  ExportParams,
  ReconciliationLineItem,
  UnbilledExportParams,
} from './graph/exportKinds';
export type { AgreementListOptions, AttestationInput } from './resources/agreements';
export type { AuditRecordFilter, AuditRecordListOptions } from './resources/auditRecords';
export type * from './schemas';
export { currentCallDeadline, withCallDeadline, withoutCallDeadline } from './callDeadline';
export {
  GraphDirectoryClient,
  type GraphDirectoryClientOptions,
  type GraphDirectoryCredentials,
} from './graph/graphDirectoryClient';
