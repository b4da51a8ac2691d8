import { PartnerCenterError, collect, type PartnerCenterClient } from '../../../src/partnercenter';
import { invalidNextLink } from '../../../src/partnercenter/http/paging';
import { startScriptedPartnerCenter, type ScriptedPartnerCenter } from './helpers/scriptedPartnerCenter';
import { testClient } from './helpers/testClient';

let server: ScriptedPartnerCenter;
let client: PartnerCenterClient;

beforeEach(async () => {
  server = await startScriptedPartnerCenter();
  client = testClient(server.baseUrl);
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const line = (customerId: string) => ({ customerId, totalForCustomer: 1 });
const page = (items: unknown[], next?: { uri: string; token?: string }, continuationToken?: string) => ({
  status: 200,
  body: {
    totalCount: items.length,
    items,
    ...(continuationToken ? { continuationToken } : {}),
    links: next
      ? {
          next: {
            uri: next.uri,
            method: 'GET',
            headers: next.token ? [{ key: 'MS-ContinuationToken', value: next.token }] : [],
          },
        }
      : {},
  },
});

/** The items read before the listing ended, and how it ended. */
async function drain<T>(items: AsyncIterable<T>): Promise<{ read: T[]; error: unknown }> {
  const read: T[] = [];
  try {
    for await (const item of items) read.push(item);
  } catch (error) {
    return { read, error };
  }
  return { read, error: undefined };
}

describe('v1 paging refuses next links that leave Partner Center or cannot be read', () => {
  it.each([
    [
      'an absolute URL',
      'https://evil.example.com/v1/invoices/G1/lineitems?seekOperation=Next',
      'absolute URL',
    ],
    [
      'an absolute URL of Partner Center itself',
      'https://api.partnercenter.microsoft.com/v1/x',
      'absolute URL',
    ],
    ['another host, protocol-relative', '//evil.example.com/v1/invoices', 'another host'],
    ['another host, with backslashes', '/\\evil.example.com/v1/invoices', 'another host'],
    ['an unparsable escape', '/invoices/G1/lineitems?x=%E0%A4%A', 'cannot be parsed'],
    ['white space', '/invoices/G1/line items', 'white space'],
    ['an empty uri', '', 'is empty'],
  ])('ends with a schema error for %s, without following it', async (_what, uri, reason) => {
    server.script('GET', '/v1/invoices/G1/lineitems', page([line('a')], { uri, token: 'tok-1' }, 'tok-1'));
    const { read, error } = await drain(client.invoices.lineItems('G1'));
    expect(read.map((l) => l.customerId)).toEqual(['a']);
    expect(error).toBeInstanceOf(PartnerCenterError);
    const e = error as PartnerCenterError;
    expect(e.code).toBe('schema');
    expect(e.schemaPath).toBe('links.next.uri');
    expect(e.description).toContain(reason);
    expect(e.path).toBe('/v1/invoices/G1/lineitems');
    expect(server.requests.filter((r) => !r.path.includes('oauth2'))).toHaveLength(1);
  });

  it('accepts the documented relative links, with or without /v1', () => {
    expect(invalidNextLink('/invoices/G1/lineitems?provider=onetime&seekOperation=Next')).toBeUndefined();
    expect(invalidNextLink('/v1/customers?size=2&seekOperation=Next')).toBeUndefined();
    expect(invalidNextLink('customers?offset=2')).toBeUndefined();
  });
});

describe('v1 paging never loops', () => {
  it('ends with a clear error when a continuation token comes back a second time', async () => {
    server.script(
      'GET',
      '/v1/invoices/G1/lineitems',
      page([line('a')], { uri: '/invoices/G1/lineitems?seekOperation=Next', token: 'tok-1' }, 'tok-1'),
      page([line('b')], { uri: '/invoices/G1/lineitems?seekOperation=Next&page=3', token: 'tok-2' }, 'tok-2'),
      page([line('c')], { uri: '/invoices/G1/lineitems?seekOperation=Next&page=4', token: 'tok-1' }, 'tok-1'),
      page([line('never')]),
    );
    const { read, error } = await drain(client.invoices.lineItems('G1'));
    expect(read.map((l) => l.customerId)).toEqual(['a', 'b', 'c']);
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error).toMatchObject({ code: 'schema', schemaPath: 'continuationToken' });
    expect((error as PartnerCenterError).description).toMatch(/continuation token.*already sent/);
    expect(server.apiRequests()).toHaveLength(3);
    expect(server.apiRequests().map((r) => r.headers['ms-continuationtoken'])).toEqual([
      undefined,
      'tok-1',
      'tok-2',
    ]);
  });

  it('ends with a clear error when the same continuation token comes back without a next link (seek_operation)', async () => {
    const customer = 'c0ffee00-0000-4000-8000-000000000001';
    const subscription = 'a0000000-0000-4000-8000-00000000000b';
    const record = { usageStartTime: 'a', usageEndTime: 'b', resource: { id: 'r1' }, quantity: 1 };
    server.script('GET', `/v1/customers/${customer}/subscriptions/${subscription}/utilizations/azure`, {
      status: 200,
      body: { items: [record], continuationToken: 'same' },
    });
    const { read, error } = await drain(
      client.usage.utilization(customer, subscription, { startTime: 'a', endTime: 'b' }),
    );
    expect(read).toHaveLength(2);
    expect(error).toMatchObject({ code: 'schema', schemaPath: 'continuationToken' });
    expect(server.apiRequests()).toHaveLength(2);
  });

  it('ends with a clear error when the same next link (no token) comes back', async () => {
    server.script(
      'GET',
      '/v1/invoices/D1/lineitems',
      page([line('a')], { uri: '/invoices/D1/lineitems?provider=office&size=1&offset=1' }),
      page([line('b')], { uri: '/invoices/D1/lineitems?provider=office&size=1&offset=2' }),
      page([line('c')], { uri: '/invoices/D1/lineitems?provider=office&size=1&offset=1' }),
    );
    const { read, error } = await drain(client.invoices.legacyLineItems('D1', { size: 1 }));
    expect(read.map((l) => l.customerId)).toEqual(['a', 'b', 'c']);
    expect(error).toMatchObject({ code: 'schema', schemaPath: 'links.next' });
    expect(server.apiRequests()).toHaveLength(3);
  });

  it('still reads a long listing whose links and tokens all differ', async () => {
    const replies = Array.from({ length: 30 }, (_, i) =>
      i < 29
        ? page(
            [line(String(i))],
            { uri: `/invoices/G1/lineitems?seekOperation=Next&n=${i}`, token: `t${i}` },
            `t${i}`,
          )
        : page([line(String(i))]),
    );
    server.script('GET', '/v1/invoices/G1/lineitems', ...replies);
    const lines = await collect(client.invoices.lineItems('G1'));
    expect(lines).toHaveLength(30);
  });
});
