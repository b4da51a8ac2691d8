import type { z } from 'zod';
import type { CallOptions } from '../callOptions';
import type { CatalogCache } from '../catalogCache';
import { defineOperation, type Operation, type QueryValue } from '../http/operation';
import { collect, paginate } from '../http/paging';
import type { Pipeline } from '../http/pipeline';
import {
  availabilitySchema,
  collectionSchema,
  productSchema,
  skuSchema,
  type Availability,
  type Collection,
  type Product,
  type Sku,
} from '../schemas';

function catalogOperation<T>(
  name: string,
  path: string,
  response: z.ZodType<T, z.ZodTypeDef, unknown>,
): Operation<T> {
  return defineOperation({
    name,
    method: 'GET',
    path,
    auth: 'app',
    family: 'catalog',
    response,
    idempotent: true,
  });
}

const PRODUCT = '/products/{productId}';
const SKU = `${PRODUCT}/skus/{skuId}`;
const AVAILABILITY = `${SKU}/availabilities/{availabilityId}`;
const BY_CUSTOMER = '/customers/{customerId}';

/** Partner-wide catalog (by country) and customer-scoped catalog (what that customer can buy). */
const operations = {
  listProducts: catalogOperation('catalog.listProducts', '/products', collectionSchema(productSchema)),
  getProduct: catalogOperation('catalog.getProduct', PRODUCT, productSchema),
  listSkus: catalogOperation('catalog.listSkus', `${PRODUCT}/skus`, collectionSchema(skuSchema)),
  getSku: catalogOperation('catalog.getSku', SKU, skuSchema),
  listAvailabilities: catalogOperation(
    'catalog.listAvailabilities',
    `${SKU}/availabilities`,
    collectionSchema(availabilitySchema),
  ),
  getAvailability: catalogOperation('catalog.getAvailability', AVAILABILITY, availabilitySchema),
  customerListProducts: catalogOperation(
    'catalog.customer.listProducts',
    `${BY_CUSTOMER}/products`,
    collectionSchema(productSchema),
  ),
  customerGetProduct: catalogOperation(
    'catalog.customer.getProduct',
    `${BY_CUSTOMER}${PRODUCT}`,
    productSchema,
  ),
  customerListSkus: catalogOperation(
    'catalog.customer.listSkus',
    `${BY_CUSTOMER}${PRODUCT}/skus`,
    collectionSchema(skuSchema),
  ),
  customerGetSku: catalogOperation('catalog.customer.getSku', `${BY_CUSTOMER}${SKU}`, skuSchema),
  customerListAvailabilities: catalogOperation(
    'catalog.customer.listAvailabilities',
    `${BY_CUSTOMER}${SKU}/availabilities`,
    collectionSchema(availabilitySchema),
  ),
  customerGetAvailability: catalogOperation(
    'catalog.customer.getAvailability',
    `${BY_CUSTOMER}${AVAILABILITY}`,
    availabilitySchema,
  ),
};

export interface CatalogOptions extends CallOptions {
  /** Ask the customer-scoped catalog (what this customer can buy) instead of the partner-wide one. */
  customerId?: string;
  /** commercial, education, government, nonprofit. */
  targetSegment?: string;
  /** 'AzurePlan' for reservation products that apply to Azure plans. */
  reservationScope?: string;
  /** Skip the cache (availabilities change over time: read them fresh right before a purchase). */
  fresh?: boolean;
}

export interface ListProductsOptions extends CatalogOptions {
  /** e.g. 'MicrosoftAzure' (Azure plan and legacy Azure), 'Azure', 'AzureReservations'. */
  targetView: string;
}

/**
 * Catalog reads, cached per country. Lists are small and have no documented paging, so they
 * come back as arrays (links are still followed to the end if the service pages).
 */
