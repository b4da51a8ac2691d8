import { SimHarness } from './simHarness';

/** The 2026 rule: an App+User call whose token carries no MFA claim gets 401 900421. */

type Json = Record<string, unknown>;

function claimsOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Json;
}

describe('simulator MFA enforcement for App+User calls', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  afterEach(async () => {
    await h.control('PUT', '/config', { appUserMfa: true });
    await h.refreshTokens();
  });

  afterAll(async () => {
    await h.close();
  });

  const summary = () => `/customers/${h.id('Fabrikam Inc')}/usagesummary`;

  it('answers App+User calls with 401 900421 in the Partner Center error body when appUserMfa is false', async () => {
    expect((await h.user('GET', summary())).status).toBe(200);
    await h.control('PUT', '/config', { appUserMfa: false });
    const refused = await h.user('GET', summary());
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: '900421', source: 'PartnerCenter', data: [] });
    expect(String(refused.body.description)).toMatch(/MFA/);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const upgrade = await h.user('POST', '/productUpgrades/eligibility', {
      body: { customerId: h.id('Wingtip Toys'), productFamily: 'Azure' },
    });
    expect(upgrade.body.code).toBe('900421');
  });

  it('also refuses an App+User token on a route that App-only may call, and leaves App-only calls alone', async () => {
    await h.control('PUT', '/config', { appUserMfa: false });
    const path = `/customers/${h.id('Fabrikam Inc')}`;
    expect((await h.user('GET', path)).body.code).toBe('900421');
    expect((await h.api('GET', path)).status).toBe(200);
    // An app token on an App+User-only route is still the documented 403 900329.
    expect((await h.api('GET', summary())).body.code).toBe('900329');
  });

  it('issues App+User tokens without the mfa claim while the switch is off, and with it otherwise', async () => {
    expect(claimsOf(h.userToken).amr).toEqual(['pwd', 'mfa']);
    await h.control('PUT', '/config', { appUserMfa: false });
    await h.refreshTokens();
    expect(claimsOf(h.userToken).amr).toEqual(['pwd']);
    await h.control('PUT', '/config', { appUserMfa: true });
    await h.refreshTokens();
    expect((await h.user('GET', summary())).status).toBe(200);
  });
});
