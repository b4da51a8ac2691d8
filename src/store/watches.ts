import { sql, type Kysely, type Selectable } from 'kysely';
import { nullable, optional, type RepositoryContext } from './context';
import { jsonObject, parseJson, toJson, type JsonObject } from './json';
import type { Database, WatchTable } from './schema';

export type WatchKind = 'order' | 'upgrade' | (string & {});

export interface WatchInput {
  id: string;
  kind: WatchKind;
  requestId?: string;
  payload: JsonObject;
  nextRunAt: number;
}

export interface Watch extends WatchInput {
  /** How many times the watch has been claimed. */
  attempts: number;
  leaseHolder?: string;
  leaseExpiresAt?: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * Durable work items: a request to run, a notification to deliver, an order to poll. A worker
 * claims rows with a per-row lease so that two instances never work the same item; a holder that
 * dies lets its rows become due again when the lease runs out (or at once, when its own next
 * incarnation releases them at start-up).
 */
export interface WatchRepository {
  /** Creates a work item or reschedules it (payload and time); a current claim on it is kept. */
  upsert(input: WatchInput): Promise<Watch>;
  /** Creates a work item unless one with this id exists; true if it was created. */
  insertIfAbsent(input: WatchInput): Promise<boolean>;
  /** Claims up to `limit` items whose time has come and that nobody holds. */
  due(
    now: number,
    limit: number,
    holder: string,
    leaseMs: number,
    kind?: WatchKind | readonly WatchKind[],
  ): Promise<Watch[]>;
  /** Claims one item if it is due and nobody holds it. */
  claim(id: string, now: number, holder: string, leaseMs: number): Promise<Watch | undefined>;
  /** Extends a claim we hold; false if we no longer hold it. */
  renew(id: string, holder: string, leaseMs: number): Promise<boolean>;
  /** Releases our claim and sets the next run; false if we no longer hold the watch. */
  reschedule(id: string, holder: string, nextRunAt: number, payload?: JsonObject): Promise<boolean>;
  /** Deletes an item we hold; false if we no longer hold it. */
  complete(id: string, holder: string): Promise<boolean>;
  /**
   * Drops the claims of holders whose name starts with `prefix`, except `keep`: a restarted
   * instance frees at once what its previous incarnation held when it died.
   */
  releaseHeldBy(prefix: string, keep: string): Promise<number>;
  get(id: string): Promise<Watch | undefined>;
  list(filter?: { kind?: WatchKind; requestId?: string; limit?: number }): Promise<Watch[]>;
  /** Deletes an item whoever holds it (a cancelled request). */
  delete(id: string): Promise<boolean>;
}

/** The INSERT … ON CONFLICT of a work item: a new row, or a new schedule and payload for an existing one. */
export function watchUpsert(db: Kysely<Database>, input: WatchInput, now: number) {
  return db
    .insertInto('watches')
    .values(newRow(input, now))
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        kind: eb.ref('excluded.kind'),
        request_id: eb.ref('excluded.request_id'),
        payload_json: eb.ref('excluded.payload_json'),
        next_run_at: eb.ref('excluded.next_run_at'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    );
}

/** The INSERT of a work item that is left alone if it already exists. */
export function watchInsertIfAbsent(db: Kysely<Database>, input: WatchInput, now: number) {
  return db
    .insertInto('watches')
    .values(newRow(input, now))
    .onConflict((oc) => oc.column('id').doNothing());
}

function newRow(input: WatchInput, now: number) {
  return {
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
  };
}

export function watchRepository(ctx: RepositoryContext): WatchRepository {
  const { db } = ctx;
  return {
    async upsert(input) {
      const row = await watchUpsert(db, input, ctx.now()).returningAll().executeTakeFirstOrThrow();
      return fromRow(row);
    },

    async insertIfAbsent(input) {
      const result = await watchInsertIfAbsent(db, input, ctx.now()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async due(now, limit, holder, leaseMs, kind) {
      if (limit <= 0) return [];
      const kinds = kind === undefined ? undefined : typeof kind === 'string' ? [kind] : [...kind];
      if (kinds?.length === 0) return [];
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
              .$if(kinds !== undefined, (qb) => qb.where('kind', 'in', kinds as WatchKind[]))
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

    async claim(id, now, holder, leaseMs) {
      const row = await db
        .updateTable('watches')
        .set((eb) => ({
          lease_holder: holder,
          lease_expires_at: now + leaseMs,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('next_run_at', '<=', now)
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
        .returningAll()
        .executeTakeFirst();
      return row && fromRow(row);
    },

    async renew(id, holder, leaseMs) {
      const result = await db
        .updateTable('watches')
        .set({ lease_expires_at: ctx.now() + leaseMs })
        .where('id', '=', id)
        .where('lease_holder', '=', holder)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
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

    async releaseHeldBy(prefix, keep) {
      const result = await db
        .updateTable('watches')
        .set({ lease_holder: null, lease_expires_at: null, updated_at: ctx.now() })
        .where(sql<string>`substr(lease_holder, 1, ${prefix.length})`, '=', prefix)
        .where('lease_holder', '!=', keep)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async get(id) {
      const row = await db.selectFrom('watches').selectAll().where('id', '=', id).executeTakeFirst();
      return row && fromRow(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('watches').selectAll();
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId);
      query = query.orderBy('next_run_at').orderBy('id');
      if (filter.limit !== undefined) query = query.limit(filter.limit);
      const rows = await query.execute();
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
