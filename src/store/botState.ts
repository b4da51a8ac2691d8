import { randomUUID } from 'node:crypto';
import type { RepositoryContext } from './context';
import { jsonObject, parseJson, toJson, type JsonObject } from './json';

/**
 * Structurally the botbuilder `Storage` interface (read / write / delete with optional `eTag`), so
 * that `src/bot` can hand it to ConversationState and UserState without the store importing
 * botbuilder. Semantics follow botbuilder's MemoryStorage: a write whose eTag is missing or '*'
 * overwrites; any other eTag must equal the stored one (or the key must be new) or the write throws.
 */
export interface BotStateStorage {
  read(keys: string[]): Promise<Record<string, JsonObject>>;
  write(changes: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** Deletes state not written for `maxAgeMs` (abandoned dialogs); returns how many rows went. */
  purgeOlderThan(maxAgeMs: number): Promise<number>;
}

export class ETagConflictError extends Error {
  override readonly name = 'ETagConflictError';
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}

export function botStateStorage(ctx: RepositoryContext): BotStateStorage {
  const { db } = ctx;
  return {
    async read(keys) {
      if (!Array.isArray(keys)) throw new TypeError('Keys are required when reading');
      const items: Record<string, JsonObject> = {};
      if (keys.length === 0) return items;
      const rows = await db.selectFrom('bot_state').selectAll().where('key', 'in', keys).execute();
      for (const row of rows) {
        const doc = parseJson(row.doc_json, jsonObject, {
          table: 'bot_state',
          key: row.key,
          column: 'doc_json',
        });
        items[row.key] = { ...doc, eTag: row.etag };
      }
      return items;
    },

    async write(changes) {
      if (!changes || typeof changes !== 'object') throw new TypeError('Changes are required when writing');
      for (const [key, change] of Object.entries(changes)) {
        const item = jsonObject.parse(change ?? {});
        const { eTag: expected, ...doc } = item;
        const etag = randomUUID();
        const now = ctx.now();
        const values = { key, doc_json: toJson(doc), etag, updated_at: now };
        const unconditional =
          expected === undefined || expected === null || expected === '' || expected === '*';
        const written = await db
          .insertInto('bot_state')
          .values(values)
          .onConflict((oc) => {
            const update = oc.column('key').doUpdateSet((eb) => ({
              doc_json: eb.ref('excluded.doc_json'),
              etag: eb.ref('excluded.etag'),
              updated_at: eb.ref('excluded.updated_at'),
            }));
            return unconditional ? update : update.where('bot_state.etag', '=', String(expected));
          })
          .returning('key')
          .executeTakeFirst();
        if (!written) throw new ETagConflictError(key);
      }
    },

    async delete(keys) {
      if (!Array.isArray(keys)) throw new TypeError('Keys are required when deleting');
      if (keys.length === 0) return;
      await db.deleteFrom('bot_state').where('key', 'in', keys).execute();
    },
    async purgeOlderThan(maxAgeMs) {
      const result = await db
        .deleteFrom('bot_state')
        .where('updated_at', '<', ctx.now() - maxAgeMs)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
