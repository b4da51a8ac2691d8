import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { TokenCacheStore } from './credentials';

export interface TokenCachePluginOptions {
  /**
   * MSAL asks for the cache before every token lookup. Reading the store each time would put a
   * database read on every Partner Center call; the store is read again only after this long, so
   * another instance's rotated refresh token is still picked up (default 30 s).
   */
  reloadAfterMs?: number;
  now?: () => number;
}

/** The plugin, and whether MSAL's in-memory cache still stands for the store. */
export interface SyncedCachePlugin extends ICachePlugin {
  /** How many times the store has been read: a token taken since, from memory, is still MSAL's answer. */
  loads(): number;
  /** Whether MSAL answers from memory now (the store was read, and is not due to be read again). */
  inSync(): boolean;
}

/** MSAL's cache persisted through the caller's store: re-read at most every `reloadAfterMs`, written when changed. */
export function tokenCachePlugin(
  store: TokenCacheStore,
  options: TokenCachePluginOptions = {},
): SyncedCachePlugin {
  const reloadAfterMs = options.reloadAfterMs ?? 30_000;
  const now = options.now ?? (() => Date.now());
  let syncedAt: number | undefined;
  let loads = 0;
  const inSync = () => syncedAt !== undefined && now() - syncedAt < reloadAfterMs;
  return {
    loads: () => loads,
    inSync,
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      if (inSync()) return;
      loads += 1;
      const serialized = await store.load();
      if (serialized) context.tokenCache.deserialize(serialized);
      syncedAt = now();
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (!context.cacheHasChanged) return;
      await store.save(context.tokenCache.serialize());
      syncedAt = now();
    },
  };
}
