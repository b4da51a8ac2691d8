import type { Generated } from 'kysely';

/**
 * The relational schema as Kysely sees it. Timestamps are epoch milliseconds everywhere (INTEGER in
 * SQLite, BIGINT in PostgreSQL, parsed back to numbers); JSON documents are text columns that the
 * repositories parse with zod on the way out.
 */
export interface Database {
  conversation_references: ConversationReferenceTable;
  bot_state: BotStateTable;
  action_requests: ActionRequestTable;
  audit_log: AuditTable;
  leases: LeaseTable;
  idempotency_keys: IdempotencyTable;
  alert_subscriptions: AlertSubscriptionTable;
  alert_history: AlertHistoryTable;
  watches: WatchTable;
  kv: KeyValueTable;
  request_orders: RequestOrderTable;
}

export interface ConversationReferenceTable {
  key: string;
  reference_json: string;
  conversation_type: string;
  tenant_id: string;
  team_id: string | null;
  channel_id: string | null;
  user_aad_object_id: string | null;
  service_url: string;
  created_at: number;
  updated_at: number;
}

export interface BotStateTable {
  key: string;
  doc_json: string;
  etag: string;
  updated_at: number;
}

export interface ActionRequestTable {
  id: string;
  kind: string;
  state: string;
  customer_id: string;
  customer_name: string;
  requester_id: string;
  requester_name: string;
  approver_id: string | null;
  approver_name: string | null;
  reason: string | null;
  payload_json: string;
  result_json: string | null;
  error_json: string | null;
  conversation_key: string | null;
  activity_id: string | null;
  correlation_id: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  version: number;
  execution_json: string | null;
  approvals_json: string | null;
  policy_json: string | null;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor_id: string;
  actor_name: string | null;
  action: string;
  request_id: string | null;
  customer_id: string | null;
  correlation_id: string | null;
  pc_request_id: string | null;
  outcome: string;
  details_json: string | null;
}

export interface LeaseTable {
  name: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
}

export interface IdempotencyTable {
  key: string;
  holder: string;
  state: string;
  result_json: string | null;
  created_at: number;
  expires_at: number;
}

export interface AlertSubscriptionTable {
  id: string;
  conversation_key: string;
  customer_id: string;
  thresholds_json: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface AlertHistoryTable {
  subscription_id: string;
  customer_id: string;
  threshold: number;
  period_key: string;
  at: number;
}

export interface WatchTable {
  id: string;
  kind: string;
  request_id: string | null;
  payload_json: string;
  next_run_at: number;
  attempts: number;
  lease_holder: string | null;
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface KeyValueTable {
  key: string;
  value: string;
  expires_at: number | null;
  updated_at: number;
}

export interface RequestOrderTable {
  /** Lower case: Partner Center order ids are matched case-insensitively. */
  order_id: string;
  request_id: string;
  created_at: number;
}
