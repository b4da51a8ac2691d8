import {
  AuthError,
  ConfidentialClientApplication,
  LogLevel,
  type AccountInfo,
  type Configuration,
} from '@azure/msal-node';
import type { PartnerCenterLogger } from '../logger';
import {
  ENTRA_AUTHORITY_HOST,
  PARTNER_CENTER_APP_SCOPE,
  PARTNER_CENTER_USER_SCOPE,
  type AuthMode,
  type PartnerCenterCredentials,
} from './credentials';
import { authorityMetadata, cloudDiscoveryMetadata } from './entraMetadata';
import { MsalNetworkClient } from './msalNetworkClient';
import { tokenCachePlugin, type SyncedCachePlugin } from './tokenCachePlugin';

export interface TokenRequest {
  forceRefresh?: boolean;
  correlationId?: string;
}

/** Gives the pipeline a bearer token for an operation's auth mode. */
export interface TokenProvider {
  /** False when the credential for this mode is not configured at all (no network call needed to know). */
  canAuthenticate(mode: AuthMode): boolean;
  getToken(mode: AuthMode, request?: TokenRequest): Promise<string>;
}

/** A token could not be obtained; the description is safe to show and to log (no secret in it). */
export class AuthFailure extends Error {
  constructor(
    readonly description: string,
    /** The identity endpoint could not be reached at all: an outage to retry, not a credential to fix. */
    readonly unreachable = false,
  ) {
    super(description);
  }
}

/** MSAL's code for a request that never got an answer from the identity endpoint. */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof AuthError && error.errorCode === 'network_error';
}

const MAX_DESCRIPTION = 400;

function describe(error: unknown): string {
  const text =
    error instanceof AuthError
      ? `${error.errorCode}: ${error.errorMessage}`
      : error instanceof Error
        ? error.message
        : 'token acquisition failed';
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text;
}

type IssuedToken = { accessToken: string; expiresOn: Date | null };

/** A token is handed out until this long before it expires; then MSAL renews it. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

interface HeldToken {
  token: string;
  until: number;
  /** The shared cache's read count when MSAL gave it (App+User with a persisted cache). */
  loads?: number;
}

/**
 * MSAL-based tokens. App-only: client credentials. App+User (secure application model): a cached
 * account is used silently; otherwise the configured refresh token is exchanged once and MSAL
 * keeps (and rotates) what it gets in its cache, persisted through `tokenCache` when given.
 */
export class MsalTokenProvider implements TokenProvider {
  private readonly app: ConfidentialClientApplication | undefined;
  private readonly appScope: string;
  /** The shared cache's plugin, when the cache is persisted (several instances, restarts). */
  private readonly cachePlugin: SyncedCachePlugin | undefined;
  /**
   * Tokens handed out without asking MSAL again: its cache lookup (cache keys, account and authority
   * parsing) cost more per call than the rest of the client; this is a field read. The app-only
   * token is held until near its expiry. The App+User token comes from the shared cache, which
   * another instance or a new sign-in (with MFA) may renew: it is held only while MSAL itself would
   * not read that cache again (`inSync`, and no read since it was given: `loads`), so it is never staler
   * than MSAL's own answer.
   */
  private readonly held: Partial<Record<AuthMode, HeldToken>> = {};
  /** Forced refreshes so far per mode (a token Partner Center refused). */
  private readonly refreshes: Record<AuthMode, number> = { app: 0, 'app+user': 0 };

