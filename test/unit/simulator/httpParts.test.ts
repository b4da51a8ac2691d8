import { FaultRegistry, malformedBody, matches } from '../../../src/simulator/http/faults';
import { decodeSeekToken, seekPage } from '../../../src/simulator/http/links';
import { QueryMap, camelKeys } from '../../../src/simulator/http/request';
import { RATE_LIMITS, RateLimiter } from '../../../src/simulator/http/throttling';

describe('fault patterns', () => {
  it('match one segment per star, case-insensitively, with the same number of segments', () => {
    const pattern = '/v1/customers/*/carts/*/checkout'.toLowerCase().split('/').filter(Boolean);
    expect(matches(pattern, 'v1/customers/ABC/carts/1/checkout'.toLowerCase().split('/'))).toBe(true);
    expect(matches(pattern, 'v1/customers/abc/carts/checkout'.split('/'))).toBe(false);
    expect(matches(pattern, 'v1/customers/abc/carts/1/checkout/x'.split('/'))).toBe(false);
  });

  it('match any number of segments with a double star, none included', () => {
    const pattern = '/v1/**'.split('/').filter(Boolean);
    expect(matches(pattern, ['v1', 'customers', 'abc', 'carts'])).toBe(true);
    expect(matches(pattern, ['v1'])).toBe(true);
    expect(matches(pattern, ['blobs', 'v1'])).toBe(false);
    const inner = '/v1/customers/**/checkout'.split('/').filter(Boolean);
    expect(matches(inner, 'v1/customers/abc/carts/1/checkout'.split('/'))).toBe(true);
    expect(matches(inner, 'v1/customers/checkout'.split('/'))).toBe(true);
    expect(matches(inner, 'v1/customers/abc/carts/1'.split('/'))).toBe(false);
  });

  it('draw a seeded probability fault from its own generator: the same seed hits the same calls', () => {
    const hits = (seed: number, noise: boolean) => {
      const faults = new FaultRegistry();
      if (noise) faults.add({ path: '/v1/other', probability: 0.5, status: 500 });
      faults.add({ path: '/v1/x', probability: 0.3, status: 502, seed });
      return Array.from({ length: 40 }, (_, i) => {
        if (noise) faults.take('GET', '/v1/other');
        return faults.take('GET', '/v1/x') ? i : -1;
      }).filter((i) => i >= 0);
    };
    expect(hits(7, false)).toEqual(hits(7, true));
    expect(hits(7, false)).not.toEqual(hits(8, false));
    expect(hits(7, false).length).toBeGreaterThan(0);
  });

  it('apply to the next N calls in the order they were added, then stop', () => {
    const faults = new FaultRegistry();
    faults.add({ path: '/v1/customers/*', status: 500, times: 2 });
    faults.add({ path: '/v1/customers/*', status: 503 });
    expect(faults.take('GET', '/v1/customers/x')?.status).toBe(500);
    expect(faults.take('GET', '/V1/Customers/y')?.status).toBe(500);
    expect(faults.take('GET', '/v1/customers/x')?.status).toBe(503);
    expect(faults.take('GET', '/v1/customers/x')).toBeUndefined();
  });

  it('honour the method filter and keep probability faults until cleared', () => {
    const faults = new FaultRegistry();
    faults.add({ method: 'post', path: '/v1/carts', status: 500 });
    expect(faults.take('GET', '/v1/carts')).toBeUndefined();
    faults.add({ path: '/v1/x', probability: 1, status: 502 });
    for (let i = 0; i < 5; i++) expect(faults.take('GET', '/v1/x')?.status).toBe(502);
    faults.clear();
    expect(faults.take('GET', '/v1/x')).toBeUndefined();
  });

  it('never hit with probability 0', () => {
    const faults = new FaultRegistry();
    faults.add({ path: '/v1/x', probability: 0, status: 502 });
    for (let i = 0; i < 20; i++) expect(faults.take('GET', '/v1/x')).toBeUndefined();
  });

  it('corrupt bodies: ids of the wrong type, lists that are not lists', () => {
    expect(malformedBody({ id: 'a', status: 'active', quantity: 1 })).toEqual({
      id: 12345,
      status: 12345,
      quantity: 'not-a-number',
    });
    expect(malformedBody({ totalCount: 1, items: [{ id: 'a' }] })).toMatchObject({ items: 'not-a-list' });
    expect(malformedBody(undefined)).toEqual({ unexpected: true });
  });
});

describe('rate limiter', () => {
  it('allows the documented 500 orders calls a minute per tenant, then answers the seconds left', () => {
    const limiter = new RateLimiter();
    const start = 1_000_000;
    for (let i = 0; i < RATE_LIMITS.orders.perMinute; i++)
      expect(limiter.hit('orders', 't1', start)).toBeUndefined();
    expect(limiter.hit('orders', 't1', start + 15_000)).toBe(45);
    expect(limiter.hit('orders', 't2', start + 15_000)).toBeUndefined();
    expect(limiter.hit('subscriptions', 't1', start + 15_000)).toBeUndefined();
    expect(limiter.hit('orders', 't1', start + 60_000)).toBeUndefined();
  });
});

describe('seek paging', () => {
  const all = Array.from({ length: 7 }, (_, i) => i);

  it('pages to the end with a continuation token carried as MS-ContinuationToken', () => {
    const first = seekPage(all, {
      kind: 'k',
      size: 3,
      token: undefined,
      selfUri: '/things?a=1',
      seekParameter: 'seekOperation',
    });
    expect(first.items).toEqual([0, 1, 2]);
    expect(first.next?.uri).toBe('/things?a=1&seekOperation=Next');
    expect(first.next?.headers).toEqual([{ key: 'MS-ContinuationToken', value: first.continuationToken }]);
    const second = seekPage(all, {
      kind: 'k',
      size: 3,
      token: first.continuationToken,
      selfUri: '/things',
      seekParameter: 'seekOperation',
    });
    const third = seekPage(all, {
      kind: 'k',
      size: 3,
      token: second.continuationToken,
      selfUri: '/things',
      seekParameter: 'seekOperation',
    });
    expect(third.items).toEqual([6]);
    expect(third.next).toBeUndefined();
    expect(third.continuationToken).toBeUndefined();
  });

  it('refuses a token of another collection or a garbage token', () => {
    const first = seekPage(all, { kind: 'k', size: 3, token: undefined, selfUri: '/t', seekParameter: 's' });
    expect(() => decodeSeekToken('other', String(first.continuationToken))).toThrow(/continuation token/);
    expect(() => decodeSeekToken('k', 'garbage')).toThrow(/continuation token/);
  });
});

describe('request helpers', () => {
  it('read query parameter names case-insensitively and rebuild the query without some', () => {
    const q = new QueryMap('?targetView=MicrosoftAzure&Country=US&seekOperation=Next');
    expect(q.get('TARGETVIEW')).toBe('MicrosoftAzure');
    expect(q.get('country')).toBe('US');
    expect(q.without('seekoperation')).toBe('?targetView=MicrosoftAzure&Country=US');
  });

  it('turn PascalCase request bodies into camelCase', () => {
    expect(
      camelKeys({ Status: 'suspended', Attributes: { Etag: 'x' }, LineItems: [{ CatalogItemId: 'a' }] }),
    ).toEqual({
      status: 'suspended',
      attributes: { etag: 'x' },
      lineItems: [{ catalogItemId: 'a' }],
    });
  });
});
