/** Catalog facts of the Azure plan and the legacy offer (partner-center-api.md §1). */
export const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BPS6';
export const LEGACY_AZURE_OFFER_ID = 'MS-AZR-0145P';
export const AZURE_TARGET_VIEW = 'MicrosoftAzure';

/** An Azure plan subscription's offerId is its catalogItemId, `DZH318Z0BPS6:0001:<availability>`. */
export function isAzurePlanOffer(offerId: string | null | undefined): boolean {
  return (offerId ?? '').toUpperCase().startsWith(`${AZURE_PLAN_PRODUCT_ID}:`);
}

export function isLegacyAzureOffer(offerId: string | null | undefined): boolean {
  return (offerId ?? '').toUpperCase() === LEGACY_AZURE_OFFER_ID;
}
