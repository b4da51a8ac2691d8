import type { Country, Currency, OrderLineRecord } from './types';

/**
 * The simulator's catalog: the Azure plan, the legacy Microsoft Azure (MS-AZR-0145P) offer and a
 * reserved-instance product, offered in every seed country. Ids of the Azure plan come from the
 * documentation samples; the others are invented in the same style.
 */

export const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BPS6';
export const AZURE_PLAN_SKU_ID = '0001';
export const AZURE_PLAN_AVAILABILITY_ID = 'DZH318Z0BML6';
export const AZURE_PLAN_CATALOG_ITEM_ID = `${AZURE_PLAN_PRODUCT_ID}:${AZURE_PLAN_SKU_ID}:${AZURE_PLAN_AVAILABILITY_ID}`;

export const LEGACY_AZURE_PRODUCT_ID = '9DEA7946-EC2C-441E-9FFD-E3B275F7E838';
export const LEGACY_AZURE_OFFER_ID = 'MS-AZR-0145P';

export const RESERVATION_PRODUCT_ID = 'DZH318Z0BQ3Q';

export const COUNTRIES: readonly Country[] = ['US', 'FR', 'GB', 'DE'];
export const COUNTRY_CURRENCY: Record<Country, Currency> = { US: 'USD', FR: 'EUR', GB: 'GBP', DE: 'EUR' };

export type ProductKind = 'azurePlan' | 'legacyAzure' | 'reservation';
export type Segment = 'commercial' | 'education' | 'government' | 'nonprofit';

export interface CatalogTerm {
  duration: string;
  description: string;
}

export interface CatalogAvailability {
  id: string;
  segment: Segment;
  isPurchasable: boolean;
  isRenewable: boolean;
  terms: CatalogTerm[];
  /** Price per unit in the catalog currency, in cents (0 for the Azure plan: it bills on usage). */
  unitPriceCents: number;
}

export interface CatalogSku {
  id: string;
  title: string;
  description: string;
  minimumQuantity: number;
  maximumQuantity: number;
  supportedBillingCycles: string[];
  purchasePrerequisites: string[];
  inventoryVariables: string[];
  provisioningVariables: string[];
  actions?: string[];
  dynamicAttributes: Record<string, unknown>;
  availabilities: CatalogAvailability[];
}

export interface CatalogProduct {
  id: string;
  kind: ProductKind;
  title: string;
  description: string;
  productType: { id: string; displayName: string; subType?: { id: string; displayName: string } };
  publisherName: string;
  targetViews: string[];
  localizedAttributes?: { key: string; value: string }[];
  skus: CatalogSku[];
}

/** targetView values the documentation lists; other values answer 403 400036. */
export const KNOWN_TARGET_VIEWS = [
  'Azure',
  'AzureReservations',
  'AzureReservationsVM',
  'AzureReservationsSQL',
  'AzureReservationsCosmosDb',
  'MicrosoftAzure',
  'OnlineServices',
  'Software',
  'SoftwareSUSELinux',
  'SoftwarePerpetual',
  'SoftwareSubscriptions',
  'SpecializedOffers',
  'MarketplaceSaaS',
];

const VM_SIZES: Record<string, { cores: string; ram: string; display: string }> = {
  Standard_DS1_v2: { cores: '1', ram: '3.5', display: 'DS1 v2' },
  Standard_DS2_v2: { cores: '2', ram: '7', display: 'DS2 v2' },
};

const reservationSku = (id: string, years: 1 | 3, vm: string, priceCents: number): CatalogSku => ({
  id,
  title: `Reserved VM Instance, ${vm}, US West 2, ${years} Year${years === 1 ? '' : 's'}`,
  description: `Reserved Virtual Machines Instance, ${vm}, US West 2, ${years} Year${years === 1 ? '' : 's'}`,
  minimumQuantity: 1,
  maximumQuantity: 999999999,
  supportedBillingCycles: ['one_time'],
  purchasePrerequisites: ['AzureSubscriptionRegistration', 'InventoryCheck'],
  inventoryVariables: ['CustomerId', 'AzureSubscriptionId'],
  provisioningVariables: ['Scope', 'SubscriptionId', 'Duration'],
  dynamicAttributes: {
    armSkuName: vm,
    cores: VM_SIZES[vm].cores,
    ram: VM_SIZES[vm].ram,
    skuDisplayName: VM_SIZES[vm].display,
    category: 'General purpose',
    armRegionName: 'westus2',
    duration: years === 1 ? '1Year' : '3Years',
    region: 'US West 2',
    diskType: 'Ssd',
  },
  availabilities: [
    {
      id: `DZH318Z0HM${years}${id.slice(-1)}`,
      segment: 'commercial',
      isPurchasable: true,
      isRenewable: false,
      terms: [{ duration: `P${years}Y`, description: `${years} Year${years === 1 ? '' : 's'} Prepaid` }],
      unitPriceCents: priceCents,
    },
  ],
});

