import type { Kysely, Selectable } from 'kysely';
import { nullable, optional, type RepositoryContext } from './context';
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
  pcRequestId?: string;
  outcome: string;
  details?: JsonObject;
}

export interface AuditEntry extends AuditEntryInput {
  id: number;
  at: number;
}

export interface AuditFilter {
  requestId?: string;
  customerId?: string;
  /** Defaults to 50. */
  limit?: number;
  /** A cursor: only entries older than this one (pass the last entry of the previous page). */
  before?: { at: number; id: number } | number;
}

export interface AuditRepository {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Newest first. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
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
  };
}
