import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logging';
import type { KeyLookup, SigningKey } from './jwt';

/**
 * The signing keys an OpenID provider publishes (its metadata names the JWKS), kept in memory so
 * that token validation does not depend on the provider answering every time.
 *
 * - Fresh for `refreshAfterMs` (24 h, as the Bot Framework SDK); after that the keys in hand keep
 *   serving while one background refresh runs.
 * - When the provider cannot be reached, the last keys keep serving until they are `maxAgeMs` old
 *   (72 h); failed refreshes are retried with backoff (5 s doubling to 5 min), one at a time, so an
 *   outage is not hammered by every request.
 * - A key id we do not know triggers a refresh (keys roll over), at most every `unknownKeyRefreshMs`,
 *   so forged key ids cannot make us fetch on every request.
 * - Only with no usable keys at all does a lookup answer `unavailable` (a 503 for the caller).
 */
export interface SigningKeyCacheOptions {
  metadataUrl: string;
  logger: Logger;
  refreshAfterMs?: number;
  maxAgeMs?: number;
  unknownKeyRefreshMs?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

const metadataSchema = z.object({ jwks_uri: z.string().url() }).passthrough();
const jwksSchema = z.object({
  keys: z.array(
    z
      .object({
        kid: z.string().optional(),
        kty: z.string().optional(),
        n: z.string().optional(),
        e: z.string().optional(),
        endorsements: z.array(z.string()).optional(),
      })
      .passthrough(),
  ),
});

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class SigningKeyCache {
  private keys = new Map<string, SigningKey>();
  private fetchedAt: number | undefined;
  private refreshing: Promise<void> | undefined;
  private lastAttemptAt: number | undefined;
  private retryAt = 0;
  private retryDelayMs: number;
  private lastRefreshFailed = false;
  private readonly now: () => number;
  private readonly timing: Required<Omit<SigningKeyCacheOptions, 'logger' | 'now' | 'metadataUrl'>>;

  constructor(private readonly options: SigningKeyCacheOptions) {
    this.now = options.now ?? Date.now;
    this.timing = {
      refreshAfterMs: options.refreshAfterMs ?? 24 * 3_600_000,
      maxAgeMs: options.maxAgeMs ?? 72 * 3_600_000,
      unknownKeyRefreshMs: options.unknownKeyRefreshMs ?? 5 * 60_000,
      firstRetryMs: options.firstRetryMs ?? 5_000,
      maxRetryMs: options.maxRetryMs ?? 5 * 60_000,
      timeoutMs: options.timeoutMs ?? 5_000,
    };
    this.retryDelayMs = this.timing.firstRetryMs;
    assertSafeUrl(options.metadataUrl, options.metadataUrl);
  }

  async lookup(kid: string): Promise<KeyLookup> {
    const now = this.now();
    const age = this.fetchedAt === undefined ? Infinity : now - this.fetchedAt;
    if (age >= this.timing.maxAgeMs) {
      // Nothing usable in hand: wait for a refresh (unless one just failed and its backoff runs).
      if (now >= this.retryAt) await this.refresh();
    } else if (!this.keys.has(kid)) {
      // Keys roll over: a new key id is worth one look, but not one per request.
      if (this.mayRefreshForUnknownKey(now)) await this.refresh();
    } else if (age >= this.timing.refreshAfterMs && now >= this.retryAt) {
      void this.refresh();
    }
    const usable = this.fetchedAt !== undefined && this.now() - this.fetchedAt < this.timing.maxAgeMs;
    if (!usable) return { found: undefined, unavailable: true };
    const found = this.keys.get(kid);
    if (found) return { found };
    // A key id we cannot check while the provider is down: "try again", not "forged".
    return { found: undefined, unavailable: this.lastRefreshFailed };
  }

  private mayRefreshForUnknownKey(now: number): boolean {
    return (
      now >= this.retryAt &&
      (this.lastAttemptAt === undefined || now - this.lastAttemptAt >= this.timing.unknownKeyRefreshMs)
    );
  }

  /** One refresh at a time; concurrent lookups share it. Never throws: a failure keeps the old keys. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.fetchKeys().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttemptAt = this.now();
    try {
      const metadata = metadataSchema.parse(await this.getJson(this.options.metadataUrl));
      assertSafeUrl(metadata.jwks_uri, this.options.metadataUrl);
      const jwks = jwksSchema.parse(await this.getJson(metadata.jwks_uri));
      const keys = new Map<string, SigningKey>();
      for (const jwk of jwks.keys) {
        if (!jwk.kid || jwk.kty !== 'RSA' || !jwk.n || !jwk.e) continue;
        try {
          const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
          keys.set(jwk.kid, { key, endorsements: jwk.endorsements });
        } catch {
          // A key we cannot read is skipped; the others still serve.
        }
      }
      if (keys.size === 0) throw new Error('the key set holds no usable RSA key');
      this.keys = keys;
      this.fetchedAt = this.now();
      this.retryAt = 0;
      this.retryDelayMs = this.timing.firstRetryMs;
      this.lastRefreshFailed = false;
    } catch (error) {
      this.lastRefreshFailed = true;
      this.retryAt = this.now() + this.retryDelayMs;
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.timing.maxRetryMs);
      this.options.logger.warn(
        {
          err: error instanceof Error ? { message: error.message, name: error.name } : String(error),
          metadataUrl: this.options.metadataUrl,
          keysInHand: this.keys.size,
          keysAgeMs: this.fetchedAt === undefined ? null : this.now() - this.fetchedAt,
        },
        'could not refresh the token signing keys',
      );
    }
  }

  private async getJson(url: string): Promise<unknown> {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(this.timing.timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }
}

/** https only, except a loopback stand-in reached from a loopback metadata URL (tests). */
function assertSafeUrl(url: string, metadataUrl: string): void {
  const target = new URL(url);
  if (target.protocol === 'https:') return;
  const origin = new URL(metadataUrl);
  if (
    target.protocol === 'http:' &&
    LOOPBACK_HOSTS.has(target.hostname) &&
    LOOPBACK_HOSTS.has(origin.hostname)
  ) {
    return;
  }
  throw new Error(`signing keys must come over https (got ${target.protocol}//${target.host})`);
}
