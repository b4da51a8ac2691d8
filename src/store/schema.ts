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
  budget_alerts: BudgetAlertTable;
  alert_snoozes: AlertSnoozeTable;
  spend_snapshots: SpendSnapshotTable;
  watches: WatchTable;
  kv: KeyValueTable;
  request_orders: RequestOrderTable;
  downloads: DownloadTable;
  download_chunks: DownloadChunkTable;
  role_grants: RoleGrantTable;
  audit_purge_window: AuditPurgeWindowTable;
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
  /** The tenant the request was made in (0006); null for older requests. */
  tenant_id: string | null;
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
  tenant_id: string | null;
  conversation_id: string | null;
  request_kind: string | null;
  customer_name: string | null;
}

/** A role an admin granted in Teams (the configuration's roles are not stored). */
export interface RoleGrantTable {
  principal_id: string;
  role: string;
  principal_name: string | null;
  granted_by: string;
  granted_by_name: string | null;
  granted_at: number;
}

/** SQLite only: the cutoff of the retention purge running in this transaction (see 0006). */
export interface AuditPurgeWindowTable {
  cutoff: number;
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
  customer_name: string | null;
  created_by: string;
  created_by_name: string | null;
  created_at: number;
  updated_at: number;
}

export interface BudgetAlertTable {
  id: string;
  subscription_id: string;
  conversation_key: string;
  customer_id: string;
  customer_name: string;
  period_key: string;
  kind: string;
  threshold: number;
  figures_json: string;
  state: string;
  posted_conversation_key: string | null;
  activity_id: string | null;
  posted_at: number | null;
  ack_by: string | null;
  ack_by_name: string | null;
  ack_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface AlertSnoozeTable {
  conversation_key: string;
  customer_id: string;
  period_key: string;
  snoozed_by: string;
  snoozed_by_name: string;
  at: number;
}

export interface SpendSnapshotTable {
  customer_id: string;
  day: string;
  period_key: string;
  total_cost: number;
  currency: string;
  budget: number | null;
  recorded_at: number;
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

export interface DownloadTable {
  id: string;
  file_name: string;
  content_type: string;
  /** How the chunks are stored: 'gzip' (served decompressed) or 'identity'. */
  encoding: string;
  /** 'writing' while its chunks are added, then 'ready'. */
  state: string;
  size_bytes: number;
  chunk_count: number;
  meta_json: string;
  created_at: number;
  expires_at: number;
}

export interface DownloadChunkTable {
  download_id: string;
  seq: number;
  data: Buffer;
}
