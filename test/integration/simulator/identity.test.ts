import { PARTNER_TENANT, SimHarness, missingKeys, sample } from './simHarness';

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('simulator identity and API authentication', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start({ refreshToken: 'configured-rt' });
  });

  afterAll(async () => {
    await h.close();
  });

  it('issues an app token for client_credentials with the Partner Center .default scope', async () => {
    const res = await h.token({
      grant_type: 'client_credentials',
      client_id: 'app-1',
      client_secret: 's3cret',
      scope: 'https://api.partnercenter.microsoft.com/.default',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(
      missingKeys(res.body, { token_type: '', expires_in: 0, ext_expires_in: 0, access_token: '' }),
    ).toEqual([]);
    expect(claims(String(res.body.access_token))).toMatchObject({
      idtyp: 'app',
      tid: PARTNER_TENANT,
      appid: 'app-1',
    });
  });

  it('accepts a client assertion instead of a secret', async () => {
    const res = await h.token({
      grant_type: 'client_credentials',
      client_id: 'app-1',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: 'a.b.c',
      scope: 'https://api.partnercenter.microsoft.com/.default',
    });
    expect(res.status).toBe(200);
  });

  it('rejects client_credentials without a secret and with a wrong scope', async () => {
    const noSecret = await h.token({
      grant_type: 'client_credentials',
      client_id: 'app-1',
      scope: 'https://api.partnercenter.microsoft.com/.default',
    });
    expect(noSecret.status).toBe(401);
    expect(noSecret.body.error).toBe('invalid_client');
    const badScope = await h.token({
      grant_type: 'client_credentials',
      client_id: 'app-1',
      client_secret: 'x',
      scope: 'https://management.azure.com/.default',
    });
    expect(badScope.status).toBe(400);
    expect(badScope.body.error).toBe('invalid_scope');
  });

  it('issues a user token, id_token and a new refresh token for the configured refresh token', async () => {
    const res = await h.token({
      grant_type: 'refresh_token',
      client_id: 'app-1',
      refresh_token: 'configured-rt',
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation openid profile offline_access',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
      expires_in: 3599,
    });
    const access = claims(String(res.body.access_token));
    expect(access).toMatchObject({ idtyp: 'user', tid: PARTNER_TENANT, amr: ['pwd', 'mfa'] });
    const [head, payload] = String(res.body.id_token).split('.');
    expect(JSON.parse(Buffer.from(head, 'base64url').toString())).toEqual({ alg: 'none', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      aud: 'app-1',
      iss: `https://login.microsoftonline.com/${PARTNER_TENANT}/v2.0`,
      tid: PARTNER_TENANT,
      ver: '2.0',
    });
    const info = JSON.parse(Buffer.from(String(res.body.client_info), 'base64url').toString()) as Record<
      string,
      string
    >;
    expect(info).toEqual({ uid: access.oid, utid: PARTNER_TENANT });

    const again = await h.token({
      grant_type: 'refresh_token',
      client_id: 'app-1',
      refresh_token: String(res.body.refresh_token),
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
    });
    expect(again.status).toBe(200);
  });

  it('answers invalid_grant (AADSTS70000) for a refresh token it never issued', async () => {
    const res = await h.token({
      grant_type: 'refresh_token',
      client_id: 'app-1',
      refresh_token: 'never-issued',
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_codes).toEqual([70000]);
    expect(String(res.body.error_description)).toMatch(/^AADSTS70000: /);
  });

  it('serves OpenID metadata whose token_endpoint is its own token endpoint', async () => {
    const res = await h.raw('GET', `/${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.body.token_endpoint).toBe(`${h.baseUrl}/${PARTNER_TENANT}/oauth2/v2.0/token`);
    expect(res.body.issuer).toBe(`${h.baseUrl}/${PARTNER_TENANT}/v2.0`);
    expect(res.body.authorization_endpoint).toBeDefined();
  });

  it('answers 401 with the PC error body without a token and with a token it did not issue', async () => {
    const none = await h.raw('GET', '/v1/customers');
    expect(none.status).toBe(401);
    expect(missingKeys(none.body, sample('54-error-response-schema.json'))).toEqual([]);
    expect(none.body.code).toBe('800001');
    const forged = `${h.appToken.split('.').slice(0, 2).join('.')}.AAAA`;
    const bad = await h.raw('GET', '/v1/customers', { token: forged });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('400');
  });

  it('answers 403 900329 to an app token on an App+User route, and serves the user token', async () => {
    const path = `/customers/${h.id('Fabrikam Inc')}/usagesummary`;
    const app = await h.api('GET', path);
    expect(app.status).toBe(403);
    expect(app.body).toMatchObject({
      code: '900329',
      description: 'This resource does not support application-only authentication.',
      source: 'PartnerCenter',
    });
    const user = await h.user('GET', path);
    expect(user.status).toBe(200);
  });

  it('echoes MS-RequestId and MS-CorrelationId and sets MS-CV', async () => {
    const res = await h.api('GET', '/customers?size=1', {
      headers: { 'MS-RequestId': 'req-123', 'MS-CorrelationId': 'corr-456' },
    });
    expect(res.headers.get('ms-requestid')).toBe('req-123');
    expect(res.headers.get('ms-correlationid')).toBe('corr-456');
    expect(res.headers.get('ms-cv')).toMatch(/\.0$/);
    const generated = await h.api('GET', '/customers?size=1');
    expect(generated.headers.get('ms-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('matches paths and query parameter names case-insensitively', async () => {
    const res = await h.raw('GET', `/V1/CUSTOMERS/${h.id('Fabrikam Inc').toUpperCase()}`, {
      token: h.appToken,
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(h.id('Fabrikam Inc'));
    const products = await h.api<{ items: unknown[] }>(
      'GET',
      '/products?COUNTRY=US&targetview=MicrosoftAzure',
    );
    expect(products.status).toBe(200);
    expect(products.body.items.length).toBeGreaterThan(0);
  });

  it('answers an unknown path with the PC not-found body', async () => {
    const res = await h.api('GET', '/nothing/here');
    expect(res.status).toBe(404);
    expect(res.body.source).toBe('PartnerCenter');
  });
});
