/** Catalog facts of the Azure plan and the legacy offer (partner-center-api.md §1). */
export const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BPS6';
export const LEGACY_AZURE_OFFER_ID = 'MS-AZR-0145P';
/** The legacy offer's product in the catalog (sample 02's links name it). */
export const LEGACY_AZURE_PRODUCT_ID = '9DEA7946-EC2C-441E-9FFD-E3B275F7E838';
export const AZURE_TARGET_VIEW = 'MicrosoftAzure';

/** An Azure plan subscription's offerId is its catalogItemId, `DZH318Z0BPS6:0001:<availability>`. */
export function isAzurePlanOffer(offerId: string | null | undefined): boolean {
  return (offerId ?? '').toUpperCase().startsWith(`${AZURE_PLAN_PRODUCT_ID}:`);
}

export function isLegacyAzureOffer(offerId: string | null | undefined): boolean {
  return (offerId ?? '').toUpperCase() === LEGACY_AZURE_OFFER_ID;
}
