import { PartnerCenterError, collect, type PartnerCenterClient } from '../../../src/partnercenter';
import { startScriptedPartnerCenter, type ScriptedPartnerCenter } from './helpers/scriptedPartnerCenter';
import { testClient } from './helpers/testClient';

const CUSTOMER = 'c0ffee00-0000-4000-8000-000000000001';
const SUB = 'a0000000-0000-4000-8000-00000000000b';
const SUB_PATH = `/v1/customers/${CUSTOMER}/subscriptions/${SUB}`;

let server: ScriptedPartnerCenter;
let client: PartnerCenterClient;
let now: number;

beforeEach(async () => {
  server = await startScriptedPartnerCenter();
  now = 1_700_000_000_000;
  client = testClient(server.baseUrl, {
    catalogCacheTtlMs: 60_000,
    clock: () => now,
    subscriptionPolling: { intervalMs: 10, timeoutMs: 1_000 },
    credentials: {
      tenantId: '11111111-2222-3333-4444-555555555555',
      clientId: 'c',
      refreshToken: 'sam-refresh',
    },
  });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const customer = (id: string, name: string) => ({
  id,
  companyProfile: { tenantId: id, domain: `${name.toLowerCase()}.onmicrosoft.com`, companyName: name },
});

describe('paging', () => {
  it('follows links.next with its headers to the last page, keeping one correlation id', async () => {
    server.script(
      'GET',
      '/v1/customers',
      {
        status: 200,
        body: {
          totalCount: 3,
          items: [customer('1', 'Contoso'), customer('2', 'Fabrikam')],
          continuationToken: 'tok-1',
          links: {
            next: {
              uri: '/customers?size=2&seekOperation=Next',
              method: 'GET',
              headers: [{ key: 'MS-ContinuationToken', value: 'tok-1' }],
            },
          },
        },
      },
      { status: 200, body: { totalCount: 3, items: [customer('3', 'Northwind')] } },
    );
    const all = await collect(client.customers.list({ size: 2, correlationId: 'corr-paging' }));
    const requests = server.apiRequests();
    expect(all.map((c) => c.id)).toEqual(['1', '2', '3']);
    expect(requests).toHaveLength(2);
    expect(requests[1].url).toBe('/v1/customers?size=2&seekOperation=Next');
    expect(requests[1].headers['ms-continuationtoken']).toBe('tok-1');
    expect(requests.every((r) => r.headers['ms-correlationid'] === 'corr-paging')).toBe(true);
  });

  it('reads every page of a seek collection and stops when there is no next link', async () => {
    server.script(
      'GET',
      '/v1/invoices/G1/lineitems',
      {
        status: 200,
        body: {
          totalCount: 3,
          continuationToken: 'seek-1',
          items: [{ customerId: 'a', subtotal: '1.5' }],
          links: {
            next: {
              uri: '/v1/invoices/G1/lineitems?provider=onetime&seekOperation=Next',
              headers: [{ key: 'MS-ContinuationToken', value: 'seek-1' }],
            },
          },
        },
      },
      { status: 200, body: { totalCount: 3, items: [{ customerId: 'b' }, { customerId: 'c' }] } },
    );
    const items = await collect(client.invoices.lineItems('G1', { currencyCode: 'EUR' }));
    expect(items.map((i) => i.customerId)).toEqual(['a', 'b', 'c']);
    expect(items[0].subtotal).toBe(1.5);
    const [first, second] = server.apiRequests();
    expect(first.url).toBe(
      '/v1/invoices/G1/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=EUR',
    );
    expect(second.url).toBe('/v1/invoices/G1/lineitems?provider=onetime&seekOperation=Next');
    expect(second.headers['ms-continuationtoken']).toBe('seek-1');
  });

  it('seeks utilization with seek_operation=Next and the continuation token when no next link is given', async () => {
    const path = `${SUB_PATH}/utilizations/azure`;
    const record = (id: string) => ({
      usageStartTime: '2024-01-01T00:00:00Z',
      usageEndTime: '2024-01-02T00:00:00Z',
      resource: { id },
      quantity: '2',
    });
    server.script(
      'GET',
      path,
      { status: 200, body: { totalCount: 2, items: [record('r1')], continuationToken: 'u-1' } },
      { status: 200, body: { totalCount: 2, items: [record('r2')] } },
    );
    const records = await collect(
      client.usage.utilization(CUSTOMER, SUB, {
        startTime: '2024-01-01T00:00:00Z',
        endTime: '2024-01-31T00:00:00Z',
      }),
    );
    expect(records.map((r) => r.resource.id)).toEqual(['r1', 'r2']);
    expect(records[0].quantity).toBe(2);
    const second = server.apiRequests()[1];
    expect(second.url).toContain('seek_operation=Next');
    expect(second.headers['ms-continuationtoken']).toBe('u-1');
  });

  it('reads a 204 (utilization not ready) as no records', async () => {
    server.script('GET', `${SUB_PATH}/utilizations/azure`, { status: 204, headers: { 'Retry-After': '60' } });
    const records = await collect(client.usage.utilization(CUSTOMER, SUB, { startTime: 'a', endTime: 'b' }));
    expect(records).toEqual([]);
  });

  it('ends with a clear error when a server repeats the same next link (see paging.test.ts)', async () => {
    server.script('GET', '/v1/customers', {
      status: 200,
      body: { items: [customer('1', 'Loop')], links: { next: { uri: '/customers?page=2' } } },
    });
    const error = await collect(client.customers.list()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error).toMatchObject({ code: 'schema', schemaPath: 'links.next' });
    expect(server.apiRequests()).toHaveLength(2);
  });

  it('searches customers by company name prefix with the documented filter', async () => {
    server.script('GET', '/v1/customers', { status: 200, body: { items: [customer('1', 'Contoso')] } });
    await collect(client.customers.search({ companyName: 'contoso' }));
    const url = new URL(server.apiRequests()[0].url, 'http://x');
    expect(JSON.parse(url.searchParams.get('filter') ?? '')).toEqual({
      Field: 'CompanyName',
      Value: 'contoso',
      Operator: 'starts_with',
    });
  });
});

describe('subscriptions.updateStatus', () => {
  const subscription = (status: string, etag: string) => ({
    id: SUB,
    offerId: 'DZH318Z0BPS6:0001:X',
    status,
    autoRenewEnabled: true,
    attributes: { etag, objectType: 'Subscription' },
  });

  it('sends the whole subscription with the new status under If-Match and returns the 200 answer', async () => {
    server.script('GET', SUB_PATH, { status: 200, body: subscription('active', 'etag-1') });
    server.script('PATCH', SUB_PATH, { status: 200, body: subscription('suspended', 'etag-2') });
    const result = await client.subscriptions.updateStatus(CUSTOMER, SUB, 'suspended');
    expect(result.status).toBe('suspended');
    const patch = server.apiRequests().find((r) => r.method === 'PATCH')!;
    expect(patch.headers['if-match']).toBe('etag-1');
    expect(JSON.parse(patch.body)).toMatchObject({ id: SUB, status: 'suspended', autoRenewEnabled: true });
  });

  it('uses the etag the caller decided on', async () => {
    server.script('GET', SUB_PATH, { status: 200, body: subscription('active', 'etag-1') });
    server.script('PATCH', SUB_PATH, { status: 200, body: subscription('suspended', 'etag-2') });
    await client.subscriptions.updateStatus(CUSTOMER, SUB, 'suspended', { etag: 'etag-0' });
    expect(server.apiRequests().find((r) => r.method === 'PATCH')!.headers['if-match']).toBe('etag-0');
  });

  it('after a 202 + Location, reads the subscription until its status has changed', async () => {
    server.script(
      'GET',
      SUB_PATH,
      { status: 200, body: subscription('suspended', 'e1') },
      { status: 200, body: subscription('suspended', 'e1') },
      { status: 200, body: subscription('suspended', 'e1') },
      { status: 200, body: subscription('active', 'e2') },
    );
    server.script('PATCH', SUB_PATH, {
      status: 202,
      headers: { Location: `/customers/${CUSTOMER}/subscriptions/${SUB}` },
    });
    const result = await client.subscriptions.updateStatus(CUSTOMER, SUB, 'active');
    expect(result.status).toBe('active');
    expect(server.apiRequests().filter((r) => r.method === 'GET')).toHaveLength(4);
  });

  it('gives up with "pending" when the status does not change in time', async () => {
    server.script('GET', SUB_PATH, { status: 200, body: subscription('suspended', 'e1') });
    server.script('PATCH', SUB_PATH, { status: 202 });
    const error = await client.subscriptions
      .updateStatus(CUSTOMER, SUB, 'active', { pollIntervalMs: 10, pollTimeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect((error as PartnerCenterError).code).toBe('pending');
  });

  it('sends nothing when the subscription already has the wanted status', async () => {
    server.script('GET', SUB_PATH, { status: 200, body: subscription('suspended', 'e1') });
    await client.subscriptions.updateStatus(CUSTOMER, SUB, 'suspended');
    expect(server.apiRequests().map((r) => r.method)).toEqual(['GET']);
  });

  it('reads back after a stale etag (2055) and returns the subscription if the change is already there', async () => {
    server.script(
      'GET',
      SUB_PATH,
      { status: 200, body: subscription('active', 'e1') },
      { status: 200, body: subscription('suspended', 'e2') },
    );
    server.script('PATCH', SUB_PATH, {
      status: 400,
      body: { code: '2055', description: 'Etag no longer valid' },
    });
    const result = await client.subscriptions.updateStatus(CUSTOMER, SUB, 'suspended');
    expect(result.attributes?.etag).toBe('e2');
  });

  it('passes on 900115 (active Azure subscriptions) as is', async () => {
    server.script('GET', SUB_PATH, { status: 200, body: subscription('active', 'e1') });
    server.script('PATCH', SUB_PATH, {
      status: 403,
      body: { code: '900115', description: 'Azure plan has active Azure subscriptions' },
    });
    const error = await client.subscriptions
      .updateStatus(CUSTOMER, SUB, 'suspended')
      .catch((e: unknown) => e);
    expect((error as PartnerCenterError).code).toBe('900115');
  });
});

describe('catalog cache', () => {
  const product = { id: 'DZH318Z0BPS6', title: 'Microsoft Azure plan' };

  it('serves a country catalog from the cache until the TTL passes', async () => {
    server.script('GET', '/v1/products', { status: 200, body: { totalCount: 1, items: [product] } });
    await client.catalog.listProducts('FR', { targetView: 'MicrosoftAzure' });
    await client.catalog.listProducts('fr', { targetView: 'MicrosoftAzure' });
    expect(server.apiRequests()).toHaveLength(1);
    expect(server.apiRequests()[0].url).toBe('/v1/products?country=FR&targetView=MicrosoftAzure');
    now += 60_001;
    await client.catalog.listProducts('FR', { targetView: 'MicrosoftAzure' });
    expect(server.apiRequests()).toHaveLength(2);
  });

  it('keeps countries apart, and reads fresh when asked', async () => {
    server.script('GET', '/v1/products', { status: 200, body: { totalCount: 1, items: [product] } });
    await client.catalog.listProducts('FR', { targetView: 'MicrosoftAzure' });
    await client.catalog.listProducts('US', { targetView: 'MicrosoftAzure' });
    await client.catalog.listProducts('US', { targetView: 'MicrosoftAzure', fresh: true });
    expect(server.apiRequests()).toHaveLength(3);
  });

  it('uses the customer-scoped catalog when a customer is given', async () => {
    const path = `/v1/customers/${CUSTOMER}/products/DZH318Z0BPS6/skus/0001/availabilities`;
    server.script('GET', path, {
      status: 200,
      body: {
        items: [
          { id: 'AV1', productId: 'DZH318Z0BPS6', skuId: '0001', catalogItemId: 'DZH318Z0BPS6:0001:AV1' },
        ],
      },
    });
    const [availability] = await client.catalog.listAvailabilities('FR', 'DZH318Z0BPS6', '0001', {
      customerId: CUSTOMER,
    });
    expect(availability.catalogItemId).toBe('DZH318Z0BPS6:0001:AV1');
  });

  it('does not keep a failure', async () => {
    server.script(
      'GET',
      '/v1/products/DZH318Z0BPS6',
      { status: 404, body: { code: '400013', description: 'Product not found' } },
      { status: 200, body: product },
    );
    await expect(client.catalog.getProduct('FR', 'DZH318Z0BPS6')).rejects.toMatchObject({ code: '400013' });
    await expect(client.catalog.getProduct('FR', 'DZH318Z0BPS6')).resolves.toMatchObject({
      id: 'DZH318Z0BPS6',
    });
  });
});

describe('product upgrades', () => {
  const eligibility = (upgradeId?: string) => ({
    customerId: CUSTOMER,
    productFamily: 'azure',
    isEligible: !upgradeId,
    upgradeId,
  });

  it('returns the upgrade id from the Location header', async () => {
    server.script('POST', '/v1/productupgrades', {
      status: 202,
      headers: { Location: 'productUpgrades/up-42' },
    });
    await expect(client.productUpgrades.create(CUSTOMER)).resolves.toEqual({
      upgradeId: 'up-42',
      existing: false,
    });
    const request = server.apiRequests()[0];
    expect(JSON.parse(request.body)).toEqual({ customerId: CUSTOMER, productFamily: 'azure' });
  });

  it('after a timeout, reads eligibility back and returns the upgrade that exists instead of creating another', async () => {
    server.script('POST', '/v1/productupgrades', { hang: true });
    server.script('POST', '/v1/productUpgrades/eligibility', { status: 200, body: eligibility('up-7') });
    await expect(client.productUpgrades.create(CUSTOMER)).resolves.toEqual({
      upgradeId: 'up-7',
      existing: true,
    });
    expect(server.apiRequests().filter((r) => r.path === '/v1/productupgrades')).toHaveLength(1);
  });

  it('creates again when eligibility shows no upgrade after a timeout', async () => {
    server.script(
      'POST',
      '/v1/productupgrades',
      { hang: true },
      { status: 202, headers: { Location: '/productUpgrades/up-8' } },
    );
    server.script('POST', '/v1/productUpgrades/eligibility', { status: 200, body: eligibility() });
    await expect(client.productUpgrades.create(CUSTOMER)).resolves.toEqual({
      upgradeId: 'up-8',
      existing: false,
    });
  });

  it('follows the upgrade already in progress (900109)', async () => {
    server.script('POST', '/v1/productupgrades', {
      status: 409,
      body: { code: '900109', description: 'Upgrade already in progress' },
    });
    server.script('POST', '/v1/productUpgrades/eligibility', { status: 200, body: eligibility('up-9') });
    await expect(client.productUpgrades.create(CUSTOMER)).resolves.toEqual({
      upgradeId: 'up-9',
      existing: true,
    });
  });
});
