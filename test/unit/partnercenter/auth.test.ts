import { PartnerCenterError, type TokenCacheStore } from '../../../src/partnercenter';
import { MsalNetworkClient } from '../../../src/partnercenter/auth/msalNetworkClient';
import { startScriptedPartnerCenter, type ScriptedPartnerCenter } from './helpers/scriptedPartnerCenter';
import { TENANT_ID, testClient } from './helpers/testClient';

const CUSTOMER = 'c0ffee00-0000-4000-8000-000000000001';
const ORDER_PATH = `/v1/customers/${CUSTOMER}/orders/o-1`;
const PROVISIONING_PATH = `${ORDER_PATH}/provisioningstatus`;
const order = { id: 'o-1', status: 'pending', lineItems: [] };
const provisioning = { totalCount: 1, items: [{ lineItemNumber: 0, status: 'fulfilled' }] };

function memoryStore(): TokenCacheStore & { saved: string | null; saves: number } {
  const store = {
    saved: null as string | null,
    saves: 0,
    load: async () => store.saved,
    save: async (serialized: string) => {
      store.saved = serialized;
      store.saves += 1;
    },
  };
  return store;
}

function claims(authorization: string | string[] | undefined): Record<string, unknown> {
  const token = String(authorization).replace('Bearer ', '');
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

let server: ScriptedPartnerCenter;

beforeEach(async () => {
  server = await startScriptedPartnerCenter();
  server.script('GET', ORDER_PATH, { status: 200, body: order });
  server.script('GET', PROVISIONING_PATH, { status: 200, body: provisioning });
});

afterEach(async () => {
  await server.close();
});

describe('MSAL through the configured identity endpoint', () => {
  it('gets an app-only token by client credentials from {identityBaseUrl}/{tenant}/oauth2/v2.0/token', async () => {
    const client = testClient(server.baseUrl);
    await client.orders.get(CUSTOMER, 'o-1');
    await client.orders.get(CUSTOMER, 'o-1');
    await client.close();
    const tokenCall = server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'))!;
    const form = new URLSearchParams(tokenCall.body);
    expect(tokenCall.path).toBe(`/${TENANT_ID}/oauth2/v2.0/token`);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('scope')).toContain('https://api.partnercenter.microsoft.com/.default');
    expect(form.get('client_secret')).toBe('app-client-secret');
    expect(server.tokenCalls.clientCredentials).toBe(1);
    expect(claims(server.apiRequests()[0].headers.authorization).idtyp).toBe('app');
  });

  it('exchanges the SAM refresh token for a user token on an App+User operation, then reuses it', async () => {
    const client = testClient(server.baseUrl, { credentials: { refreshToken: 'sam-refresh' } });
    await client.orders.getProvisioningStatus(CUSTOMER, 'o-1');
    await client.orders.getProvisioningStatus(CUSTOMER, 'o-1');
    await client.close();
    const tokenCall = server.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'))!;
    const form = new URLSearchParams(tokenCall.body);
    expect(form.get('grant_type')).toBe('refresh_token');
    expect(form.get('refresh_token')).toBe('sam-refresh');
    expect(form.get('scope')).toContain('https://api.partnercenter.microsoft.com/user_impersonation');
    expect(server.tokenCalls.refreshToken).toBe(1);
    expect(claims(server.apiRequests()[0].headers.authorization).idtyp).toBe('user');
  });

  it('persists the token cache and lets a second client reuse both tokens without a token call', async () => {
    const store = memoryStore();
    const first = testClient(server.baseUrl, {
      credentials: { refreshToken: 'sam-refresh', tokenCache: store },
    });
    await first.orders.get(CUSTOMER, 'o-1');
    await first.orders.getProvisioningStatus(CUSTOMER, 'o-1');
    await first.close();
    expect(store.saves).toBeGreaterThan(0);
    expect(store.saved).toContain('AccessToken');
    const callsBefore = { ...server.tokenCalls };

    const second = testClient(server.baseUrl, { credentials: { tokenCache: store } });
    await second.orders.get(CUSTOMER, 'o-1');
    await second.orders.getProvisioningStatus(CUSTOMER, 'o-1');
    await second.close();
    expect(server.tokenCalls).toEqual(callsBefore);
    const [app1, user1, app2, user2] = server.apiRequests().map((r) => r.headers.authorization);
    expect(app2).toBe(app1);
    expect(user2).toBe(user1);
  });

  it('reports a refused refresh token as an auth error that carries no secret', async () => {
    const client = testClient(server.baseUrl, { credentials: { refreshToken: 'revoked-sam-token-7f3a' } });
    const error = await client.orders.getProvisioningStatus(CUSTOMER, 'o-1').catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(PartnerCenterError);
    const pcError = error as PartnerCenterError;
    expect(pcError.code).toBe('auth');
    expect(pcError.description).toMatch(/invalid_grant/);
    expect(JSON.stringify(pcError) + pcError.message).not.toMatch(/revoked-sam-token-7f3a|app-client-secret/);
    expect(server.apiRequests()).toHaveLength(0);
  });
});

describe('MsalNetworkClient', () => {
  it('sends login.microsoftonline.com requests to the configured identity host and leaves others alone', () => {
    const client = new MsalNetworkClient('http://127.0.0.1:4000/', 1000);
    expect(client.target('https://login.microsoftonline.com/t/oauth2/v2.0/token')).toBe(
      'http://127.0.0.1:4000/t/oauth2/v2.0/token',
    );
    expect(client.target('https://example.org/x')).toBe('https://example.org/x');
    expect(new MsalNetworkClient(undefined, 1000).target('https://login.microsoftonline.com/t/x')).toBe(
      'https://login.microsoftonline.com/t/x',
    );
  });
});