export class CatalogClient {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly cache: CatalogCache,
  ) {}

  listProducts(country: string, options: ListProductsOptions): Promise<Product[]> {
    const query = { targetView: options.targetView, ...this.filters(options) };
    return options.customerId
      ? this.list(
          country,
          operations.customerListProducts,
          { customerId: options.customerId },
          query,
          options,
        )
      : this.list(country, operations.listProducts, {}, { country, ...query }, options);
  }

  getProduct(country: string, productId: string, options: CatalogOptions = {}): Promise<Product> {
    return options.customerId
      ? this.get(
          country,
          operations.customerGetProduct,
          { customerId: options.customerId, productId },
          {},
          options,
        )
      : this.get(
          country,
          operations.getProduct,
          { productId },
          { country, ...this.filters(options) },
          options,
        );
  }

  listSkus(country: string, productId: string, options: CatalogOptions = {}): Promise<Sku[]> {
    return options.customerId
      ? this.list(
          country,
          operations.customerListSkus,
          { customerId: options.customerId, productId },
          {},
          options,
        )
      : this.list(
          country,
          operations.listSkus,
          { productId },
          { country, ...this.filters(options) },
          options,
        );
  }

  getSku(country: string, productId: string, skuId: string, options: CatalogOptions = {}): Promise<Sku> {
    return options.customerId
      ? this.get(
          country,
          operations.customerGetSku,
          { customerId: options.customerId, productId, skuId },
          {},
          options,
        )
      : this.get(
          country,
          operations.getSku,
          { productId, skuId },
          { country, ...this.filters(options) },
          options,
        );
  }

  listAvailabilities(
    country: string,
    productId: string,
    skuId: string,
    options: CatalogOptions = {},
  ): Promise<Availability[]> {
    return options.customerId
      ? this.list(
          country,
          operations.customerListAvailabilities,
          { customerId: options.customerId, productId, skuId },
          {},
          options,
        )
      : this.list(
          country,
          operations.listAvailabilities,
          { productId, skuId },
          { country, ...this.filters(options) },
          options,
        );
  }

  getAvailability(
    country: string,
    productId: string,
    skuId: string,
    availabilityId: string,
    options: CatalogOptions = {},
  ): Promise<Availability> {
    return options.customerId
      ? this.get(
          country,
          operations.customerGetAvailability,
          { customerId: options.customerId, productId, skuId, availabilityId },
          {},
          options,
        )
      : this.get(
          country,
          operations.getAvailability,
          { productId, skuId, availabilityId },
          { country, ...this.filters(options) },
          options,
        );
  }

  /** Forgets the cached catalog of one country, or of all. */
  invalidate(country?: string): void {
    this.cache.invalidate(country);
  }

  private filters(options: CatalogOptions): Record<string, QueryValue> {
    return { targetSegment: options.targetSegment, reservationScope: options.reservationScope };
  }

  private list<T>(
    country: string,
    operation: Operation<Collection<T>>,
    params: Record<string, string>,
    query: Record<string, QueryValue>,
    options: CatalogOptions,
  ): Promise<T[]> {
    const load = () => collect(paginate(this.pipeline, operation, { params, query }, options));
    return options.fresh ? load() : this.cache.getOrLoad(country, cacheKey(operation, params, query), load);
  }

  private get<T>(
    country: string,
    operation: Operation<T>,
    params: Record<string, string>,
    query: Record<string, QueryValue>,
    options: CatalogOptions,
  ): Promise<T> {
    const load = () => this.pipeline.call(operation, { params, query }, options);
    return options.fresh ? load() : this.cache.getOrLoad(country, cacheKey(operation, params, query), load);
  }
}

function cacheKey(
  operation: Operation<unknown>,
  params: Record<string, string>,
  query: Record<string, QueryValue>,
): string {
  const normalise = (record: Record<string, unknown>) =>
    Object.entries(record)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => `${key}=${String(value).toLowerCase()}`)
      .sort()
      .join('&');
  return `${operation.name}?${normalise(params)}#${normalise(query)}`;
}
