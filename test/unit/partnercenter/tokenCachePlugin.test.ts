import type { TokenCacheContext } from '@azure/msal-node';
import { tokenCachePlugin } from '../../../src/partnercenter/auth/tokenCachePlugin';

/** A stand-in for MSAL's TokenCacheContext: the only part the plugin touches. */
function cacheContext(changed = false) {
  const deserialized: string[] = [];
  const context = {
    cacheHasChanged: changed,
    tokenCache: { deserialize: (s: string) => deserialized.push(s), serialize: () => 'serialized-cache' },
  } as unknown as TokenCacheContext;
  return { context, deserialized };
}

describe('token cache plugin', () => {
  function countingStore(value: string | null) {
    const calls = { load: 0, save: [] as string[] };
    return {
      calls,
      store: {
        load: async () => {
          calls.load += 1;
          return value;
        },
        save: async (s: string) => {
          calls.save.push(s);
        },
      },
    };
  }

  it('reads the store once for a burst of token lookups, and again after reloadAfterMs', async () => {
    let now = 1_000;
    const { calls, store } = countingStore('persisted-cache');
    const plugin = tokenCachePlugin(store, { reloadAfterMs: 30_000, now: () => now });
    const { context, deserialized } = cacheContext();
    for (let i = 0; i < 5; i++) await plugin.beforeCacheAccess(context);
    expect(calls.load).toBe(1);
    expect(deserialized).toEqual(['persisted-cache']);
    now += 30_000;
    await plugin.beforeCacheAccess(context);
    expect(calls.load).toBe(2);
  });

  it('says whether MSAL answers from memory, and counts the reads of the store', async () => {
    let now = 1_000;
    const { store } = countingStore('persisted-cache');
    const plugin = tokenCachePlugin(store, { reloadAfterMs: 30_000, now: () => now });
    expect([plugin.inSync(), plugin.loads()]).toEqual([false, 0]);
    await plugin.beforeCacheAccess(cacheContext().context);
    expect([plugin.inSync(), plugin.loads()]).toEqual([true, 1]);
    now += 29_999;
    expect(plugin.inSync()).toBe(true);
    now += 1;
    expect(plugin.inSync()).toBe(false);
    await plugin.beforeCacheAccess(cacheContext().context);
    expect([plugin.inSync(), plugin.loads()]).toEqual([true, 2]);
  });

  it('writes the cache only when MSAL changed it', async () => {
    const { calls, store } = countingStore(null);
    const plugin = tokenCachePlugin(store);
    await plugin.afterCacheAccess(cacheContext(false).context);
    expect(calls.save).toEqual([]);
    await plugin.afterCacheAccess(cacheContext(true).context);
    expect(calls.save).toEqual(['serialized-cache']);
  });
});
