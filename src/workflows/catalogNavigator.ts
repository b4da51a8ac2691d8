import type { Availability, PartnerCenterClient, Product } from '../partnercenter';
import { AZURE_TARGET_VIEW, isLegacyAzureOffer, LEGACY_AZURE_PRODUCT_ID } from './azurePlan';

export interface CatalogChoice {
  id: string;
  title: string;
  description?: string;
  /** The legacy Microsoft Azure (MS-AZR-0145P) offer: listed by Partner Center, no longer sold. */
  legacy?: boolean;
}

export interface SkuChoice extends CatalogChoice {
  billingCycles: string[];
  minimumQuantity: number;
  maximumQuantity: number;
}

export interface AvailabilityChoice extends CatalogChoice {
  catalogItemId: string;
  currency?: string;
  segment?: string;
}

interface CatalogScope {
  country: string;
  customerId: string;
  correlationId: string;
}

/**
 * The customer-scoped MicrosoftAzure catalog (what this customer can buy), in the customer's
 * country. Reads go through the client's per-country cache; the executor reads the availability
 * fresh again right before the cart.
 */
export async function listAzureProducts(
  pc: PartnerCenterClient,
  scope: CatalogScope,
): Promise<CatalogChoice[]> {
  const products = await pc.catalog.listProducts(scope.country, {
    targetView: AZURE_TARGET_VIEW,
    customerId: scope.customerId,
    correlationId: scope.correlationId,
  });
  return productChoices(products);
}

/**
 * A product list's items as products to pick. Items of the customer-scoped MicrosoftAzure catalog are
 * SKU-shaped (sample 02): their `id` is an offer id (MS-AZR-0145P) and the product is `productId`.
 */
export function productChoices(products: readonly Product[]): CatalogChoice[] {
  return products.map((p) => ({
    ...choice(p.productId || p.id, p.title, p.description),
    ...(isLegacyAzureOffer(p.id) || (p.productId || p.id).toUpperCase() === LEGACY_AZURE_PRODUCT_ID
      ? { legacy: true }
      : {}),
  }));
}

export async function listSkus(
  pc: PartnerCenterClient,
  scope: CatalogScope & { productId: string },
): Promise<SkuChoice[]> {
  const skus = await pc.catalog.listSkus(scope.country, scope.productId, {
    customerId: scope.customerId,
    correlationId: scope.correlationId,
  });
  return skus.map((s) => ({
    ...choice(s.id, s.title, s.description),
    billingCycles: [...(s.supportedBillingCycles ?? [])],
    minimumQuantity: s.minimumQuantity ?? 1,
    maximumQuantity: s.maximumQuantity ?? s.minimumQuantity ?? 1,
  }));
}

/** Only purchasable availabilities (the legacy 0145P offer has none). */
export async function listAvailabilities(
  pc: PartnerCenterClient,
  scope: CatalogScope & { productId: string; skuId: string },
): Promise<AvailabilityChoice[]> {
  const availabilities = await pc.catalog.listAvailabilities(scope.country, scope.productId, scope.skuId, {
    customerId: scope.customerId,
    correlationId: scope.correlationId,
  });
  return availabilities.filter((a) => a.isPurchasable !== false).map(availabilityChoice);
}

export function availabilityChoice(a: Availability): AvailabilityChoice {
  const currency = currencyOf(a);
  const skuTitle = embeddedTitle(a.sku);
  return {
    ...choice(a.id, skuTitle ?? a.id, undefined),
    catalogItemId: a.catalogItemId,
    ...(currency ? { currency } : {}),
    ...(a.segment ? { segment: a.segment } : {}),
  };
}

export function currencyOf(a: Availability): string | undefined {
  const currency = a.defaultCurrency;
  if (!currency) return undefined;
  return typeof currency === 'string' ? currency : currency.code;
}

function embeddedTitle(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('title' in value)) return undefined;
  const title = (value as { title: unknown }).title;
  return typeof title === 'string' && title !== '' ? title : undefined;
}

function choice(id: string, title: string, description: string | null | undefined): CatalogChoice {
  return { id, title, ...(description ? { description } : {}) };
}
