import { link } from '../http/links';
import {
  COUNTRY_CURRENCY,
  catalogItemId,
  type CatalogAvailability,
  type CatalogProduct,
  type CatalogSku,
} from '../state/catalog';
import { CURRENCY_SYMBOL } from '../state/money';
import type { Country } from '../state/types';

export function productView(product: CatalogProduct, country: Country) {
  return {
    id: product.id,
    title: product.title,
    description: product.description,
    productType: product.productType,
    isMicrosoftProduct: true,
    publisherName: product.publisherName,
    links: {
      skus: link(`/products/${product.id}/skus?country=${country}`),
      self: link(`/products/${product.id}?country=${country}`),
    },
    ...(product.localizedAttributes ? { localizedAttributes: product.localizedAttributes } : {}),
  };
}

export function skuView(product: CatalogProduct, sku: CatalogSku, country: Country) {
  return {
    id: sku.id,
    productId: product.id,
    title: sku.title,
    description: sku.description,
    minimumQuantity: sku.minimumQuantity,
    maximumQuantity: sku.maximumQuantity,
    isTrial: false,
    supportedBillingCycles: sku.supportedBillingCycles,
    purchasePrerequisites: sku.purchasePrerequisites,
    inventoryVariables: sku.inventoryVariables,
    provisioningVariables: sku.provisioningVariables,
    ...(sku.actions ? { actions: sku.actions } : {}),
    dynamicAttributes: sku.dynamicAttributes,
    links: {
      availabilities: link(`/products/${product.id}/skus/${sku.id}/availabilities?country=${country}`),
      self: link(`/products/${product.id}/skus/${sku.id}?country=${country}`),
    },
  };
}

export function availabilityView(
  product: CatalogProduct,
  sku: CatalogSku,
  availability: CatalogAvailability,
  country: Country,
) {
  const currency = COUNTRY_CURRENCY[country];
  return {
    id: availability.id,
    productId: product.id,
    skuId: sku.id,
    catalogItemId: catalogItemId(product, sku, availability),
    defaultCurrency: { code: currency, symbol: CURRENCY_SYMBOL[currency] },
    segment: availability.segment,
    country,
    isPurchasable: availability.isPurchasable,
    isRenewable: availability.isRenewable,
    terms: availability.terms,
    product: productView(product, country),
    sku: skuView(product, sku, country),
    links: {
      self: link(
        `/products/${product.id}/skus/${sku.id}/availabilities/${availability.id}?country=${country}`,
      ),
    },
  };
}
