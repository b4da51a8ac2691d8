import pino from 'pino';
import { PartnerCenterError, isMfaRequired, type PartnerCenterClient } from '../../../src/partnercenter';
import { defineOperation } from '../../../src/partnercenter/http/operation';
import { Pipeline, parseRetryAfter } from '../../../src/partnercenter/http/pipeline';
import { RateLimiter } from '../../../src/partnercenter/http/rateLimiter';
import { noopLogger } from '../../../src/partnercenter/logger';
import { startScriptedPartnerCenter, type ScriptedPartnerCenter } from './helpers/scriptedPartnerCenter';
import { capturingLogger, testClient } from './helpers/testClient';

const CUSTOMER = 'c0ffee00-0000-4000-8000-000000000001';
const ORDER_PATH = `/v1/customers/${CUSTOMER}/orders/o-1`;
const CARTS_PATH = `/v1/customers/${CUSTOMER}/carts`;
const order = {
  id: 'o-1',
  status: 'pending',
  lineItems: [{ lineItemNumber: 0, offerId: 'DZH318Z0BPS6:0001:X' }],
};
const cart = {
  id: 'cart-1',
  status: 'Active',
  lineItems: [{ id: 0, catalogItemId: 'DZH318Z0BPS6:0001:X', quantity: 1 }],
};
const cartInput = {
  lineItems: [{ id: 0, catalogItemId: 'DZH318Z0BPS6:0001:X', quantity: 1, billingCycle: 'one_time' }],
};

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

async function failure(promise: Promise<unknown>): Promise<PartnerCenterError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PartnerCenterError) return error;
    throw error;
  }
  throw new Error('expected a PartnerCenterError');
}

