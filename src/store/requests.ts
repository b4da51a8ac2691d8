import { randomUUID } from 'node:crypto';
import type { CompiledQuery, Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import { auditInsert, type AuditEntryInput } from './audit';
import { nullable, optional, type RepositoryContext } from './context';
import { jsonObject, parseColumn, parseJson, parseOptionalJson, toJson, type JsonObject } from './json';
import type { ActionRequestTable } from './schema';
import { watchUpsert, type WatchInput } from './watches';

/** A kind of change ('purchase', 'suspend', …): an open set, each kind declared by the domain's registry. */
export type ActionRequestKind = string;

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

/** Something that stands in the way of a change, and what to do about it first. */
export const blockerSchema = z
  .object({
    /** What blocks, e.g. 'azure-subscription', 'reservation', 'savings-plan'. */
    type: z.string(),
    id: z.string().optional(),
    name: z.string().optional(),
    detail: z.string().optional(),
  })
  .passthrough();
export type Blocker = z.infer<typeof blockerSchema>;

export const actionRequestErrorSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    /** The id to quote to support: the correlation id of the run that failed. */
    errorId: z.string().optional(),
    blockers: z.array(blockerSchema).optional(),
  })
  .passthrough();
export type ActionRequestError = z.infer<typeof actionRequestErrorSchema>;

