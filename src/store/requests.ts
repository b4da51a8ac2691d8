import { randomUUID } from 'node:crypto';
import type { Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import { nullable, optional, type RepositoryContext } from './context';
import { jsonObject, parseColumn, parseJson, parseOptionalJson, toJson, type JsonObject } from './json';
import type { ActionRequestTable } from './schema';

export const ACTION_REQUEST_KINDS = ['purchase', 'suspend', 'reactivate', 'upgrade', 'set-budget'] as const;
export type ActionRequestKind = (typeof ACTION_REQUEST_KINDS)[number];

export const ACTION_REQUEST_STATES = [
  'requested',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'expired',
] as const;
export type ActionRequestState = (typeof ACTION_REQUEST_STATES)[number];

export const actionRequestErrorSchema = z.object({ code: z.string(), message: z.string() }).passthrough();
export type ActionRequestError = z.infer<typeof actionRequestErrorSchema>;

export interface ActionRequest {
  id: string;
  kind: ActionRequestKind;
  state: ActionRequestState;
  customerId: string;
  customerName: string;
  requesterId: string;
  requesterName: string;
  approverId?: string;
  approverName?: string;
  reason?: string;
  payload: JsonObject;
  result?: unknown;
  error?: ActionRequestError;
  conversationKey?: string;
  /** The id of the activity that shows this request's card, for in-place updates. */
  activityId?: string;
  correlationId: string;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  /** Bumped by every transition and update: the compare-and-set token. */
  version: number;
}

export interface NewActionRequest {
  id?: string;
  kind: ActionRequestKind;
  state?: ActionRequestState;
  customerId: string;
  customerName: string;
  requesterId: string;
  requesterName: string;
  reason?: string;
  payload: JsonObject;
  conversationKey?: string;
  activityId?: string;
  correlationId: string;
  expiresAt?: number;
}

/** The fields a transition or an update may change; identity, kind, owner and timestamps stay put. */
export type ActionRequestPatch = Partial<
  Pick<
    ActionRequest,
    | 'approverId'
    | 'approverName'
    | 'reason'
    | 'payload'
    | 'result'
    | 'error'
    | 'conversationKey'
    | 'activityId'
    | 'expiresAt'
    | 'customerName'
  >
>;

export interface ActionRequestFilter {
  state?: ActionRequestState | ActionRequestState[];
  kind?: ActionRequestKind;
  customerId?: string;
  requesterId?: string;
  /** Only requests whose expiresAt is set and earlier than this instant. */
  expiresBefore?: number;
  /** Newest first; defaults to 100. */
  limit?: number;
}

export type CasRefusal =
  { ok: false; reason: 'not-found' } | { ok: false; reason: 'state-mismatch'; current: ActionRequest };
export type TransitionResult = { ok: true; request: ActionRequest } | CasRefusal;

export type UpdateRefusal =
  { ok: false; reason: 'not-found' } | { ok: false; reason: 'version-mismatch'; current: ActionRequest };
export type UpdateResult = { ok: true; request: ActionRequest } | UpdateRefusal;

export interface ActionRequestRepository {
  create(input: NewActionRequest): Promise<ActionRequest>;
  get(id: string): Promise<ActionRequest | undefined>;
  list(filter?: ActionRequestFilter): Promise<ActionRequest[]>;
  /** Compare-and-set on the state: succeeds only if the stored state is one of `from`. */
  transition(
    id: string,
    change: {
      from: ActionRequestState | readonly ActionRequestState[];
      to: ActionRequestState;
      patch?: ActionRequestPatch;
    },
  ): Promise<TransitionResult>;
  /** Compare-and-set on the version, for data changes that keep the state. */
  update(id: string, change: { expectedVersion: number; patch: ActionRequestPatch }): Promise<UpdateResult>;
  /** Records that the request placed these Partner Center orders (idempotent). */
  linkOrders(id: string, orderIds: readonly string[]): Promise<void>;
  /** The request that placed a Partner Center order, matched case-insensitively. */
  findByOrderId(orderId: string): Promise<ActionRequest | undefined>;
}

const kindSchema = z.enum(ACTION_REQUEST_KINDS);
const stateSchema = z.enum(ACTION_REQUEST_STATES);

export function actionRequestRepository(ctx: RepositoryContext): ActionRequestRepository {
  const { db } = ctx;

  async function load(id: string): Promise<ActionRequest | undefined> {
    const row = await db.selectFrom('action_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  return {
    async create(input) {
      const now = ctx.now();
      const row = await db
        .insertInto('action_requests')
        .values({
          id: input.id ?? randomUUID(),
          kind: kindSchema.parse(input.kind),
          state: stateSchema.parse(input.state ?? 'requested'),
          customer_id: input.customerId,
          customer_name: input.customerName,
          requester_id: input.requesterId,
          requester_name: input.requesterName,
          approver_id: null,
          approver_name: null,
          reason: nullable(input.reason),
          payload_json: toJson(input.payload),
          result_json: null,
          error_json: null,
          conversation_key: nullable(input.conversationKey),
          activity_id: nullable(input.activityId),
          correlation_id: input.correlationId,
          created_at: now,
          updated_at: now,
          expires_at: nullable(input.expiresAt),
          version: 1,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },

    get: load,

    async list(filter = {}) {
      let query = db.selectFrom('action_requests').selectAll();
      if (filter.state !== undefined) {
        const states = Array.isArray(filter.state) ? filter.state : [filter.state];
        if (states.length === 0) return [];
        query = query.where('state', 'in', states);
      }
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
      if (filter.requesterId !== undefined) query = query.where('requester_id', '=', filter.requesterId);
      if (filter.expiresBefore !== undefined) query = query.where('expires_at', '<', filter.expiresBefore);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(fromRow);
    },

    async transition(id, { from, to, patch }) {
      const expected: readonly ActionRequestState[] = typeof from === 'string' ? [from] : from;
      if (expected.length === 0) throw new TypeError('transition needs at least one expected state');
      const row = await db
        .updateTable('action_requests')
        .set((eb) => ({
          ...patchColumns(patch),
          state: stateSchema.parse(to),
          updated_at: ctx.now(),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('state', 'in', expected)
        .returningAll()
        .executeTakeFirst();
      if (row) return { ok: true, request: fromRow(row) };
      const current = await load(id);
      return current ? { ok: false, reason: 'state-mismatch', current } : { ok: false, reason: 'not-found' };
    },

    async linkOrders(id, orderIds) {
      if (orderIds.length === 0) return;
      const now = ctx.now();
      await db
        .insertInto('request_orders')
        .values(
          orderIds.map((orderId) => ({ order_id: orderId.toLowerCase(), request_id: id, created_at: now })),
        )
        .onConflict((oc) => oc.column('order_id').doNothing())
        .execute();
    },

    async findByOrderId(orderId) {
      const row = await db
        .selectFrom('request_orders')
        .select('request_id')
        .where('order_id', '=', orderId.toLowerCase())
        .executeTakeFirst();
      return row ? load(row.request_id) : undefined;
    },

    async update(id, { expectedVersion, patch }) {
      const row = await db
        .updateTable('action_requests')
        .set((eb) => ({ ...patchColumns(patch), updated_at: ctx.now(), version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst();
      if (row) return { ok: true, request: fromRow(row) };
      const current = await load(id);
      return current
        ? { ok: false, reason: 'version-mismatch', current }
        : { ok: false, reason: 'not-found' };
    },
  };
}

function patchColumns(patch: ActionRequestPatch = {}): Updateable<ActionRequestTable> {
  const columns: Updateable<ActionRequestTable> = {};
  // `in` rather than `!== undefined`: an explicit undefined clears the column.
  if ('approverId' in patch) columns.approver_id = nullable(patch.approverId);
  if ('approverName' in patch) columns.approver_name = nullable(patch.approverName);
  if ('reason' in patch) columns.reason = nullable(patch.reason);
  if ('customerName' in patch && patch.customerName !== undefined) columns.customer_name = patch.customerName;
  if ('payload' in patch && patch.payload !== undefined) columns.payload_json = toJson(patch.payload);
  if ('result' in patch) columns.result_json = patch.result === undefined ? null : toJson(patch.result);
  if ('error' in patch) columns.error_json = patch.error === undefined ? null : toJson(patch.error);
  if ('conversationKey' in patch) columns.conversation_key = nullable(patch.conversationKey);
  if ('activityId' in patch) columns.activity_id = nullable(patch.activityId);
  if ('expiresAt' in patch) columns.expires_at = nullable(patch.expiresAt);
  return columns;
}

function fromRow(row: Selectable<ActionRequestTable>): ActionRequest {
  const where = (column: string) => ({ table: 'action_requests', key: row.id, column });
  return {
    id: row.id,
    kind: parseColumn(row.kind, kindSchema, where('kind')),
    state: parseColumn(row.state, stateSchema, where('state')),
    customerId: row.customer_id,
    customerName: row.customer_name,
    requesterId: row.requester_id,
    requesterName: row.requester_name,
    approverId: optional(row.approver_id),
    approverName: optional(row.approver_name),
    reason: optional(row.reason),
    payload: parseJson(row.payload_json, jsonObject, where('payload_json')),
    result: parseOptionalJson(row.result_json, z.unknown(), where('result_json')),
    error: parseOptionalJson(row.error_json, actionRequestErrorSchema, where('error_json')),
    conversationKey: optional(row.conversation_key),
    activityId: optional(row.activity_id),
    correlationId: row.correlation_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: optional(row.expires_at),
    version: row.version,
  };
}
