import { silentLogger } from '../../../src/logging';
import { verifyJwt } from '../../../src/security/jwt';
import { SigningKeyCache } from '../../../src/security/signingKeys';
import { BotFrameworkIdentity, BOT_FRAMEWORK_ISSUER } from '../../integration/bot/botFrameworkIdentity';

const APP_ID = '3c5b2a1d-0000-4000-8000-00000000b0b1';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const HOUR = 3_600_000;

/** The key cache against a loopback stand-in of the key endpoint, on a clock the test moves. */
describe('signing key cache', () => {
  let identity: BotFrameworkIdentity;
  let clock: number;
  let keys: SigningKeyCache;
  const expectations = { issuers: [BOT_FRAMEWORK_ISSUER], audience: APP_ID, clockToleranceSec: 300 };
  const check = (token: string) => verifyJwt(token, expectations, (kid) => keys.lookup(kid));

  beforeEach(async () => {
    identity = await BotFrameworkIdentity.start(APP_ID);
    clock = Date.now();
    keys = new SigningKeyCache({
      metadataUrl: identity.metadataUrl,
      logger: silentLogger(),
      now: () => clock,
      firstRetryMs: 1_000,
      maxRetryMs: 8_000,
    });
  });
  afterEach(() => identity.close());

  it('fetches the keys once and serves every token from memory while they are fresh', async () => {
    for (let i = 0; i < 5; i++) expect(await check(identity.token(SERVICE_URL))).toMatchObject({ ok: true });
    expect(identity.requests).toBe(2); // the metadata, then the key set
  });

  it('keeps serving with the last keys through an outage, up to 72 hours, then answers unavailable', async () => {
    await check(identity.token(SERVICE_URL));
    identity.setDown(true);
    clock += 25 * HOUR; // stale: a background refresh fails, the keys in hand still serve
    expect(await check(identity.token(SERVICE_URL))).toMatchObject({ ok: true });
    clock += 40 * HOUR;
    expect(await check(identity.token(SERVICE_URL))).toMatchObject({ ok: true });
    clock += 8 * HOUR; // 73 h after the last successful fetch
    expect(await check(identity.token(SERVICE_URL))).toEqual({ ok: false, reason: 'keys-unavailable' });
    identity.setDown(false);
    clock += 10_000; // past the backoff
    expect(await check(identity.token(SERVICE_URL))).toMatchObject({ ok: true });
  });

  it('backs off while the endpoint is down instead of asking on every request', async () => {
    identity.setDown(true);
    for (let i = 0; i < 20; i++) {
      expect(await check(identity.token(SERVICE_URL))).toEqual({ ok: false, reason: 'keys-unavailable' });
    }
    expect(identity.requests).toBe(1);
    clock += 1_000;
    await check(identity.token(SERVICE_URL));
    expect(identity.requests).toBe(2);
    clock += 1_000; // the delay doubled to 2 s: not yet
    await check(identity.token(SERVICE_URL));
    expect(identity.requests).toBe(2);
  });

  it('picks up rolled keys when a token names a new key id, but at most every 5 minutes', async () => {
    await check(identity.token(SERVICE_URL));
    clock += 5 * 60_000;
    identity.rollKeys();
    expect(await check(identity.token(SERVICE_URL))).toMatchObject({ ok: true });
    expect(identity.requests).toBe(4);
    // A forged key id right after: no new fetch, refused as unknown.
    const forged = identity.token(SERVICE_URL, {}, { kid: 'made-up' });
    expect(await check(forged)).toEqual({ ok: false, reason: 'unknown-key' });
    expect(identity.requests).toBe(4);
    clock += 5 * 60_000;
    expect(await check(forged)).toEqual({ ok: false, reason: 'unknown-key' });
    expect(identity.requests).toBe(6);
  });

  it('answers "unavailable", not "forged", for a new key id while the endpoint is down', async () => {
    await check(identity.token(SERVICE_URL));
    identity.setDown(true);
    identity.rollKeys();
    clock += 5 * 60_000;
    expect(await check(identity.token(SERVICE_URL))).toEqual({ ok: false, reason: 'keys-unavailable' });
  });
});

describe('JWT checks before any key is fetched', () => {
  it('refuses alg none, HS256, another issuer, another audience and an expired token without asking for keys', async () => {
    const identity = await BotFrameworkIdentity.start(APP_ID);
    try {
      const keys = new SigningKeyCache({ metadataUrl: identity.metadataUrl, logger: silentLogger() });
      const expectations = { issuers: [BOT_FRAMEWORK_ISSUER], audience: APP_ID, clockToleranceSec: 300 };
      const check = (token: string) => verifyJwt(token, expectations, (kid) => keys.lookup(kid));
      const forged = identity.forgedTokens(SERVICE_URL);
      const now = Math.floor(Date.now() / 1000);
      expect(await check(forged.none)).toEqual({ ok: false, reason: 'malformed' });
      expect(await check(forged.hs256)).toEqual({ ok: false, reason: 'algorithm' });
      expect(await check(identity.token(SERVICE_URL, { iss: 'https://evil.example.com' }))).toEqual({
        ok: false,
        reason: 'issuer',
      });
      expect(await check(identity.token(SERVICE_URL, { aud: 'another-bot' }))).toEqual({
        ok: false,
        reason: 'audience',
      });
      expect(await check(identity.token(SERVICE_URL, { exp: now - 301 }))).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await check(identity.token(SERVICE_URL, { nbf: now + 600 }))).toEqual({
        ok: false,
        reason: 'not-yet-valid',
      });
      expect(await check('not.a.jwt')).toEqual({ ok: false, reason: 'malformed' });
      expect(identity.requests).toBe(0);
      // A token signed by another key with the right key id fails on its signature.
      const [head, body] = identity.token(SERVICE_URL).split('.');
      const other = await BotFrameworkIdentity.start(APP_ID);
      const signature = other.token(SERVICE_URL).split('.')[2];
      await other.close();
      expect(await check(`${head}.${body}.${signature}`)).toEqual({ ok: false, reason: 'signature' });
    } finally {
      await identity.close();
    }
  });
});