/** Where the execution of an approved request stands: the stored result of each finished step. */
export const requestExecutionSchema = z
  .object({
    /** One id per claim (approved → executing). */
    attemptId: z.string(),
    claimedAt: z.number(),
    checkpoints: z.record(z.object({ at: z.number(), data: jsonObject })).default({}),
    /** Runs that ended on a transient failure (the request stayed resumable). */
    deferrals: z.number().int().nonnegative().optional(),
    lastError: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .passthrough();
export type RequestExecution = z.infer<typeof requestExecutionSchema>;

export const requestApprovalSchema = z.object({ id: z.string(), name: z.string(), at: z.number() });
export type RequestApproval = z.infer<typeof requestApprovalSchema>;

/** The approval policy a request was created under (a later configuration change does not move it). */
export const requestPolicySchema = z.object({
  /** Distinct approvers needed; 0 = approved on creation. */
  approvers: z.number().int().min(0).max(5),
  expiryHours: z.number().positive(),
});
export type RequestPolicy = z.infer<typeof requestPolicySchema>;

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
  execution?: RequestExecution;
  /** Who approved so far (distinct people), oldest first. */
  approvals: RequestApproval[];
  policy?: RequestPolicy;
  conversationKey?: string;
  /** The id of the activity that shows this request's card, for in-place updates. */
  activityId?: string;
  correlationId: string;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  /** Bumped by every transition and update: the compare-and-set token. */
  version: number;
  /** The tenant the request was made in (channelData.tenant.id); absent on requests from before 0006. */
  tenantId?: string;
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
  policy?: RequestPolicy;
  conversationKey?: string;
  activityId?: string;
  correlationId: string;
  expiresAt?: number;
  tenantId?: string;
}

/**
 * What must happen with a change, in the same transaction: its audit records and the work items it
 * creates (the runner's turn, a notification to deliver). Computed from the request as changed.
 */
export interface RequestEffects {
  audit?: AuditEntryInput[];
  tasks?: WatchInput[];
}
export type EffectsOf = (request: ActionRequest) => RequestEffects;

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
    | 'execution'
    | 'approvals'
    | 'conversationKey'
    | 'activityId'
    | 'expiresAt'
    | 'customerName'
  >
>;

export interface ActionRequestFilter {
  state?: ActionRequestState | ActionRequestState[];
  kind?: ActionRequestKind | readonly ActionRequestKind[];
  customerId?: string;
  requesterId?: string;
  /** Only requests whose expiresAt is set and earlier than this instant. */
  expiresBefore?: number;
  /** Requests of this tenant, and those recorded without one. */
  tenantId?: string;
  /** Newest first; defaults to 100. */
  limit?: number;
  /** Skips that many of the newest (paging). */
  offset?: number;
}

export type CasRefusal =
  { ok: false; reason: 'not-found' } | { ok: false; reason: 'state-mismatch'; current: ActionRequest };
export type TransitionResult = { ok: true; request: ActionRequest } | CasRefusal;

export type UpdateRefusal =
  { ok: false; reason: 'not-found' } | { ok: false; reason: 'version-mismatch'; current: ActionRequest };
export type UpdateResult = { ok: true; request: ActionRequest } | UpdateRefusal;

export interface ActionRequestRepository {
  /** Creates a request; `effects` are written in the same transaction. */
  create(input: NewActionRequest, effects?: EffectsOf): Promise<ActionRequest>;
  get(id: string): Promise<ActionRequest | undefined>;
  list(filter?: ActionRequestFilter): Promise<ActionRequest[]>;
  /**
   * Compare-and-set on the state: succeeds only if the stored state is one of `from`. The effects
   * are written in the same transaction, and only if the change was made.
   */
  transition(
    id: string,
    change: {
      from: ActionRequestState | readonly ActionRequestState[];
      to: ActionRequestState;
      patch?: ActionRequestPatch;
      /** Also require this version (nothing else changed since it was read). */
      expectedVersion?: number;
    },
    effects?: EffectsOf,
  ): Promise<TransitionResult>;
  /** Compare-and-set on the version, for data changes that keep the state (effects as for transition). */
  update(
    id: string,
    change: { expectedVersion: number; patch: ActionRequestPatch },
    effects?: EffectsOf,
  ): Promise<UpdateResult>;
  /** Records that the request placed these Partner Center orders (idempotent). */
  linkOrders(id: string, orderIds: readonly string[]): Promise<void>;
  /** The request that placed a Partner Center order, matched case-insensitively. */
  findByOrderId(orderId: string): Promise<ActionRequest | undefined>;
}

const kindSchema = z.string().min(1).max(64);
const stateSchema = z.enum(ACTION_REQUEST_STATES);
const approvalsSchema = z.array(requestApprovalSchema);

type Row = Selectable<ActionRequestTable>;

export function actionRequestRepository(ctx: RepositoryContext): ActionRequestRepository {
  const { db } = ctx;

  async function load(id: string): Promise<ActionRequest | undefined> {
    const row = await db.selectFrom('action_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  /** Runs the statement that changes the request, then (same transaction) the effects of the change. */
  async function withEffects(
    change: CompiledQuery<Row>,
    effects: EffectsOf | undefined,
  ): Promise<ActionRequest | undefined> {
    if (!effects) {
      const { rows } = await db.executeQuery(change);
      return rows[0] && fromRow(rows[0]);
    }
    const rows = await ctx.atomically(change, ([row]) => {
      const now = ctx.now();
      const { audit = [], tasks = [] } = effects(fromRow(row));
      return [
        ...audit.map((entry) => auditInsert(db, entry, now).compile()),
        ...tasks.map((task) => watchUpsert(db, task, now).compile()),
      ];
    });
    return rows[0] && fromRow(rows[0]);
  }

  return {
    async create(input, effects) {
      const now = ctx.now();
      const insert = db
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
          execution_json: null,
          approvals_json: null,
          policy_json: input.policy === undefined ? null : toJson(input.policy),
          tenant_id: nullable(input.tenantId?.toLowerCase()),
        })
        .returningAll()
        .compile();
      const created = await withEffects(insert, effects);
      if (!created) throw new Error('The request was not created');
      return created;
    },

    get: load,

    async list(filter = {}) {
      let query = db.selectFrom('action_requests').selectAll();
      if (filter.state !== undefined) {
        const states = Array.isArray(filter.state) ? filter.state : [filter.state];
        if (states.length === 0) return [];
        query = query.where('state', 'in', states);
      }
      if (filter.kind !== undefined) {
        const kinds: readonly ActionRequestKind[] =
          typeof filter.kind === 'string' ? [filter.kind] : filter.kind;
        if (kinds.length === 0) return [];
        query = query.where('kind', 'in', [...kinds]);
      }
      if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
      if (filter.requesterId !== undefined) query = query.where('requester_id', '=', filter.requesterId);
      if (filter.expiresBefore !== undefined) query = query.where('expires_at', '<', filter.expiresBefore);
      if (filter.tenantId !== undefined) {
        const tenantId = filter.tenantId.toLowerCase();
        query = query.where((eb) => eb.or([eb('tenant_id', '=', tenantId), eb('tenant_id', 'is', null)]));
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .offset(filter.offset ?? 0)
        .execute();
      return rows.map(fromRow);
    },

    async transition(id, { from, to, patch, expectedVersion }, effects) {
      const expected: readonly ActionRequestState[] = typeof from === 'string' ? [from] : from;
      if (expected.length === 0) throw new TypeError('transition needs at least one expected state');
      const change = db
        .updateTable('action_requests')
        .set((eb) => ({
          ...patchColumns(patch),
          state: stateSchema.parse(to),
          updated_at: ctx.now(),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('state', 'in', expected)
        .$if(expectedVersion !== undefined, (qb) => qb.where('version', '=', expectedVersion as number))
        .returningAll()
        .compile();
      const changed = await withEffects(change, effects);
      if (changed) return { ok: true, request: changed };
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

    async update(id, { expectedVersion, patch }, effects) {
      const change = db
        .updateTable('action_requests')
        .set((eb) => ({ ...patchColumns(patch), updated_at: ctx.now(), version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .compile();
      const changed = await withEffects(change, effects);
      if (changed) return { ok: true, request: changed };
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
  if ('execution' in patch)
    columns.execution_json = patch.execution === undefined ? null : toJson(patch.execution);
  if ('approvals' in patch)
    columns.approvals_json = patch.approvals === undefined ? null : toJson(patch.approvals);
  if ('conversationKey' in patch) columns.conversation_key = nullable(patch.conversationKey);
  if ('activityId' in patch) columns.activity_id = nullable(patch.activityId);
  if ('expiresAt' in patch) columns.expires_at = nullable(patch.expiresAt);
  return columns;
}

function fromRow(row: Row): ActionRequest {
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
    execution: parseOptionalJson(row.execution_json, requestExecutionSchema, where('execution_json')),
    approvals: parseOptionalJson(row.approvals_json, approvalsSchema, where('approvals_json')) ?? [],
    policy: parseOptionalJson(row.policy_json, requestPolicySchema, where('policy_json')),
    conversationKey: optional(row.conversation_key),
    activityId: optional(row.activity_id),
    correlationId: row.correlation_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: optional(row.expires_at),
    version: row.version,
    tenantId: optional(row.tenant_id),
  };
}
