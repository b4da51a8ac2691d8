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

/** The plugin, and how long MSAL's in-memory cache stands for the store without reading it again. */
export interface SyncedCachePlugin extends ICachePlugin {
  /**
   * Until when (epoch ms) the store is not read again: a token MSAL handed out stands until then,
   * since MSAL itself would answer from memory. 0 before the store was first read.
   */
  syncedUntil(): number;
}

/** MSAL's cache persisted through the caller's store: re-read at most every `reloadAfterMs`, written when changed. */
export function tokenCachePlugin(
  store: TokenCacheStore,
  options: TokenCachePluginOptions = {},
): SyncedCachePlugin {
  const reloadAfterMs = options.reloadAfterMs ?? 30_000;
  const now = options.now ?? (() => Date.now());
  let syncedAt: number | undefined;
  return {
    syncedUntil: () => (syncedAt === undefined ? 0 : syncedAt + reloadAfterMs),
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      if (syncedAt !== undefined && now() - syncedAt < reloadAfterMs) return;
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