describe('request headers', () => {
  it('sends the documented headers, the caller correlation id and its locale', async () => {
    server.script('GET', ORDER_PATH, { status: 200, body: order });
    await client.orders.get(CUSTOMER, 'o-1', { correlationId: 'corr-1', locale: 'fr-FR' });
    const [request] = server.apiRequests();
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers['ms-correlationid']).toBe('corr-1');
    expect(request.headers['ms-contract-version']).toBe('v1');
    expect(request.headers['ms-partnercenter-application']).toBe('Azure Plan Ops');
    expect(request.headers['x-locale']).toBe('fr-FR');
    expect(request.headers.authorization).toMatch(/^Bearer .+/);
  });

  it('makes a correlation id when the caller gives none, and a new request id per call', async () => {
    server.script('GET', ORDER_PATH, { status: 200, body: order });
    await client.orders.get(CUSTOMER, 'o-1');
    await client.orders.get(CUSTOMER, 'o-1');
    const [first, second] = server.apiRequests();
    expect(first.headers['ms-correlationid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.headers['ms-requestid']).not.toBe(second.headers['ms-requestid']);
  });

  it('sends JSON bodies with a Content-Type', async () => {
    server.script('POST', CARTS_PATH, { status: 201, body: cart });
    await client.carts.create(CUSTOMER, cartInput);
    const [request] = server.apiRequests();
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual(cartInput);
  });
});

describe('retries', () => {
  it('waits at least Retry-After after a 429, then succeeds', async () => {
    server.script(
      'GET',
      ORDER_PATH,
      {
        status: 429,
        body: { statusCode: 429, message: 'Rate limit is exceeded. Try again in 1 seconds.' },
        headers: { 'Retry-After': '1' },
      },
      { status: 200, body: order },
    );
    const result = await client.orders.get(CUSTOMER, 'o-1');
    expect(result.id).toBe('o-1');
    const [throttled, retried] = server.apiRequests();
    expect(retried.at - throttled.at).toBeGreaterThanOrEqual(1000);
  });

  it('gives up on a 429 whose Retry-After is past the deadline, saying how long to wait', async () => {
    server.script('GET', ORDER_PATH, {
      status: 429,
      body: { statusCode: 429, message: 'Rate limit is exceeded. Try again in 57 seconds.' },
      headers: { 'Retry-After': '57' },
    });
    const error = await failure(client.orders.get(CUSTOMER, 'o-1'));
    expect(error.code).toBe('429');
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(57);
    expect(server.apiRequests()).toHaveLength(1);
  });

  it('retries a 5xx with the same MS-RequestId and returns the success', async () => {
    server.script(
      'GET',
      ORDER_PATH,
      {
        status: 503,
        body: { code: '800003', description: 'Unexpected error', data: [], source: 'PartnerCenter' },
      },
      { status: 200, body: order },
    );
    await client.orders.get(CUSTOMER, 'o-1', { correlationId: 'corr-5xx' });
    const requests = server.apiRequests();
    expect(requests).toHaveLength(2);
    expect(requests[1].headers['ms-requestid']).toBe(requests[0].headers['ms-requestid']);
    expect(requests[1].headers['ms-correlationid']).toBe('corr-5xx');
  });

  it('retries a connection reset on a read', async () => {
    server.script('GET', ORDER_PATH, { reset: true }, { status: 200, body: order });
    await expect(client.orders.get(CUSTOMER, 'o-1')).resolves.toMatchObject({ id: 'o-1' });
    expect(server.apiRequests()).toHaveLength(2);
  });

  it('times out a hanging read, retries it with the same request id, and reports a timeout', async () => {
    server.script('GET', ORDER_PATH, { hang: true });
    const error = await failure(client.orders.get(CUSTOMER, 'o-1'));
    expect(error.code).toBe('timeout');
    const requests = server.apiRequests();
    expect(requests.length).toBe(4);
    expect(new Set(requests.map((r) => r.headers['ms-requestid'])).size).toBe(1);
    expect(error.requestId).toBe(requests[0].headers['ms-requestid']);
  });

  it('retries a checkout while Partner Center says the cart is being processed (800064)', async () => {
    const path = `${CARTS_PATH}/cart-1/checkout`;
    server.script(
      'POST',
      path,
      { status: 409, body: { code: '800064', description: 'Cart is being processed by another request' } },
      { status: 200, body: { orders: [order], orderErrors: [] } },
    );
    const result = await client.carts.checkout(CUSTOMER, 'cart-1');
    expect(result.orders[0].id).toBe('o-1');
    const requests = server.apiRequests();
    expect(requests).toHaveLength(2);
    expect(requests[1].headers['ms-requestid']).toBe(requests[0].headers['ms-requestid']);
  });

  it('does not retry a 4xx Partner Center error', async () => {
    server.script('GET', ORDER_PATH, {
      status: 404,
      body: { code: '20000', description: 'Order not found' },
    });
    const error = await failure(client.orders.get(CUSTOMER, 'o-1'));
    expect(error.code).toBe('20000');
    expect(error.status).toBe(404);
    expect(error.description).toBe('Order not found');
    expect(server.apiRequests()).toHaveLength(1);
  });
});

describe('operations that must not run twice', () => {
  const requestIds = () => server.apiRequests().map((r) => r.headers['ms-requestid']);

  it('retries a cart creation that timed out with the same MS-RequestId, which Partner Center deduplicates', async () => {
    server.script('POST', CARTS_PATH, { hang: true }, { status: 201, body: cart });
    await expect(client.carts.create(CUSTOMER, cartInput)).resolves.toMatchObject({ id: 'cart-1' });
    expect(server.apiRequests()).toHaveLength(2);
    expect(new Set(requestIds()).size).toBe(1);
  });

  it('retries a cart creation that answered 5xx or was reset, always with the same MS-RequestId', async () => {
    server.script(
      'POST',
      CARTS_PATH,
      { status: 500, body: { code: '800003', description: 'boom' } },
      { reset: true },
      { status: 201, body: cart },
    );
    await expect(client.carts.create(CUSTOMER, cartInput)).resolves.toMatchObject({ id: 'cart-1' });
    expect(server.apiRequests()).toHaveLength(3);
    expect(new Set(requestIds()).size).toBe(1);
  });

  it('uses the MS-RequestId the caller chose for every attempt of a create', async () => {
    server.script('POST', CARTS_PATH, { hang: true }, { status: 201, body: cart });
    const requestId = 'c0ffee00-0000-4000-8000-0000000000aa';
    await client.carts.create(CUSTOMER, cartInput, { requestId });
    expect(requestIds()).toEqual([requestId, requestId]);
  });

  it('reports the last failure, with the request id to repeat, when every attempt of a create times out', async () => {
    server.script('POST', CARTS_PATH, { hang: true });
    const error = await failure(client.carts.create(CUSTOMER, cartInput));
    expect(error.code).toBe('timeout');
    expect(server.apiRequests()).toHaveLength(4);
    expect(new Set(requestIds())).toEqual(new Set([error.requestId]));
  });

  it('retries an upgrade creation after a timeout with the same MS-RequestId when the guard finds no upgrade', async () => {
    const userClient = testClient(server.baseUrl, { credentials: { refreshToken: 'sam-refresh-token' } });
    server.script(
      'POST',
      '/v1/productupgrades',
      { hang: true },
      {
        status: 202,
        headers: { Location: 'productUpgrades/u-42' },
      },
    );
    server.script('POST', '/v1/productUpgrades/eligibility', {
      status: 200,
      body: { customerId: CUSTOMER, productFamily: 'azure', isEligible: true },
    });
    const created = await userClient.productUpgrades.create(CUSTOMER);
    await userClient.close();
    expect(created).toEqual({ upgradeId: 'u-42', existing: false });
    const creates = server.apiRequests().filter((r) => r.path === '/v1/productupgrades');
    expect(creates).toHaveLength(2);
    expect(creates[1].headers['ms-requestid']).toBe(creates[0].headers['ms-requestid']);
  });

  it('never repeats blindly a create the service does not deduplicate: the outcome is unknown', async () => {
    const limiter = new RateLimiter();
    const pipeline = new Pipeline({
      baseUrl: server.baseUrl,
      applicationName: 'test',
      locale: 'en-US',
      timeoutMs: 300,
      retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 5_000 },
      tokens: { canAuthenticate: () => true, getToken: async () => 'token' },
      limiter,
      logger: noopLogger,
    });
    const create = defineOperation({
      name: 'test.create',
      method: 'POST',
      path: '/customers/{customerId}/carts',
      auth: 'app',
      family: 'carts',
      idempotent: false,
    });
    server.script('POST', CARTS_PATH, { hang: true }, { status: 201, body: cart });
    const error = await failure(pipeline.send(create, { params: { customerId: CUSTOMER }, body: {} }));
    await pipeline.close();
    await limiter.stop();
    expect(error.code).toBe('outcomeUnknown');
    expect(server.apiRequests()).toHaveLength(1);
  });

  it('returns what the guard finds instead of creating the cart again', async () => {
    server.script('POST', CARTS_PATH, { hang: true });
    const result = await client.carts.create(CUSTOMER, cartInput, {
      guard: async () => ({ ...cart, id: 'found' }),
    });
    expect(result.id).toBe('found');
    expect(server.apiRequests()).toHaveLength(1);
  });

  it('creates again, with the same MS-RequestId, when the guard says the first attempt did nothing', async () => {
    server.script('POST', CARTS_PATH, { hang: true }, { status: 201, body: cart });
    const result = await client.carts.create(CUSTOMER, cartInput, { guard: async () => undefined });
    expect(result.id).toBe('cart-1');
    expect(server.apiRequests()).toHaveLength(2);
    expect(new Set(requestIds()).size).toBe(1);
  });

  it('still retries with the same MS-RequestId when the guard itself fails', async () => {
    server.script('POST', CARTS_PATH, { hang: true }, { status: 201, body: cart });
    const result = await client.carts.create(CUSTOMER, cartInput, {
      guard: async () => {
        throw new Error('cannot tell');
      },
    });
    expect(result.id).toBe('cart-1');
    expect(new Set(requestIds()).size).toBe(1);
  });

  it('retries a throttled cart creation: a 429 means nothing was done', async () => {
    server.script(
      'POST',
      CARTS_PATH,
      {
        status: 429,
        body: { statusCode: 429, message: 'Try again in 0 seconds.' },
        headers: { 'Retry-After': '0' },
      },
      { status: 201, body: cart },
    );
    await expect(client.carts.create(CUSTOMER, cartInput)).resolves.toMatchObject({ id: 'cart-1' });
    expect(server.apiRequests()).toHaveLength(2);
  });
});

