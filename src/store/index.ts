export { createStore, SqlStore, type Store, type StoreOptions } from './store';
export type { Engine } from './migrations';
export { StoreConfigError, StoreDataError } from './errors';
export type { JsonObject } from './json';
export type {
  ConversationListFilter,
  ConversationReferenceInput,
  ConversationReferenceRepository,
  ConversationType,
  StoredConversationReference,
} from './conversations';
export { ETagConflictError, type BotStateStorage } from './botState';
export {
  ACTION_REQUEST_STATES,
  actionRequestErrorSchema,
  blockerSchema,
  requestExecutionSchema,
  type Blocker,
  type EffectsOf,
  type RequestApproval,
  type RequestEffects,
  type RequestExecution,
  type RequestPolicy,
  type ActionRequest,
  type ActionRequestError,
  type ActionRequestFilter,
  type ActionRequestKind,
  type ActionRequestPatch,
  type ActionRequestRepository,
  type ActionRequestState,
  type CasRefusal,
  type NewActionRequest,
  type TransitionResult,
  type UpdateRefusal,
  type UpdateResult,
} from './requests';
export type { AuditEntry, AuditEntryInput, AuditFilter, AuditRepository } from './audit';
export type { Lease, LeaseRepository } from './leases';
export type { IdempotencyClaim, IdempotencyRepository } from './idempotency';
export {
  ALL_CUSTOMERS,
  type AlertRepository,
  type AlertSnooze,
  type BudgetAlert,
  type BudgetAlertKind,
  type BudgetAlertState,
  type NewBudgetAlert,
  type AlertSubscription,
  type AlertSubscriptionInput,
} from './alerts';
export type { SpendSnapshot, SpendSnapshotRepository } from './spendSnapshots';
export type { Watch, WatchInput, WatchKind, WatchRepository } from './watches';
export type { KeyValueRepository } from './kv';
export type { Download, DownloadEncoding, DownloadRepository, DownloadState, NewDownload } from './downloads';
export type { NewRoleGrant, RoleGrant, RoleGrantRepository } from './roleGrants';
export { AUDIT_PURGE_SETTING } from './migrations';
