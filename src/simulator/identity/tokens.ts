import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { stableGuid } from '../state/ids';
import { PARTNER_TENANT_DOMAIN } from '../state/partner';

export const PC_RESOURCE = 'https://api.partnercenter.microsoft.com';
export const PC_APP_SCOPE = `${PC_RESOURCE}/.default`;
export const PC_USER_SCOPE = `${PC_RESOURCE}/user_impersonation`;
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_SCOPE = `${GRAPH_RESOURCE}/.default`;
/** The application permission the Graph partner billing exports need. */
export const GRAPH_BILLING_ROLE = 'PartnerBilling.Read.All';

/** The audience an app-only token gets for the `/.default` scope asked for; undefined for others. */
export function appAudienceOf(scopes: readonly string[]): string | undefined {
  const lowered = scopes.map((s) => s.toLowerCase());
  return [PC_RESOURCE, GRAPH_RESOURCE].find((resource) => lowered.includes(`${resource}/.default`));
}
export const TOKEN_LIFETIME_SECONDS = 3599;

/** The partner user behind app+user tokens (the secure application model's service account). */
export const PARTNER_USER = {
  oid: stableGuid('partner-user'),
  name: 'Sandbox Partner Admin',
  upn: `admin@${PARTNER_TENANT_DOMAIN}`,
};

export interface TokenClaims {
  aud: string;
  idtyp: 'app' | 'user';
  tid: string;
  appid: string;
  exp: number;
  /** The token's own id (Entra's `uti`): which token a call carried, for the request log. */
  uti?: string;
  oid?: string;
  upn?: string;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Issues and checks the simulator's tokens. Access tokens are JWTs signed with a per-instance
 * HMAC key, so only tokens this instance issued verify. Expiry uses real time (not the simulated
 * clock): clients cache tokens by their own clock, and moving simulated time must not log them out.
 */
export class TokenService {
  private readonly key = randomBytes(32);
  private readonly refreshTokens = new Set<string>();

  constructor(readonly configuredRefreshToken: string) {}

  private sign(payload: Record<string, unknown>): string {
    const head = b64url({ alg: 'HS256', typ: 'JWT', kid: 'simulator' });
    const body = b64url(payload);
    const signature = createHmac('sha256', this.key).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${signature}`;
  }

  private baseClaims(tenantId: string, clientId: string, audience = PC_RESOURCE) {
    const now = Math.floor(Date.now() / 1000);
    return {
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
      // Entra's unique token identifier: two tokens issued in the same second still differ.
      uti: randomBytes(16).toString('base64url'),
      appid: clientId,
      tid: tenantId,
      ver: '1.0',
    };
  }

  /** An app-only token for Partner Center, or for Microsoft Graph with the partner billing role. */
  issueApp(tenantId: string, clientId: string, audience = PC_RESOURCE) {
    const claims = {
      ...this.baseClaims(tenantId, clientId, audience),
      idtyp: 'app',
      oid: stableGuid(`app:${clientId}`),
    };
    return {
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: this.sign({
        ...claims,
        sub: claims.oid,
        roles: audience === GRAPH_RESOURCE ? [GRAPH_BILLING_ROLE] : [],
      }),
    };
  }

  /** `mfa` false: the sign-in satisfied no MFA (the token's `amr` has no `mfa`). */
  issueUser(tenantId: string, clientId: string, mfa = true) {
    const base = this.baseClaims(tenantId, clientId);
    const access = this.sign({
      ...base,
      idtyp: 'user',
      oid: PARTNER_USER.oid,
      sub: PARTNER_USER.oid,
      name: PARTNER_USER.name,
      upn: PARTNER_USER.upn,
      scp: 'user_impersonation',
      amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
    });
    const idToken = [
      b64url({ alg: 'none', typ: 'JWT' }),
      b64url({
        aud: clientId,
        iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
        iat: base.iat,
        nbf: base.nbf,
        exp: base.exp,
        name: PARTNER_USER.name,
        oid: PARTNER_USER.oid,
        sub: PARTNER_USER.oid,
        preferred_username: PARTNER_USER.upn,
        tid: tenantId,
        ver: '2.0',
      }),
      '',
    ].join('.');
    const refreshToken = `sim-rt-${randomUUID()}`;
    this.refreshTokens.add(refreshToken);
    return {
      token_type: 'Bearer',
      scope: PC_USER_SCOPE,
      expires_in: TOKEN_LIFETIME_SECONDS,
      ext_expires_in: TOKEN_LIFETIME_SECONDS,
      access_token: access,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: PARTNER_USER.oid, utid: tenantId })).toString(
        'base64url',
      ),
    };
  }

  isKnownRefreshToken(token: string): boolean {
    return token === this.configuredRefreshToken || this.refreshTokens.has(token);
  }

  /**
   * The claims of a token this instance issued for `audience` (Partner Center unless said) and
   * that has not expired; undefined otherwise, so a Graph token is refused by Partner Center and
   * a Partner Center token by Graph.
   */
  verify(token: string, audience = PC_RESOURCE): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const expected = createHmac('sha256', this.key).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof payload !== 'object' || payload === null) return undefined;
    const p = payload as Record<string, unknown>;
    if (typeof p.exp !== 'number' || p.exp * 1000 <= Date.now()) return undefined;
    if (p.aud !== audience) return undefined;
    if (
      (p.idtyp !== 'app' && p.idtyp !== 'user') ||
      typeof p.tid !== 'string' ||
      typeof p.appid !== 'string'
    ) {
      return undefined;
    }
    return {
      aud: audience,
      idtyp: p.idtyp,
      tid: p.tid,
      appid: p.appid,
      exp: p.exp,
      uti: typeof p.uti === 'string' ? p.uti : undefined,
      oid: typeof p.oid === 'string' ? p.oid : undefined,
      upn: typeof p.upn === 'string' ? p.upn : undefined,
    };
  }
}
