import type { z } from 'zod';
import type { RepositoryContext } from './context';
import { parseJson, toJson } from './json';

/** Small named blobs: the MSAL token cache, catalog snapshots. Values are text; JSON helpers parse with zod. */
export interface KeyValueRepository {
  /** The value, or undefined if absent or expired. */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<boolean>;
  getJson<S extends z.ZodTypeAny>(key: string, schema: S): Promise<z.output<S> | undefined>;
  setJson(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
}

export function keyValueRepository(ctx: RepositoryContext): KeyValueRepository {
  const { db } = ctx;

  async function get(key: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('kv')
      .select(['value', 'expires_at'])
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= ctx.now()) return undefined;
    return row.value;
  }

  async function set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    const now = ctx.now();
    const expiresAt = options.ttlMs === undefined ? null : now + options.ttlMs;
    await db
      .insertInto('kv')
      .values({ key, value, expires_at: expiresAt, updated_at: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          expires_at: eb.ref('excluded.expires_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  return {
    get,
    set,
    async delete(key) {
      const result = await db.deleteFrom('kv').where('key', '=', key).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async getJson(key, schema) {
      const text = await get(key);
      return text === undefined ? undefined : parseJson(text, schema, { table: 'kv', key, column: 'value' });
    },
    async setJson(key, value, options) {
      await set(key, toJson(value), options);
    },
  };
}