export const CATALOG: readonly CatalogProduct[] = [
  {
    id: AZURE_PLAN_PRODUCT_ID,
    kind: 'azurePlan',
    title: 'Microsoft Azure plan',
    description: 'Gain access to Azure Services.',
    productType: { id: 'Azure', displayName: 'Azure', subType: { id: 'Azure', displayName: 'Azure' } },
    publisherName: 'Microsoft Corporation',
    targetViews: ['microsoftazure'],
    localizedAttributes: [
      { key: 'OfferType', value: 'OfferType' },
      { key: 'Standard', value: 'Standard' },
      { key: 'DevTest', value: 'Dev/Test' },
    ],
    skus: [
      {
        id: AZURE_PLAN_SKU_ID,
        title: 'Microsoft Azure plan',
        description: 'Microsoft Azure plan (MS-AZR-0017G)',
        minimumQuantity: 1,
        maximumQuantity: 1,
        supportedBillingCycles: ['one_time'],
        purchasePrerequisites: ['MicrosoftCustomerAgreement'],
        inventoryVariables: [],
        provisioningVariables: [],
        actions: ['Refund'],
        dynamicAttributes: { isMicrosoftProduct: true, pilotProgram: 'modernazurepilot' },
        availabilities: [
          {
            id: AZURE_PLAN_AVAILABILITY_ID,
            segment: 'commercial',
            isPurchasable: true,
            isRenewable: false,
            terms: [],
            unitPriceCents: 0,
          },
          {
            id: 'DZH318Z0BMKH',
            segment: 'education',
            isPurchasable: true,
            isRenewable: false,
            terms: [],
            unitPriceCents: 0,
          },
        ],
      },
    ],
  },
  {
    id: LEGACY_AZURE_PRODUCT_ID,
    kind: 'legacyAzure',
    title: 'Microsoft Azure',
    description: 'Azure Cloud Solution Provider offer for Partner and Resellers',
    productType: { id: 'Azure', displayName: 'Azure' },
    publisherName: 'Microsoft Corporation',
    targetViews: ['microsoftazure'],
    skus: [
      {
        id: LEGACY_AZURE_OFFER_ID,
        title: 'Microsoft Azure',
        description: 'Azure Cloud Solution Provider offer for Partner and Resellers',
        minimumQuantity: 1,
        maximumQuantity: 1,
        supportedBillingCycles: ['monthly'],
        purchasePrerequisites: ['MicrosoftCloudAgreement'],
        inventoryVariables: [],
        provisioningVariables: [],
        actions: ['Refund'],
        dynamicAttributes: {
          isMicrosoftProduct: true,
          billingType: 'usage',
          category: 'Enterprise',
          isAddon: false,
          prerequisiteSkus: [],
          hasAddOns: false,
          isAutoRenewable: false,
          upgradeTargetOffers: null,
          conversionTargetOffers: [],
          unitType: 'Usage-based',
        },
        availabilities: [
          {
            id: 'DZH318Z0BQ0Z',
            segment: 'commercial',
            isPurchasable: false,
            isRenewable: false,
            terms: [],
            unitPriceCents: 0,
          },
        ],
      },
    ],
  },
  {
    id: RESERVATION_PRODUCT_ID,
    kind: 'reservation',
    title: 'Virtual Machines DSv2 Series',
    description:
      'Dsv2-series instances carry more powerful CPUs than D-series instances and the same memory and disk configurations.',
    productType: {
      id: 'Azure',
      displayName: 'Azure',
      subType: { id: 'VirtualMachines', displayName: 'VirtualMachines' },
    },
    publisherName: 'Microsoft',
    targetViews: ['azure', 'azurereservations', 'azurereservationsvm'],
    skus: [
      reservationSku('0001', 1, 'Standard_DS1_v2', 43_800),
      reservationSku('0002', 3, 'Standard_DS1_v2', 98_500),
      reservationSku('0003', 1, 'Standard_DS2_v2', 87_600),
    ],
  },
];