describe('answers that do not fit', () => {
  it('turns a body that misses a required field into a schema error naming the path', async () => {
    server.script('GET', ORDER_PATH, { status: 200, body: { status: 'pending', lineItems: [] } });
    const error = await failure(client.orders.get(CUSTOMER, 'o-1'));
    expect(error.code).toBe('schema');
    expect(error.schemaPath).toBe('id');
    expect(error.status).toBe(200);
  });

  it('names the path inside a collection', async () => {
    server.script('GET', `/v1/customers/${CUSTOMER}/orders`, {
      status: 200,
      body: { totalCount: 1, items: [{ ...order, lineItems: [{ lineItemNumber: 0, offerId: 7 }] }] },
    });
    const iterate = async () => {
      for await (const item of client.orders.list(CUSTOMER)) void item;
    };
    const error = await failure(iterate());
    expect(error.code).toBe('schema');
    expect(error.schemaPath).toBe('items.0.lineItems.0.offerId');
  });

  it('turns a body that is not JSON into a schema error', async () => {
    server.script('GET', ORDER_PATH, { status: 200, raw: '<html>oops</html>' });
    const error = await failure(client.orders.get(CUSTOMER, 'o-1'));
    expect(error.code).toBe('schema');
  });

  it('reads an error without the Partner Center error body as unknown, keeping the status', async () => {
    server.script('GET', ORDER_PATH, { status: 418, raw: 'teapot' });
    const error = await failure(client.orders.get(CUSTOMER, 'o-1'));
    expect(error.code).toBe('unknown');
    expect(error.status).toBe(418);
  });
});

