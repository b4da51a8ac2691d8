/** Where the MSAL token cache lives between runs (a database row, Key Vault, a file…). */
export interface TokenCacheStore {
  load(): Promise<string | null>;
  save(serialized: string): Promise<void>;
}

/**
 * The partner's Microsoft Entra app (registered in the partner tenant) and, for App+User
 * operations, the secure-application-model refresh token of a partner service account.
 */
export interface PartnerCenterCredentials {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  clientCertificate?: { thumbprintSha256: string; privateKey: string; x5c?: string };
  /** SAM refresh token; once exchanged, MSAL keeps the rotated one in its cache. */
  refreshToken?: string;
  /** Persists MSAL's cache (app token, user tokens, rotated refresh token). */
  tokenCache?: TokenCacheStore;
  /**
   * Sends the token requests to another identity host (the simulator) instead of
   * https://login.microsoftonline.com. The MSAL authority itself stays the public one.
   */
  identityBaseUrl?: string;
}

/** 'app' = app-only token; 'app+user' = delegated token of the partner service account. */
export type AuthMode = 'app' | 'app+user';

export const PARTNER_CENTER_APP_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
export const PARTNER_CENTER_USER_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation';
export const ENTRA_AUTHORITY_HOST = 'https://login.microsoftonline.com';
