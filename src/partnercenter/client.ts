import type { PartnerCenterCredentials } from './auth/credentials';
import { MsalTokenProvider } from './auth/tokenProvider';
import { CatalogCache } from './catalogCache';
import { Pipeline, type PartnerCenterCallListener } from './http/pipeline';
import { RateLimiter, type RateLimitOptions } from './http/rateLimiter';
import { DEFAULT_RETRY, type RetryOptions } from './http/retryPolicy';
import { noopLogger, type PartnerCenterLogger } from './logger';
import { AgreementsClient } from './resources/agreements';
import { AuditRecordsClient } from './resources/auditRecords';
import { AzureEntitlementsClient } from './resources/azureEntitlements';
import { BudgetsClient } from './resources/budgets';
import { CartsClient } from './resources/carts';
import { CatalogClient } from './resources/catalog';
import { CustomersClient } from './resources/customers';
import { EntitlementsClient } from './resources/entitlements';
import { InvoicesClient } from './resources/invoices';
import { OrdersClient } from './resources/orders';
import { ProductUpgradesClient } from './resources/productUpgrades';
import { SubscriptionsClient } from './resources/subscriptions';
import { UsageClient } from './resources/usage';

export const PARTNER_CENTER_BASE_URL = 'https://api.partnercenter.microsoft.com';

export interface PartnerCenterClientOptions {
  /** 'https://api.partnercenter.microsoft.com' or the simulator's base URL; the client appends /v1. */
  baseUrl: string;
  credentials: PartnerCenterCredentials;
  logger?: PartnerCenterLogger;
  /** MS-PartnerCenter-Application. */
  applicationName?: string;
  /** Default X-Locale (default 'en-US'); each call may pass its own. */
  locale?: string;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  limits?: RateLimitOptions;
  /** How long catalog answers are kept per country (default 15 min; 0 disables the cache). */
  catalogCacheTtlMs?: number;
  /** The catalog cache's clock (ms since epoch). */
  clock?: () => number;
  /** After a subscription PATCH answered 202: time between status reads (default 2 s) and patience (default 2 min). */
  subscriptionPolling?: { intervalMs?: number; timeoutMs?: number };
}

/**
 * The typed Partner Center REST client: one object, a group per resource, the options bag last,
 * async iterators for lists, one error type (PartnerCenterError).
 */
export class PartnerCenterClient {
  readonly customers: CustomersClient;
  readonly catalog: CatalogClient;
  readonly carts: CartsClient;
  readonly orders: OrdersClient;
  readonly subscriptions: SubscriptionsClient;
  readonly azureEntitlements: AzureEntitlementsClient;
  readonly entitlements: EntitlementsClient;
  readonly productUpgrades: ProductUpgradesClient;
  readonly usage: UsageClient;
  readonly budgets: BudgetsClient;
  readonly invoices: InvoicesClient;
  readonly agreements: AgreementsClient;
  readonly auditRecords: AuditRecordsClient;

  private readonly pipeline: Pipeline;
  private readonly limiter: RateLimiter;

  constructor(options: PartnerCenterClientOptions) {
    const logger = options.logger ?? noopLogger;
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.limiter = new RateLimiter(options.limits);
    this.pipeline = new Pipeline({
      baseUrl: options.baseUrl,
      applicationName: options.applicationName ?? 'Azure Plan Ops',
      locale: options.locale ?? 'en-US',
      timeoutMs,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      tokens: new MsalTokenProvider(options.credentials, { timeoutMs, logger }),
      limiter: this.limiter,
      logger,
    });
    const cache = new CatalogCache(options.catalogCacheTtlMs ?? 15 * 60_000, options.clock ?? Date.now);
    this.customers = new CustomersClient(this.pipeline);
    this.catalog = new CatalogClient(this.pipeline, cache);
    this.carts = new CartsClient(this.pipeline);
    this.orders = new OrdersClient(this.pipeline);
    this.subscriptions = new SubscriptionsClient(this.pipeline, {
      intervalMs: options.subscriptionPolling?.intervalMs ?? 2_000,
      timeoutMs: options.subscriptionPolling?.timeoutMs ?? 120_000,
    });
    this.azureEntitlements = new AzureEntitlementsClient(this.pipeline);
    this.entitlements = new EntitlementsClient(this.pipeline);
    this.productUpgrades = new ProductUpgradesClient(this.pipeline);
    this.usage = new UsageClient(this.pipeline);
    this.budgets = new BudgetsClient(this.pipeline);
    this.invoices = new InvoicesClient(this.pipeline);
    this.agreements = new AgreementsClient(this.pipeline);
    this.auditRecords = new AuditRecordsClient(this.pipeline);
  }

  /**
   * Tells `listener` of every logical call (operation, path, MS-RequestId, MS-CorrelationId,
   * outcome) once it ends; returns the function that stops it. The audit trail uses it.
   */
  onCall(listener: PartnerCenterCallListener): () => void {
    return this.pipeline.onCall(listener);
  }

  /** Releases keep-alive sockets and limiter timers. */
  async close(): Promise<void> {
    await Promise.all([this.pipeline.close(), this.limiter.stop()]);
  }
}