describe('authentication in the pipeline', () => {
  it('refuses an App+User operation without an App+User credential, before any HTTP call', async () => {
    const error = await failure(client.orders.getProvisioningStatus(CUSTOMER, 'o-1'));
    expect(error.code).toBe('auth');
    expect(error.description).toMatch(/App\+User/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses every operation when no client credential is configured', async () => {
    const bare = testClient(server.baseUrl, {
      credentials: { tenantId: 't', clientId: 'c', clientSecret: undefined },
    });
    const error = await failure(bare.orders.get(CUSTOMER, 'o-1'));
    await bare.close();
    expect(error.code).toBe('auth');
    expect(server.requests).toHaveLength(0);
  });

  it('never retries a 401 900421 (no MFA claim): no token refresh, the error says MFA is required', async () => {
    const userClient = testClient(server.baseUrl, { credentials: { refreshToken: 'sam-refresh-token' } });
    const path = `/v1/customers/${CUSTOMER}/usagesummary`;
    server.script(
      'GET',
      path,
      {
        status: 401,
        body: { code: '900421', description: 'MFA required', data: [], source: 'PartnerCenter' },
        headers: { 'WWW-Authenticate': 'Bearer realm="PartnerCenter"' },
      },
      { status: 200, body: { resourceId: CUSTOMER, totalCost: 1 } },
    );
    const error = await failure(userClient.usage.customerSummary(CUSTOMER));
    await userClient.close();
    expect(error.code).toBe('900421');
    expect(error.status).toBe(401);
    expect(isMfaRequired(error)).toBe(true);
    expect(server.apiRequests()).toHaveLength(1);
    expect(server.tokenCalls.refreshToken).toBe(1);
  });

  it('tells other errors apart from the MFA refusal', () => {
    const other = new PartnerCenterError({ code: '800001', description: '', method: 'GET', path: '/v1' });
    expect(isMfaRequired(other)).toBe(false);
    expect(isMfaRequired(new Error('900421'))).toBe(false);
  });

  it('gets a fresh token once when Partner Center rejects the cached one', async () => {
    server.script(
      'GET',
      ORDER_PATH,
      { status: 401, body: { code: '800001', description: 'token unknown' } },
      { status: 200, body: order },
    );
    await client.orders.get(CUSTOMER, 'o-1');
    const [rejected, accepted] = server.apiRequests();
    expect(accepted.headers.authorization).not.toBe(rejected.headers.authorization);
    expect(server.tokenCalls.clientCredentials).toBe(2);
  });
});

describe('client-side rate limit', () => {
  it('sends no more than the per-minute budget of a family and holds the rest', async () => {
    const limited = testClient(server.baseUrl, { limits: { perMinute: { orders: 2 } } });
    server.script('GET', ORDER_PATH, { status: 200, body: order });
    const calls = [1, 2, 3, 4].map(() => limited.orders.get(CUSTOMER, 'o-1'));
    const settled = Promise.allSettled(calls);
    await Promise.all(calls.slice(0, 2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.apiRequests()).toHaveLength(2);
    await limited.close();
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const held = outcomes[2] as PromiseRejectedResult;
    expect(held.reason).toBeInstanceOf(PartnerCenterError);
    expect((held.reason as PartnerCenterError).code).toBe('aborted');
  });

  it('counts each family on its own', async () => {
    const limited = testClient(server.baseUrl, { limits: { perMinute: { orders: 1 } } });
    server.script('GET', ORDER_PATH, { status: 200, body: order });
    server.script('GET', `/v1/customers/${CUSTOMER}/carts/cart-1`, { status: 200, body: cart });
    await limited.orders.get(CUSTOMER, 'o-1');
    await expect(limited.carts.get(CUSTOMER, 'cart-1')).resolves.toMatchObject({ id: 'cart-1' });
    await limited.close();
  });
});

describe('cancellation and logs', () => {
  it('stops when the caller aborts', async () => {
    server.script('GET', ORDER_PATH, { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(client.orders.get(CUSTOMER, 'o-1', { signal: controller.signal }));
    expect(error.code).toBe('aborted');
    expect(server.apiRequests()).toHaveLength(1);
  });

  it('accepts a pino logger as is', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const logged = testClient(server.baseUrl, { logger });
    server.script('GET', ORDER_PATH, { status: 200, body: order });
    await logged.orders.get(CUSTOMER, 'o-1', { correlationId: 'corr-pino' });
    await logged.close();
    const entry = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((l) => l.op === 'orders.get');
    expect(entry).toMatchObject({ correlationId: 'corr-pino', status: 200, method: 'GET' });
    expect(typeof entry?.durationMs).toBe('number');
  });

  it('never logs or throws a token', async () => {
    const logger = capturingLogger();
    const logged = testClient(server.baseUrl, { logger });
    server.script('GET', ORDER_PATH, { status: 503, body: { code: '800003', description: 'x' } });
    const error = await failure(logged.orders.get(CUSTOMER, 'o-1'));
    await logged.close();
    const token = String(server.apiRequests()[0].headers.authorization).replace('Bearer ', '');
    const everything =
      JSON.stringify(logger.lines) + JSON.stringify(error) + error.message + String(error.stack);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('app-client-secret');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores nonsense', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('57', now)).toBe(57);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
