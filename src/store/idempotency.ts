import { z } from 'zod';
import type { RepositoryContext } from './context';
import { parseOptionalJson, toJson } from './json';

export type IdempotencyClaim =
  | { claimed: true }
  | { claimed: false; state: 'in-progress' }
  | { claimed: false; state: 'done'; result?: unknown };

/**
 * Exactly-once guards for operations keyed by something the caller repeats on a retry (an invoke
 * id, a checkout attempt). A claim is held for `ttlMs`; a holder that dies lets the key become
 * claimable again after that. A completed key keeps its result for `retainMs` (default one day).
 */
export interface IdempotencyRepository {
  claim(key: string, holder: string, ttlMs: number): Promise<IdempotencyClaim>;
  /** Records the result; false if the key is unknown (never claimed, or purged). */
  complete(key: string, result?: unknown, options?: { retainMs?: number }): Promise<boolean>;
  /** Drops an in-progress claim we hold so a retry can claim at once (after a failure). */
  abandon(key: string, holder: string): Promise<boolean>;
  /** Deletes expired keys; returns how many. */
  purgeExpired(): Promise<number>;
}

const DEFAULT_RETAIN_MS = 24 * 60 * 60 * 1000;

export function idempotencyRepository(ctx: RepositoryContext): IdempotencyRepository {
  const { db } = ctx;
  return {
    async claim(key, holder, ttlMs) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const now = ctx.now();
        const taken = await db
          .insertInto('idempotency_keys')
          .values({
            key,
            holder,
            state: 'in-progress',
            result_json: null,
            created_at: now,
            expires_at: now + ttlMs,
          })
          .onConflict((oc) =>
            oc
              .column('key')
              .doUpdateSet((eb) => ({
                holder: eb.ref('excluded.holder'),
                state: eb.ref('excluded.state'),
                result_json: eb.ref('excluded.result_json'),
                created_at: eb.ref('excluded.created_at'),
                expires_at: eb.ref('excluded.expires_at'),
              }))
              .where('idempotency_keys.expires_at', '<=', now),
          )
          .returning('key')
          .executeTakeFirst();
        if (taken) return { claimed: true };

        const row = await db
          .selectFrom('idempotency_keys')
          .select(['state', 'result_json'])
          .where('key', '=', key)
          .executeTakeFirst();
        // Gone between the two statements (purged or abandoned): try the claim again.
        if (!row) continue;
        if (row.state === 'done') {
          const result = parseOptionalJson(row.result_json, z.unknown(), {
            table: 'idempotency_keys',
            key,
            column: 'result_json',
          });
          return { claimed: false, state: 'done', result };
        }
        return { claimed: false, state: 'in-progress' };
      }
      return { claimed: false, state: 'in-progress' };
    },

    async complete(key, result, options = {}) {
      const outcome = await db
        .updateTable('idempotency_keys')
        .set({
          state: 'done',
          result_json: result === undefined ? null : toJson(result),
          expires_at: ctx.now() + (options.retainMs ?? DEFAULT_RETAIN_MS),
        })
        .where('key', '=', key)
        .executeTakeFirst();
      return Number(outcome.numUpdatedRows) > 0;
    },

    async abandon(key, holder) {
      const outcome = await db
        .deleteFrom('idempotency_keys')
        .where('key', '=', key)
        .where('holder', '=', holder)
        .where('state', '=', 'in-progress')
        .executeTakeFirst();
      return Number(outcome.numDeletedRows) > 0;
    },

    async purgeExpired() {
      const outcome = await db
        .deleteFrom('idempotency_keys')
        .where('expires_at', '<=', ctx.now())
        .executeTakeFirst();
      return Number(outcome.numDeletedRows);
    },
  };
}