  constructor(
    private readonly credentials: PartnerCenterCredentials,
    /** `appScope`: the app-only scope (Partner Center's by default; Graph's for the billing exports). */
    options: { timeoutMs: number; logger: PartnerCenterLogger; appScope?: string },
  ) {
    this.appScope = options.appScope ?? PARTNER_CENTER_APP_SCOPE;
    if (!credentials.clientSecret && !credentials.clientCertificate) return;
    this.cachePlugin = credentials.tokenCache ? tokenCachePlugin(credentials.tokenCache) : undefined;
    const configuration: Configuration = {
      auth: {
        clientId: credentials.clientId,
        authority: `${ENTRA_AUTHORITY_HOST}/${credentials.tenantId}`,
        clientSecret: credentials.clientSecret,
        clientCertificate: credentials.clientCertificate,
        authorityMetadata: authorityMetadata(credentials.tenantId),
        cloudDiscoveryMetadata: cloudDiscoveryMetadata(credentials.tenantId),
      },
      cache: this.cachePlugin ? { cachePlugin: this.cachePlugin } : undefined,
      system: {
        networkClient: new MsalNetworkClient(credentials.identityBaseUrl, options.timeoutMs),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (level, message) => {
            if (level <= LogLevel.Warning) options.logger.debug({ msal: message }, 'msal');
          },
        },
      },
    };
    this.app = new ConfidentialClientApplication(configuration);
  }

  canAuthenticate(mode: AuthMode): boolean {
    if (!this.app) return false;
    return mode === 'app' || Boolean(this.credentials.refreshToken || this.credentials.tokenCache);
  }

  async getToken(mode: AuthMode, request: TokenRequest = {}): Promise<string> {
    const app = this.app;
    if (!app) throw new AuthFailure('No client credential configured (client secret or certificate).');
    const held = this.held[mode];
    if (held && !request.forceRefresh && this.stands(mode, held)) return held.token;
    if (request.forceRefresh) {
      // The refused token is not handed out again, even if this refresh fails.
      this.refreshes[mode] += 1;
      delete this.held[mode];
    }
    const generation = this.refreshes[mode];
    const result = mode === 'app' ? await this.appToken(app, request) : await this.userToken(app, request);
    // A request that started before a forced refresh must not put the older token back.
    if (generation === this.refreshes[mode]) {
      const until = result.expiresOn ? result.expiresOn.getTime() - EXPIRY_MARGIN_MS : 0;
      const loads = mode === 'app' ? undefined : this.cachePlugin?.loads();
      this.held[mode] = { token: result.accessToken, until, ...(loads !== undefined ? { loads } : {}) };
    }
    return result.accessToken;
  }

  /**
   * Whether a held token is handed out: until near its expiry; an App+User one from the shared cache
   * also only while MSAL would answer from the same memory (the cache not read again since, nor due).
   */
  private stands(mode: AuthMode, held: HeldToken): boolean {
    if (Date.now() >= held.until) return false;
    if (mode === 'app' || !this.cachePlugin) return true;
    return held.loads === this.cachePlugin.loads() && this.cachePlugin.inSync();
  }

  private async appToken(app: ConfidentialClientApplication, request: TokenRequest): Promise<IssuedToken> {
    try {
      const result = await app.acquireTokenByClientCredential({
        scopes: [this.appScope],
        skipCache: request.forceRefresh ?? false,
        correlationId: request.correlationId,
      });
      if (!result?.accessToken)
        throw new AuthFailure('The identity endpoint returned no app-only access token.');
      return result;
    } catch (error) {
      throw error instanceof AuthFailure
        ? error
        : new AuthFailure(`App-only token: ${describe(error)}`, isNetworkFailure(error));
    }
  }

  private async userToken(app: ConfidentialClientApplication, request: TokenRequest): Promise<IssuedToken> {
    const account = await this.cachedAccount(app);
    let silentFailure: string | undefined;
    if (account) {
      try {
        const result = await app.acquireTokenSilent({
          account,
          scopes: [PARTNER_CENTER_USER_SCOPE],
          forceRefresh: request.forceRefresh ?? false,
          correlationId: request.correlationId,
        });
        if (result?.accessToken) return result;
      } catch (error) {
        silentFailure = describe(error);
      }
    }
    const refreshToken = this.credentials.refreshToken;
    if (!refreshToken) {
      throw new AuthFailure(
        silentFailure
          ? `App+User token: ${silentFailure}`
          : 'No App+User credential: configure the partner service account refresh token (secure application model).',
      );
    }
    try {
      const result = await app.acquireTokenByRefreshToken({
        refreshToken,
        scopes: [PARTNER_CENTER_USER_SCOPE],
        // Without it MSAL does not cache tokens for an account it has not seen yet.
        forceCache: true,
        correlationId: request.correlationId,
      });
      if (!result?.accessToken)
        throw new AuthFailure('The identity endpoint returned no App+User access token.');
      return result;
    } catch (error) {
      throw error instanceof AuthFailure
        ? error
        : new AuthFailure(`App+User token: ${describe(error)}`, isNetworkFailure(error));
    }
  }

  private async cachedAccount(app: ConfidentialClientApplication): Promise<AccountInfo | undefined> {
    const accounts = await app.getTokenCache().getAllAccounts();
    return accounts.find((account) => account.tenantId === this.credentials.tenantId) ?? accounts[0];
  }
}
