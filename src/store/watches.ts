import type { Selectable } from 'kysely';
import { nullable, optional, type RepositoryContext } from './context';
import { jsonObject, parseJson, toJson, type JsonObject } from './json';
import type { WatchTable } from './schema';

export type WatchKind = 'order' | 'upgrade' | (string & {});

export interface WatchInput {
  id: string;
  kind: WatchKind;
  requestId?: string;
  payload: JsonObject;
  nextRunAt: number;
}

export interface Watch extends WatchInput {
  /** How many times the watch has been claimed by `due`. */
  attempts: number;
  leaseHolder?: string;
  leaseExpiresAt?: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * Durable work items for the watcher jobs (an order to poll until it completes, an upgrade to
 * follow). `due` claims rows with a per-row lease so that two instances never work the same watch;
 * a holder that dies lets its rows become due again when the lease runs out.
 */
export interface WatchRepository {
  /** Creates or replaces a watch; a current claim on it is kept. */
  upsert(input: WatchInput): Promise<Watch>;
  /** Claims up to `limit` watches whose time has come and that nobody holds. */
  due(now: number, limit: number, holder: string, leaseMs: number, kind?: WatchKind): Promise<Watch[]>;
  /** Releases our claim and sets the next run; false if we no longer hold the watch. */
  reschedule(id: string, holder: string, nextRunAt: number, payload?: JsonObject): Promise<boolean>;
  /** Deletes a watch we hold; false if we no longer hold it. */
  complete(id: string, holder: string): Promise<boolean>;
  get(id: string): Promise<Watch | undefined>;
  list(filter?: { kind?: WatchKind; requestId?: string }): Promise<Watch[]>;
  /** Deletes a watch whoever holds it (a cancelled request). */
  delete(id: string): Promise<boolean>;
}

export function watchRepository(ctx: RepositoryContext): WatchRepository {
  const { db } = ctx;
  return {
    async upsert(input) {
      const now = ctx.now();
      const row = await db
        .insertInto('watches')
        .values({
          id: input.id,
          kind: input.kind,
          request_id: nullable(input.requestId),
          payload_json: toJson(input.payload),
          next_run_at: input.nextRunAt,
          attempts: 0,
          lease_holder: null,
          lease_expires_at: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            kind: eb.ref('excluded.kind'),
            request_id: eb.ref('excluded.request_id'),
            payload_json: eb.ref('excluded.payload_json'),
            next_run_at: eb.ref('excluded.next_run_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },

    async due(now, limit, holder, leaseMs, kind) {
      if (limit <= 0) return [];
      // One UPDATE … WHERE id IN (SELECT …) statement: the outer WHERE repeats the "not held"
      // condition, which PostgreSQL re-checks on the latest row version after waiting for a
      // concurrent claimer, so a row is never handed to two instances. SKIP LOCKED (PostgreSQL
      // only) lets the second instance take other rows instead of coming back empty.
      const rows = await db
        .updateTable('watches')
        .set((eb) => ({
          lease_holder: holder,
          lease_expires_at: now + leaseMs,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where((eb) =>
          eb(
            'id',
            'in',
            eb
              .selectFrom('watches')
              .select('id')
              .where('next_run_at', '<=', now)
              .$if(kind !== undefined, (qb) => qb.where('kind', '=', kind as WatchKind))
              .where((w) => w.or([w('lease_expires_at', 'is', null), w('lease_expires_at', '<=', now)]))
              .orderBy('next_run_at')
              .orderBy('id')
              .limit(limit)
              .$if(ctx.engine === 'postgres', (qb) => qb.forUpdate().skipLocked()),
          ),
        )
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
        .returningAll()
        .execute();
      return rows.map(fromRow).sort((a, b) => a.nextRunAt - b.nextRunAt || a.id.localeCompare(b.id));
    },

    async reschedule(id, holder, nextRunAt, payload) {
      const result = await db
        .updateTable('watches')
        .set({
          next_run_at: nextRunAt,
          lease_holder: null,
          lease_expires_at: null,
          updated_at: ctx.now(),
          ...(payload === undefined ? {} : { payload_json: toJson(payload) }),
        })
        .where('id', '=', id)
        .where('lease_holder', '=', holder)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async complete(id, holder) {
      const result = await db
        .deleteFrom('watches')
        .where('id', '=', id)
        .where('lease_holder', '=', holder)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async get(id) {
      const row = await db.selectFrom('watches').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('watches').selectAll();
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId);
      const rows = await query.orderBy('next_run_at').orderBy('id').execute();
      return rows.map(fromRow);
    },

    async delete(id) {
      const result = await db.deleteFrom('watches').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function fromRow(row: Selectable<WatchTable>): Watch {
  return {
    id: row.id,
    kind: row.kind,
    requestId: optional(row.request_id),
    payload: parseJson(row.payload_json, jsonObject, {
      table: 'watches',
      key: row.id,
      column: 'payload_json',
    }),
    nextRunAt: row.next_run_at,
    attempts: row.attempts,
    leaseHolder: optional(row.lease_holder),
    leaseExpiresAt: optional(row.lease_expires_at),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
