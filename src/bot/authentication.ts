import { CallerIdConstants, type Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  ClaimsIdentity,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
} from 'botframework-connector';
import type { Logger } from '../logging';
import { verifyJwt, type JwtRefusal } from '../security/jwt';
import { SigningKeyCache } from '../security/signingKeys';

/**
 * Who is calling /api/messages, decided from the Authorization header alone, before the body is
 * read; then the activity is bound to that caller (the token names the serviceUrl it may carry, and
 * its signing key the channels that may use it). The result is what CloudAdapter needs to run the
 * turn and to reply (its connector factory), so the SDK never sees an unauthenticated body.
 *
 * Channel tokens only (issuer api.botframework.com, audience our app id, RS256/384/512, 5 minutes
 * of clock skew, as the SDK's ChannelValidation): Teams and the other Azure Bot Service channels.
 * Emulator and skill tokens are not accepted.
 */
export type InboundCaller =
  | { kind: 'anonymous' }
  | { kind: 'channel'; claims: Record<string, unknown>; endorsements?: readonly string[] };

export type AuthRefusal = JwtRefusal | 'missing' | 'not-bearer' | 'service-url' | 'channel-not-endorsed';

export type AuthenticationOutcome =
  | { ok: true; caller: InboundCaller }
  | { ok: false; status: 401; reason: AuthRefusal }
  | { ok: false; status: 503; reason: 'keys-unavailable' };

export type BindingOutcome =
  { ok: true; result: AuthenticateRequestResult } | { ok: false; status: 401; reason: AuthRefusal };

export interface InboundAuthenticator {
  /** False in the sandbox without MicrosoftAppId: every caller is anonymous, as before. */
  readonly enabled: boolean;
  authenticate(authorization: string | undefined): Promise<AuthenticationOutcome>;
  bind(caller: InboundCaller, activity: Activity): Promise<BindingOutcome>;
}

const CLOCK_TOLERANCE_SEC = 5 * 60;
const BEARER = /^Bearer ([^\s]+)$/i;

/** Auth off: the SDK's own anonymous result (no token, replies without credentials). */
export function anonymousAuthenticator(sdk: BotFrameworkAuthentication): InboundAuthenticator {
  return {
    enabled: false,
    async authenticate() {
      return { ok: true, caller: { kind: 'anonymous' } };
    },
    async bind(_caller, activity) {
      return { ok: true, result: await sdk.authenticateRequest(activity, '') };
    },
  };
}

export interface ChannelAuthenticatorOptions {
  appId: string;
  /** The SDK's configured authentication: it makes the connector factory for replies. */
  sdk: BotFrameworkAuthentication;
  logger: Logger;
  openIdMetadataUrl?: string;
  /** Tests inject a cache with short timings. */
  keys?: SigningKeyCache;
  now?: () => number;
}

export function channelAuthenticator(options: ChannelAuthenticatorOptions): InboundAuthenticator {
  const keys =
    options.keys ??
    new SigningKeyCache({
      metadataUrl: options.openIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      logger: options.logger.child({ component: 'bot-signing-keys' }),
    });
  const expectations = {
    issuers: [AuthenticationConstants.ToBotFromChannelTokenIssuer],
    audience: options.appId,
    clockToleranceSec: CLOCK_TOLERANCE_SEC,
    now: options.now,
  };
  return {
    enabled: true,
    async authenticate(authorization) {
      if (!authorization) return { ok: false, status: 401, reason: 'missing' };
      const bearer = BEARER.exec(authorization.trim());
      if (!bearer) return { ok: false, status: 401, reason: 'not-bearer' };
      const checked = await verifyJwt(bearer[1], expectations, (kid) => keys.lookup(kid));
      if (checked.ok) {
        return {
          ok: true,
          caller: { kind: 'channel', claims: checked.claims, endorsements: checked.key.endorsements },
        };
      }
      if (checked.reason === 'keys-unavailable') return { ok: false, status: 503, reason: checked.reason };
      return { ok: false, status: 401, reason: checked.reason };
    },
    async bind(caller, activity) {
      if (caller.kind !== 'channel') return { ok: false, status: 401, reason: 'missing' };
      if (caller.claims[AuthenticationConstants.ServiceUrlClaim] !== activity.serviceUrl) {
        return { ok: false, status: 401, reason: 'service-url' };
      }
      const endorsements = caller.endorsements ?? [];
      if (endorsements.length > 0 && !endorsements.includes(activity.channelId)) {
        return { ok: false, status: 401, reason: 'channel-not-endorsed' };
      }
      const claimsIdentity = new ClaimsIdentity(
        Object.entries(caller.claims).map(([type, value]) => ({
          type,
          value: typeof value === 'string' ? value : JSON.stringify(value),
        })),
        true,
      );
      return {
        ok: true,
        result: {
          // Replies to a channel (not a skill) go with the public cloud's Bot Framework scope.
          audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
          callerId: CallerIdConstants.PublicAzureChannel,
          claimsIdentity,
          connectorFactory: options.sdk.createConnectorFactory(claimsIdentity),
        },
      };
    },
  };
}
