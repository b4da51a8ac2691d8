import { sql, type Kysely, type Selectable } from 'kysely';
import { nullable, optional, type RepositoryContext } from './context';
import { AUDIT_PURGE_SETTING } from './migrations';
import { jsonObject, parseOptionalJson, toJson, type JsonObject } from './json';
import type { AuditTable, Database } from './schema';

export interface AuditEntryInput {
  /** Epoch milliseconds; defaults to the store's clock. */
  at?: number;
  actorId: string;
  actorName?: string;
  action: string;
  requestId?: string;
  customerId?: string;
  correlationId?: string;
  /** Partner Center MS-RequestId(s) of the calls this entry covers (several: space-separated). */
  pcRequestId?: string;
  outcome: string;
  details?: JsonObject;
  /** The tenant the actor acted from (channelData.tenant.id). */
  tenantId?: string;
  /** The Teams conversation the action came from (or the request's conversation). */
  conversationId?: string;
  /** The request kind ('purchase', 'suspend'…) when the entry is about a request. */
  kind?: string;
  customerName?: string;
}

export interface AuditEntry extends AuditEntryInput {
  id: number;
  at: number;
}

export interface AuditFilter {
  requestId?: string;
  customerId?: string;
  /** Only entries at or after this instant (epoch ms). */
  since?: number;
  /** Defaults to 50. */
  limit?: number;
  /** A cursor: only entries older than this one (pass the last entry of the previous page). */
  before?: { at: number; id: number } | number;
}

/**
 * The audit trail. Append-only: there is no update, and the only delete is `purgeOlderThan`, the
 * retention purge, which the database's own triggers allow for rows older than its cutoff only
 * (migration 0006).
 */
export interface AuditRepository {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Newest first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
  /** Retention: deletes the entries older than `cutoff` (epoch ms); how many went. */
  purgeOlderThan(cutoff: number): Promise<number>;
}

/** The INSERT of one audit entry, for `append` and for the effects of a request transition. */
export function auditInsert(db: Kysely<Database>, entry: AuditEntryInput, now: number) {
  return db.insertInto('audit_log').values({
    at: entry.at ?? now,
    actor_id: entry.actorId,
    actor_name: nullable(entry.actorName),
    action: entry.action,
    request_id: nullable(entry.requestId),
    customer_id: nullable(entry.customerId),
    correlation_id: nullable(entry.correlationId),
    pc_request_id: nullable(entry.pcRequestId),
    outcome: entry.outcome,
    details_json: entry.details === undefined ? null : toJson(entry.details),
    tenant_id: nullable(entry.tenantId),
    conversation_id: nullable(entry.conversationId),
    request_kind: nullable(entry.kind),
    customer_name: nullable(entry.customerName),
  });
}

export function auditRepository(ctx: RepositoryContext): AuditRepository {
  const { db } = ctx;
  return {
    async append(entry) {
      const row = await auditInsert(db, entry, ctx.now()).returningAll().executeTakeFirstOrThrow();
      return fromRow(row);
    },

    async list(filter = {}) {
      let query = db.selectFrom('audit_log').selectAll();
      if (filter.requestId !== undefined) query = query.where('request_id', '=', filter.requestId);
      if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      const before = filter.before;
      if (typeof before === 'number') query = query.where('at', '<', before);
      else if (before !== undefined) {
        query = query.where((eb) =>
          eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
        );
      }
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 50)
        .execute();
      return rows.map(fromRow);
    },

    async purgeOlderThan(cutoff) {
      const { n } = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('at', '<', cutoff)
        .executeTakeFirstOrThrow();
      if (Number(n) === 0) return 0;
      const remove = db.deleteFrom('audit_log').where('at', '<', cutoff).compile();
      if (ctx.engine === 'postgres') {
        // The trigger lets this transaction delete rows older than the cutoff, and nothing else.
        const open = sql<{
          v: string;
        }>`select set_config(${AUDIT_PURGE_SETTING}, ${String(cutoff)}, true) as v`.compile(db);
        await ctx.atomically(open, () => [remove]);
      } else {
        const open = db.insertInto('audit_purge_window').values({ cutoff }).returning('cutoff').compile();
        await ctx.atomically(open, () => [remove, db.deleteFrom('audit_purge_window').compile()]);
      }
      return Number(n);
    },
  };
}

function fromRow(row: Selectable<AuditTable>): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorName: optional(row.actor_name),
    action: row.action,
    requestId: optional(row.request_id),
    customerId: optional(row.customer_id),
    correlationId: optional(row.correlation_id),
    pcRequestId: optional(row.pc_request_id),
    outcome: row.outcome,
    details: parseOptionalJson(row.details_json, jsonObject, {
      table: 'audit_log',
      key: String(row.id),
      column: 'details_json',
    }),
    tenantId: optional(row.tenant_id),
    conversationId: optional(row.conversation_id),
    kind: optional(row.request_kind),
    customerName: optional(row.customer_name),
  };
}