export function findProduct(productId: string): CatalogProduct | undefined {
  const key = productId.toLowerCase();
  return CATALOG.find((p) => p.id.toLowerCase() === key);
}

export function findSku(product: CatalogProduct, skuId: string): CatalogSku | undefined {
  const key = skuId.toLowerCase();
  return product.skus.find((s) => s.id.toLowerCase() === key);
}

export function findAvailability(sku: CatalogSku, availabilityId: string): CatalogAvailability | undefined {
  const key = availabilityId.toLowerCase();
  return sku.availabilities.find((a) => a.id.toLowerCase() === key);
}

export function catalogItemId(
  product: CatalogProduct,
  sku: CatalogSku,
  availability: CatalogAvailability,
): string {
  return product.kind === 'legacyAzure'
    ? LEGACY_AZURE_OFFER_ID
    : `${product.id}:${sku.id}:${availability.id}`;
}

export function productsForView(targetView: string): CatalogProduct[] {
  const view = targetView.toLowerCase();
  return CATALOG.filter((p) => p.targetViews.includes(view));
}

export function isCountry(value: string): value is Country {
  return (COUNTRIES as readonly string[]).includes(value.toUpperCase());
}

export type CatalogItemResolution =
  | { kind: 'ok'; product: CatalogProduct; sku: CatalogSku; availability: CatalogAvailability }
  | { kind: 'staleAvailability'; product: CatalogProduct; sku: CatalogSku; availabilityId: string }
  | { kind: 'invalid' };

/** Resolves a cart line's `catalogItemId` (`product:sku:availability`, or `MS-AZR-0145P`). */
export function resolveCatalogItem(id: string): CatalogItemResolution {
  if (id.toUpperCase() === LEGACY_AZURE_OFFER_ID) {
    const product = findProduct(LEGACY_AZURE_PRODUCT_ID);
    const sku = product && findSku(product, LEGACY_AZURE_OFFER_ID);
    if (product && sku) return { kind: 'ok', product, sku, availability: sku.availabilities[0] };
  }
  const parts = id.split(':');
  if (parts.length !== 3) return { kind: 'invalid' };
  const product = findProduct(parts[0]);
  const sku = product && findSku(product, parts[1]);
  if (!product || !sku) return { kind: 'invalid' };
  const availability = findAvailability(sku, parts[2]);
  if (!availability) return { kind: 'staleAvailability', product, sku, availabilityId: parts[2] };
  return { kind: 'ok', product, sku, availability };
}

/** The one line of a seeded order that bought reservation SKU `skuId` at its catalog availability. */
export function reservationOrderLine(skuId: string, resourceId: string): OrderLineRecord {
  const product = findProduct(RESERVATION_PRODUCT_ID);
  const sku = product && findSku(product, skuId);
  const availability = sku?.availabilities[0];
  if (!product || !sku || !availability) throw new Error(`No reservation SKU ${skuId} in the catalog`);
  return {
    lineItemNumber: 0,
    offerId: catalogItemId(product, sku, availability),
    productId: product.id,
    skuId: sku.id,
    availabilityId: availability.id,
    friendlyName: sku.title,
    quantity: 1,
    termDuration: availability.terms[0]?.duration,
    effect: 'reservation',
    unitPriceCents: availability.unitPriceCents,
    plannedSubscriptionId: resourceId,
  };
}

/** The one line of an order that bought (or, by an upgrade, created) the Azure plan `planId`. */
export function azurePlanOrderLine(planId: string): OrderLineRecord {
  return {
    lineItemNumber: 0,
    offerId: AZURE_PLAN_CATALOG_ITEM_ID,
    productId: AZURE_PLAN_PRODUCT_ID,
    skuId: AZURE_PLAN_SKU_ID,
    availabilityId: AZURE_PLAN_AVAILABILITY_ID,
    friendlyName: 'Microsoft Azure plan',
    quantity: 1,
    effect: 'azurePlan',
    unitPriceCents: 0,
    plannedSubscriptionId: planId,
    subscriptionId: planId,
  };
}
