import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * Verification of RSA-signed JWTs (RS256/384/512) with node:crypto: the header, the claims every
 * caller needs (issuer, audience, lifetime) and the signature. Anything else (alg none, HS256, a
 * missing kid, a token that is not three base64url parts) is refused before a key is looked up, so
 * a forged token never makes us fetch keys.
 */
export type JwtRefusal =
  | 'malformed'
  | 'algorithm'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid'
  | 'unknown-key'
  | 'signature';

export interface SigningKey {
  key: KeyObject;
  /** Channels that endorse the key (Bot Framework): checked by the caller against the activity. */
  endorsements?: readonly string[];
}

/** What a key source answers: the key, no such key, or no way to know right now (an outage). */
export type KeyLookup = { found: SigningKey } | { found: undefined; unavailable: boolean };

export interface JwtExpectations {
  issuers: readonly string[];
  audience: string;
  /** Seconds of clock difference tolerated on exp and nbf. */
  clockToleranceSec: number;
  now?: () => number;
}

export type JwtResult =
  | { ok: true; claims: Record<string, unknown>; key: SigningKey }
  | { ok: false; reason: JwtRefusal }
  | { ok: false; reason: 'keys-unavailable' };

const MAX_TOKEN_LENGTH = 16 * 1024;
const TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;
const HASH_OF = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' } as const;

const headerSchema = z.object({ alg: z.string(), kid: z.string().min(1).max(256) }).passthrough();
const claimsSchema = z
  .object({
    iss: z.string(),
    aud: z.union([z.string(), z.array(z.string())]),
    exp: z.number().finite(),
    nbf: z.number().finite().optional(),
  })
  .passthrough();

export async function verifyJwt(
  token: string,
  expected: JwtExpectations,
  keyFor: (kid: string) => Promise<KeyLookup>,
): Promise<JwtResult> {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = TOKEN.exec(token);
  if (!parts) return { ok: false, reason: 'malformed' };
  const [, headerPart, claimsPart, signaturePart] = parts;
  const header = headerSchema.safeParse(decodeJson(headerPart));
  if (!header.success) return { ok: false, reason: 'malformed' };
  const alg = header.data.alg;
  if (!isAllowedAlgorithm(alg)) return { ok: false, reason: 'algorithm' };
  const parsedClaims = claimsSchema.safeParse(decodeJson(claimsPart));
  if (!parsedClaims.success) return { ok: false, reason: 'malformed' };
  const claims = parsedClaims.data;
  if (!expected.issuers.includes(claims.iss)) return { ok: false, reason: 'issuer' };
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expected.audience)) return { ok: false, reason: 'audience' };
  const nowSec = (expected.now ?? Date.now)() / 1000;
  if (nowSec > claims.exp + expected.clockToleranceSec) return { ok: false, reason: 'expired' };
  if (claims.nbf !== undefined && nowSec + expected.clockToleranceSec < claims.nbf) {
    return { ok: false, reason: 'not-yet-valid' };
  }

  const lookup = await keyFor(header.data.kid);
  if (!lookup.found) return { ok: false, reason: lookup.unavailable ? 'keys-unavailable' : 'unknown-key' };
  if (lookup.found.key.asymmetricKeyType !== 'rsa') return { ok: false, reason: 'algorithm' };
  const signed = verifySignature(
    HASH_OF[alg],
    Buffer.from(`${headerPart}.${claimsPart}`, 'ascii'),
    lookup.found.key,
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) return { ok: false, reason: 'signature' };
  return { ok: true, claims, key: lookup.found };
}

function isAllowedAlgorithm(alg: string): alg is keyof typeof HASH_OF {
  return Object.prototype.hasOwnProperty.call(HASH_OF, alg);
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
