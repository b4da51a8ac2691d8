import {
  PartnerCenterError,
  withCallDeadline,
  type PartnerCenterCall,
  type PartnerCenterClient,
} from '../../../src/partnercenter';
import { SimulatorHarness, all, rejection, type SimCustomer } from './simulatorHarness';

/** Paging, throttling, faults and tracing headers, through the simulator's control API. */

const EXTRA_CUSTOMERS = 120;

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
let fabrikam: SimCustomer;

beforeAll(async () => {
  harness = await SimulatorHarness.start({ extraCustomers: EXTRA_CUSTOMERS });
  pc = harness.client();
  fabrikam = await harness.customer('Fabrikam Inc');
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

beforeEach(async () => {
  await harness.clearFaults();
  await harness.clearRequests();
});

const customerPath = () => `/v1/customers/${fabrikam.id}`;

async function logFor(path: string) {
  return (await harness.requests()).filter((r) => r.path.toLowerCase() === path.toLowerCase());
}

describe('paging', () => {
  it('follows the customer list to its last page', async () => {
    const seeded = (await harness.customers()).length;
    expect(seeded).toBeGreaterThanOrEqual(EXTRA_CUSTOMERS);
    const customers = await all(pc.customers.list({ size: 25 }));
    expect(customers).toHaveLength(seeded);
    expect(new Set(customers.map((c) => c.id)).size).toBe(seeded);
    expect((await logFor('/v1/customers')).length).toBeGreaterThan(1);
  });
});

describe('throttling and faults', () => {
  it('waits at least Retry-After after a 429, then succeeds with the same request id', async () => {
    await harness.fault({
      method: 'GET',
      path: '/v1/customers/*',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    const started = Date.now();
    const customer = await pc.customers.get(fabrikam.id);
    const waited = Date.now() - started;
    expect(customer.id).toBe(fabrikam.id);
    expect(waited).toBeGreaterThanOrEqual(1000);
    const log = await logFor(customerPath());
    expect(log.map((r) => r.status)).toEqual([429, 200]);
    expect(log[1].requestId).toBe(log[0].requestId);
  });

  it('retries a 5xx and succeeds', async () => {
    await harness.fault({ method: 'GET', path: '/v1/customers/*', status: 503, code: '800003', times: 1 });
    await expect(pc.customers.get(fabrikam.id)).resolves.toMatchObject({ id: fabrikam.id });
    expect((await logFor(customerPath())).map((r) => r.status)).toEqual([503, 200]);
  });

  it('retries after a connection reset', async () => {
    await harness.fault({ method: 'GET', path: '/v1/customers/*', reset: true, times: 1 });
    await expect(pc.customers.get(fabrikam.id)).resolves.toMatchObject({ id: fabrikam.id });
  });

  it('times out a call the service never answers', async () => {
    const impatient = harness.client({
      timeoutMs: 200,
      retry: { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 20, maxElapsedMs: 2_000 },
    });
    await harness.fault({ method: 'GET', path: '/v1/customers/*', hang: true, times: 5 });
    const error = await rejection(impatient.customers.get(fabrikam.id));
    await impatient.close();
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect((error as PartnerCenterError).code).toBe('timeout');
  });

  it("ends a hung call when the caller's signal aborts it: 'aborted', not a timeout", async () => {
    await harness.fault({ method: 'GET', path: '/v1/customers/*', hang: true, times: 5 });
    const calls: PartnerCenterCall[] = [];
    const stop = pc.onCall((call) => calls.push(call));
    const controller = new AbortController();
    const calling = rejection(pc.customers.get(fabrikam.id, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const error = await calling;
    expect(error).toBeInstanceOf(PartnerCenterError);
    stop();
    expect((error as PartnerCenterError).code).toBe('aborted');
    expect(calls).toEqual([
      expect.objectContaining({ operation: 'customers.get', ok: false, code: 'aborted' }),
    ]);
  });

  it('turns a malformed body into a schema error that names the failing path', async () => {
    await harness.fault({ method: 'GET', path: '/v1/customers/*', malformed: true, times: 1 });
    const error = await rejection(pc.customers.get(fabrikam.id));
    expect(error).toBeInstanceOf(PartnerCenterError);
    const schemaError = error as PartnerCenterError;
    expect(schemaError.code).toBe('schema');
    expect(schemaError.schemaPath).toBeTruthy();
    expect(schemaError.status).toBe(200);
  });

  it('creates one cart when the service acted but answered after the client timed out: the retry carries the same MS-RequestId', async () => {
    const customer = await harness.customer('Contoso France');
    const before = (await harness.carts(customer.id)).length;
    const impatient = harness.client({ timeoutMs: 200 });
    // latencyMs: the simulator creates the cart at once and holds its answer past the timeout.
    await harness.fault({ method: 'POST', path: '/v1/customers/*/carts', latencyMs: 600, times: 1 });
    const cart = await impatient.carts.create(customer.id, {
      lineItems: [
        { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
      ],
    });
    await impatient.close();
    const carts = await harness.carts(customer.id);
    expect(carts.map((c) => c.id)).toContain(cart.id);
    expect(carts).toHaveLength(before + 1);
    const posts = (await harness.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/carts'));
    expect(posts).toHaveLength(2);
    expect(new Set(posts.map((r) => r.requestId)).size).toBe(1);
    expect(posts.map((r) => r.replayed === true)).toEqual([false, true]);
  });

  it('keeps a caller guard working: it is asked first, then the create is retried with the same MS-RequestId', async () => {
    const customer = await harness.customer('Contoso Pharmaceuticals');
    const before = (await harness.carts(customer.id)).length;
    const impatient = harness.client({ timeoutMs: 200 });
    await harness.fault({ method: 'POST', path: '/v1/customers/*/carts', latencyMs: 600, times: 1 });
    let asked = 0;
    const cart = await impatient.carts.create(
      customer.id,
      {
        lineItems: [
          { id: 0, catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
        ],
      },
      {
        guard: async () => {
          asked += 1;
          return undefined;
        },
      },
    );
    await impatient.close();
    expect(asked).toBe(1);
    const carts = await harness.carts(customer.id);
    expect(carts).toHaveLength(before + 1);
    expect(carts.map((c) => c.id)).toContain(cart.id);
  });

  it('carries a Partner Center error code through as is', async () => {
    await harness.fault({
      method: 'GET',
      path: '/v1/customers/*',
      status: 404,
      code: '20000',
      description: 'Order not found',
      times: 1,
    });
    const error = (await rejection(pc.customers.get(fabrikam.id))) as PartnerCenterError;
    expect(error.code).toBe('20000');
    expect(error.status).toBe(404);
    expect(error.description).toBe('Order not found');
  });
});

describe('a person waiting (a call deadline)', () => {
  it('answers busy with the wait, at once, when Partner Center throttles past the deadline', async () => {
    await harness.fault({
      method: 'GET',
      path: '/v1/customers/*',
      status: 429,
      retryAfterSeconds: 30,
      times: 1,
    });
    const failure = await rejection(
      withCallDeadline(Date.now() + 5_000, () => pc.customers.get(fabrikam.id)),
    );
    expect(failure).toBeInstanceOf(PartnerCenterError);
    expect(failure).toMatchObject({ code: 'busy', status: 429, retryAfterSeconds: 30 });
    expect((await logFor(customerPath())).map((r) => r.status)).toEqual([429]);
  });

  it('tells call listeners of a call refused before it was sent (no App+User credential)', async () => {
    const appOnly = harness.client({ credentials: { refreshToken: undefined } });
    const heard: PartnerCenterCall[] = [];
    appOnly.onCall((call) => heard.push(call));
    try {
      const failure = await rejection(appOnly.usage.customerSummary(fabrikam.id, { correlationId: 'c-1' }));
      expect(failure).toMatchObject({ code: 'auth' });
      expect(heard).toEqual([
        expect.objectContaining({ ok: false, code: 'auth', correlationId: 'c-1', durationMs: 0 }),
      ]);
      // Refused before it was sent: Partner Center never heard of it.
      expect(await logFor(`${customerPath()}/usagesummary`)).toEqual([]);
    } finally {
      await appOnly.close();
    }
  });
});

describe('tracing headers', () => {
  it('keeps MS-RequestId across retries and propagates MS-CorrelationId, as the service records them', async () => {
    await harness.fault({ method: 'GET', path: '/v1/customers/*', status: 503, times: 2 });
    await pc.customers.get(fabrikam.id, { correlationId: 'turn-42' });
    const log = await logFor(customerPath());
    expect(log).toHaveLength(3);
    expect(new Set(log.map((r) => r.requestId)).size).toBe(1);
    expect(log.every((r) => r.correlationId === 'turn-42')).toBe(true);
  });

  it('sends the MS-RequestId the caller chose (for its audit trail), across retries', async () => {
    await harness.fault({ method: 'GET', path: '/v1/customers/*', status: 500, times: 1 });
    await pc.customers.get(fabrikam.id, { requestId: 'a1b2c3d4-0000-4000-8000-000000000042' });
    const log = await logFor(customerPath());
    expect(log.map((r) => r.requestId)).toEqual([
      'a1b2c3d4-0000-4000-8000-000000000042',
      'a1b2c3d4-0000-4000-8000-000000000042',
    ]);
  });

  it('gives every page of a list its own MS-RequestId even when the caller chose one', async () => {
    await all(pc.customers.list({ size: 50, requestId: 'a1b2c3d4-0000-4000-8000-000000000043' }));
    const pages = await logFor('/v1/customers');
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(pages.map((r) => r.requestId)).size).toBe(pages.length);
  });

  it('uses a new MS-RequestId for the next call', async () => {
    await pc.customers.get(fabrikam.id, { correlationId: 'turn-43' });
    await pc.customers.get(fabrikam.id, { correlationId: 'turn-43' });
    const log = await logFor(customerPath());
    expect(log).toHaveLength(2);
    expect(log[0].requestId).not.toBe(log[1].requestId);
  });

  it('presents an app-only token to app operations and a user token to App+User ones', async () => {
    await pc.customers.get(fabrikam.id);
    await pc.usage.customerSummary(fabrikam.id);
    const log = await harness.requests();
    expect(log.find((r) => r.path.toLowerCase() === customerPath().toLowerCase())?.tokenKind).toBe('app');
    expect(log.find((r) => r.path.toLowerCase().endsWith('/usagesummary'))?.tokenKind).toBe('app+user');
  });
});
