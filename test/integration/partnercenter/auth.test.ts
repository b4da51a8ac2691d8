import { ConfidentialClientApplication } from '@azure/msal-node';
import { PartnerCenterError, type TokenCacheStore } from '../../../src/partnercenter';
import { PARTNER_TENANT_ID, SimulatorHarness, rejection, type SimCustomer } from './simulatorHarness';

/** The same MSAL code as in production, against the simulator's token endpoint. */

let harness: SimulatorHarness;
let customer: SimCustomer;

beforeAll(async () => {
  harness = await SimulatorHarness.start();
  customer = await harness.customer('Alpine Ski House');
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await harness.clearRequests();
});

function memoryStore(): TokenCacheStore & { saved: string | null; saves: number; loads: number } {
  const store = {
    saved: null as string | null,
    saves: 0,
    loads: 0,
    load: async () => {
      store.loads += 1;
      return store.saved;
    },
    save: async (serialized: string) => {
      store.saved = serialized;
      store.saves += 1;
    },
  };
  return store;
}

/** Fake timers that move only the date: the calls' own timers stay real. */
const REAL_TIMERS: Extract<Parameters<typeof jest.useFakeTimers>[0], { doNotFake?: unknown }>['doNotFake'] = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
];

/** The next GET on `path` answers 401 800001: the token it carried is no longer accepted. */
async function refuseTokenOnce(path: string): Promise<void> {
  await harness.fault({ method: 'GET', path, status: 401, code: '800001', times: 1 });
}

async function tokenCalls(): Promise<number> {
  return (await harness.requests()).filter((r) => r.path === `/${PARTNER_TENANT_ID}/oauth2/v2.0/token`)
    .length;
}

describe('tokens from the simulator', () => {
  it('gets an app-only token (client credentials) once and uses it for app operations', async () => {
    const pc = harness.client({ credentials: { refreshToken: undefined } });
    await pc.customers.get(customer.id);
    await pc.budgets.get(customer.id);
    await pc.close();
    expect(await tokenCalls()).toBe(1);
    const api = (await harness.requests()).filter((r) => r.path.startsWith('/v1/'));
    expect(api.map((r) => r.tokenKind)).toEqual(['app', 'app']);
  });

  it('exchanges the refresh token for an App+User token (secure application model)', async () => {
    const pc = harness.client();
    await pc.usage.customerSummary(customer.id);
    await pc.usage.customerSummary(customer.id);
    await pc.close();
    expect(await tokenCalls()).toBe(1);
    const api = (await harness.requests()).filter((r) => r.path.startsWith('/v1/'));
    expect(api.map((r) => r.tokenKind)).toEqual(['app+user', 'app+user']);
  });

  it('keeps the app-only token until five minutes before it expires without asking MSAL again, then renews both', async () => {
    const msal = jest.spyOn(ConfidentialClientApplication.prototype, 'acquireTokenByClientCredential');
    const pc = harness.client();
    await pc.customers.get(customer.id);
    await pc.usage.customerSummary(customer.id);
    await pc.customers.get(customer.id);
    await pc.usage.customerSummary(customer.id);
    expect(await tokenCalls()).toBe(2);
    // The second app-only call is answered from the kept token: MSAL is asked once.
    expect(msal).toHaveBeenCalledTimes(1);
    // Four minutes before the simulator's tokens expire (they last 3,599 s); only the date moves.
    jest.useFakeTimers({ now: Date.now() + (3_599 - 240) * 1000, doNotFake: REAL_TIMERS });
    try {
      await pc.customers.get(customer.id);
      await pc.usage.customerSummary(customer.id);
      await pc.customers.get(customer.id);
    } finally {
      jest.useRealTimers();
      await pc.close();
    }
    expect(await tokenCalls()).toBe(4);
    // Within the margin MSAL is asked again (once: the renewed token is kept in turn).
    expect(msal).toHaveBeenCalledTimes(2);
    msal.mockRestore();
  });

  it('keeps the App+User token while the shared cache is in sync, then asks MSAL (which reads the cache again) once', async () => {
    const silent = jest.spyOn(ConfidentialClientApplication.prototype, 'acquireTokenSilent');
    const exchange = jest.spyOn(ConfidentialClientApplication.prototype, 'acquireTokenByRefreshToken');
    const store = memoryStore();
    const pc = harness.client({ credentials: { tokenCache: store } });
    try {
      await pc.usage.customerSummary(customer.id);
      const loadsAfterFirst = store.loads;
      await pc.usage.customerSummary(customer.id);
      await pc.usage.customerSummary(customer.id);
      // The refresh token exchanged once; the next two calls neither ask MSAL nor read the store.
      expect(exchange).toHaveBeenCalledTimes(1);
      expect(silent).not.toHaveBeenCalled();
      expect(store.loads).toBe(loadsAfterFirst);
      // 31 s later MSAL would read the shared cache again (another instance may have renewed the
      // token): so is it asked, once, and its answer held in turn.
      jest.useFakeTimers({ now: Date.now() + 31_000, doNotFake: REAL_TIMERS });
      try {
        await pc.usage.customerSummary(customer.id);
        await pc.usage.customerSummary(customer.id);
      } finally {
        jest.useRealTimers();
      }
      expect(silent).toHaveBeenCalledTimes(1);
      expect(store.loads).toBe(loadsAfterFirst + 1);
      expect(exchange).toHaveBeenCalledTimes(1);
      expect(await tokenCalls()).toBe(1);
    } finally {
      silent.mockRestore();
      exchange.mockRestore();
      await pc.close();
    }
  });

  it('takes a token another instance renewed in the shared cache once the cache is read again', async () => {
    const store = memoryStore();
    const first = harness.client({ credentials: { tokenCache: store } });
    const second = harness.client({ credentials: { tokenCache: store, refreshToken: undefined } });
    try {
      await first.usage.customerSummary(customer.id);
      await second.usage.customerSummary(customer.id);
      // The first instance is refused its token (revoked): it renews it and saves the new one.
      await refuseTokenOnce('/v1/customers/*/usagesummary');
      await first.usage.customerSummary(customer.id);
      const seen = async () => (await harness.requests()).filter((r) => r.path.endsWith('/usagesummary'));
      const renewed = (await seen()).at(-1)?.tokenId;
      await harness.clearRequests();
      jest.useFakeTimers({ now: Date.now() + 31_000, doNotFake: REAL_TIMERS });
      try {
        await second.usage.customerSummary(customer.id);
      } finally {
        jest.useRealTimers();
      }
      expect(renewed).toBeDefined();
      expect((await seen()).map((r) => r.tokenId)).toEqual([renewed]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a token Partner Center no longer accepts (401) is replaced once, and the new one kept', async () => {
    const msal = jest.spyOn(ConfidentialClientApplication.prototype, 'acquireTokenByClientCredential');
    const pc = harness.client({ credentials: { refreshToken: undefined } });
    await pc.customers.get(customer.id);
    await harness.fault({ method: 'GET', path: '/v1/customers/*', status: 401, code: '800001', times: 1 });
    await pc.customers.get(customer.id);
    await pc.customers.get(customer.id);
    await pc.close();
    // The first token, the forced renewal; the third call uses the kept renewal.
    expect(msal.mock.calls.map(([request]) => request.skipCache ?? false)).toEqual([false, true]);
    msal.mockRestore();
    expect(await tokenCalls()).toBe(2);
    const api = (await harness.requests()).filter((r) => r.path.startsWith('/v1/'));
    expect(api.map((r) => r.status)).toEqual([200, 401, 200, 200]);
  });

  it('after both kinds of token are refused at once, each next call carries its renewed token, never the refused one', async () => {
    const pc = harness.client();
    try {
      await pc.customers.get(customer.id);
      await pc.usage.customerSummary(customer.id);
      await refuseTokenOnce('/v1/customers/*');
      await refuseTokenOnce('/v1/customers/*/usagesummary');
      await Promise.all([pc.customers.get(customer.id), pc.usage.customerSummary(customer.id)]);
      await pc.customers.get(customer.id);
      await pc.usage.customerSummary(customer.id);
      const calls = (await harness.requests()).filter((r) => r.path.startsWith('/v1/'));
      for (const kind of ['app', 'app+user'] as const) {
        const mine = calls.filter((r) => r.tokenKind === kind);
        const refused = mine.find((r) => r.status === 401)?.tokenId;
        expect(refused).toBeDefined();
        // The retry after the 401 and the call after it both carry the new token.
        expect(mine.map((r) => r.status)).toEqual([200, 401, 200, 200]);
        expect(mine.slice(2).map((r) => r.tokenId === refused)).toEqual([false, false]);
        expect(mine[3].tokenId).toBe(mine[2].tokenId);
      }
    } finally {
      await pc.close();
    }
  });

  it('persists the MSAL cache through the plugin; a second client reuses both tokens without a token call', async () => {
    const store = memoryStore();
    const first = harness.client({ credentials: { tokenCache: store } });
    await first.customers.get(customer.id);
    await first.usage.customerSummary(customer.id);
    await first.close();
    expect(store.saves).toBeGreaterThan(0);
    expect(await tokenCalls()).toBe(2);

    await harness.clearRequests();
    const second = harness.client({ credentials: { tokenCache: store, refreshToken: undefined } });
    await second.customers.get(customer.id);
    await second.usage.customerSummary(customer.id);
    await second.close();
    expect(await tokenCalls()).toBe(0);
    const api = (await harness.requests()).filter((r) => r.path.startsWith('/v1/'));
    expect(api.map((r) => [r.tokenKind, r.status])).toEqual([
      ['app', 200],
      ['app+user', 200],
    ]);
  });

  it('reports a refresh token the identity endpoint never issued as an auth error, without calling Partner Center', async () => {
    const pc = harness.client({ credentials: { refreshToken: 'never-issued-refresh-token-91c' } });
    const error = await rejection(pc.usage.customerSummary(customer.id));
    await pc.close();
    expect(error).toBeInstanceOf(PartnerCenterError);
    const authError = error as PartnerCenterError;
    expect(authError.code).toBe('auth');
    expect(authError.description).toContain('invalid_grant');
    expect(JSON.stringify(authError) + authError.message).not.toContain('never-issued-refresh-token-91c');
    expect((await harness.requests()).filter((r) => r.path.startsWith('/v1/'))).toHaveLength(0);
  });

  it('reports an identity endpoint that cannot be reached as a network failure, not as bad credentials', async () => {
    const pc = harness.client({
      credentials: { identityBaseUrl: 'http://127.0.0.1:9' },
      retry: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 10, maxElapsedMs: 2_000 },
    });
    const error = (await rejection(pc.customers.get(customer.id))) as PartnerCenterError;
    await pc.close();
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error.code).toBe('network');
    expect(error.transient).toBe(true);
    expect(error.description).toContain('network_error');
    expect((await harness.requests()).filter((r) => r.path.startsWith('/v1/'))).toHaveLength(0);
  });

  it('refuses an App+User operation without any App+User credential, before any HTTP call', async () => {
    const pc = harness.client({ credentials: { refreshToken: undefined } });
    const error = (await rejection(pc.usage.customerSummary(customer.id))) as PartnerCenterError;
    await pc.close();
    expect(error.code).toBe('auth');
    expect(await harness.requests()).toHaveLength(0);
  });
});
