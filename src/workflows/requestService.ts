import type { Logger } from '../logging';
import { silentLogger } from '../logging';
import type { ActionRequest, ActionRequestKind, ActionRequestState, JsonObject, Store } from '../store';
import { notifySafely, type RequestEvent, type RequestNotifier } from './notifier';
import { purchaseItemSchema, purchasePayloadJson, type PurchaseItem } from './purchasePayload';
import type { Caller, Role, RolePolicy } from './roles';

export type { PurchaseItem } from './purchasePayload';

export interface RequestExecutor {
  /** Starts executing an approved request in the background. */
  schedule(requestId: string, correlationId: string): void;
}

export interface RequestServiceDeps {
  store: Store;
  roles: RolePolicy;
  /** Kinds that wait for an approver; the others are approved on creation. */
  approvalRequiredFor: readonly ActionRequestKind[];
  notifier: RequestNotifier;
  executor?: RequestExecutor;
  now?: () => number;
  /** How long a request waits for a decision before it expires. */
  expiryHours: number;
  logger?: Logger;
}

export const OPEN_STATES: readonly ActionRequestState[] = ['requested', 'approved', 'executing'];
export const MAX_REJECTION_REASON_LENGTH = 500;

export type CreateResult =
  | { ok: true; request: ActionRequest }
  | { ok: false; reason: 'forbidden' }
  | { ok: false; reason: 'invalid-item'; issues: string[] };

export type DecisionRefusal = 'not-found' | 'not-approver' | 'own-request' | 'not-pending';
export type DecisionResult =
  { ok: true; request: ActionRequest } | { ok: false; reason: DecisionRefusal; request?: ActionRequest };
export type RejectResult = DecisionResult | { ok: false; reason: 'invalid-reason'; request?: ActionRequest };

export type CancelResult =
  | { ok: true; request: ActionRequest }
  | { ok: false; reason: 'not-found' | 'not-requester' | 'not-pending'; request?: ActionRequest };

export interface NewRequestInput {
  kind: ActionRequestKind;
  caller: Caller;
  /** The role the requester needs (default 'operator'). */
  requiredRole?: Role;
  customerId: string;
  customerName: string;
  payload: JsonObject;
  conversationKey?: string;
  correlationId: string;
}

/**
 * The life cycle of ActionRequests up to execution: create, approve, reject, cancel, expire. Every
 * transition is a compare-and-set on the stored state, audited, then notified. Roles come from the
 * Caller the Teams layer builds from the activity, never from card data; a requester never
 * approves (or rejects) their own request. Kind-agnostic except createPurchase, so suspend,
 * reactivate, upgrade and set-budget reuse it through createRequest.
 */
export class RequestService {
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly deps: RequestServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger ?? silentLogger();
  }

  async createPurchase(input: {
    caller: Caller;
    item: PurchaseItem;
    conversationKey?: string;
    correlationId: string;
  }): Promise<CreateResult> {
    const parsed = purchaseItemSchema.safeParse(input.item);
    if (!parsed.success) {
      if (!this.deps.roles.has(input.caller, 'operator')) return { ok: false, reason: 'forbidden' };
      return {
        ok: false,
        reason: 'invalid-item',
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      };
    }
    const item = parsed.data;
    return this.createRequest({
      kind: 'purchase',
      caller: input.caller,
      customerId: item.customerId,
      customerName: item.customerName,
      payload: purchasePayloadJson({ item }),
      conversationKey: input.conversationKey,
      correlationId: input.correlationId,
    });
  }

  /** Creates a request of any kind: 'requested', or 'approved' (and scheduled) when its kind needs no approval. */
  async createRequest(input: NewRequestInput): Promise<CreateResult> {
    const { caller } = input;
    const requesterId = caller.aadObjectId;
    if (!requesterId || !this.deps.roles.has(caller, input.requiredRole ?? 'operator')) {
      return { ok: false, reason: 'forbidden' };
    }
    const needsApproval = this.deps.approvalRequiredFor.includes(input.kind);
    const request = await this.deps.store.requests.create({
      kind: input.kind,
      state: needsApproval ? 'requested' : 'approved',
      customerId: input.customerId,
      customerName: input.customerName,
      requesterId,
      requesterName: caller.name,
      payload: input.payload,
      conversationKey: input.conversationKey,
      correlationId: input.correlationId,
      expiresAt: needsApproval ? this.now() + this.deps.expiryHours * 3_600_000 : undefined,
    });
    await this.audit(
      request,
      caller,
      'request.create',
      needsApproval ? 'requested' : 'auto-approved',
      input.correlationId,
    );
    await this.notify(request, 'created');
    if (!needsApproval) this.deps.executor?.schedule(request.id, input.correlationId);
    return { ok: true, request };
  }

  async approve(requestId: string, caller: Caller, correlationId: string): Promise<DecisionResult> {
    const checked = await this.checkDecision(requestId, caller, correlationId);
    if (!checked.ok) return checked;
    const outcome = await this.deps.store.requests.transition(requestId, {
      from: 'requested',
      to: 'approved',
      patch: { approverId: caller.aadObjectId, approverName: caller.name },
    });
    if (!outcome.ok) return this.lostRace(outcome);
    await this.audit(outcome.request, caller, 'request.approve', 'approved', correlationId);
    await this.notify(outcome.request, 'approved');
    this.deps.executor?.schedule(requestId, correlationId);
    return { ok: true, request: outcome.request };
  }

  async reject(
    requestId: string,
    caller: Caller,
    reason: string,
    correlationId: string,
  ): Promise<RejectResult> {
    const text = reason.trim();
    const checked = await this.checkDecision(requestId, caller, correlationId);
    if (!checked.ok) return checked;
    if (text === '' || text.length > MAX_REJECTION_REASON_LENGTH) {
      return { ok: false, reason: 'invalid-reason', request: checked.request };
    }
    const outcome = await this.deps.store.requests.transition(requestId, {
      from: 'requested',
      to: 'rejected',
      patch: { approverId: caller.aadObjectId, approverName: caller.name, reason: text },
    });
    if (!outcome.ok) return this.lostRace(outcome);
    await this.audit(outcome.request, caller, 'request.reject', 'rejected', correlationId, { reason: text });
    await this.notify(outcome.request, 'rejected');
    return { ok: true, request: outcome.request };
  }

  /** Only the requester (or an admin), only while the request waits for a decision. */
  async cancel(requestId: string, caller: Caller, correlationId: string): Promise<CancelResult> {
    const request = await this.deps.store.requests.get(requestId);
    if (!request) return { ok: false, reason: 'not-found' };
    if (!this.isRequester(request, caller) && !this.deps.roles.has(caller, 'admin')) {
      return { ok: false, reason: 'not-requester', request };
    }
    if (request.state !== 'requested') return { ok: false, reason: 'not-pending', request };
    const outcome = await this.deps.store.requests.transition(requestId, {
      from: 'requested',
      to: 'cancelled',
    });
    if (!outcome.ok) {
      return outcome.reason === 'not-found'
        ? { ok: false, reason: 'not-found' }
        : { ok: false, reason: 'not-pending', request: outcome.current };
    }
    await this.audit(outcome.request, caller, 'request.cancel', 'cancelled', correlationId);
    await this.notify(outcome.request, 'cancelled');
    return { ok: true, request: outcome.request };
  }

  /** Remembers where the request's card lives, so every later change updates it in place. */
  async attachCard(
    requestId: string,
    card: { conversationKey: string; activityId: string },
  ): Promise<ActionRequest | undefined> {
    // The executor may bump the version at the same moment: re-read and try again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.deps.store.requests.get(requestId);
      if (!current) return undefined;
      const outcome = await this.deps.store.requests.update(requestId, {
        expectedVersion: current.version,
        patch: { conversationKey: card.conversationKey, activityId: card.activityId },
      });
      if (outcome.ok) return outcome.request;
      if (outcome.reason === 'not-found') return undefined;
    }
    throw new Error(`Could not attach the card to request ${requestId}: it keeps changing`);
  }

  get(requestId: string): Promise<ActionRequest | undefined> {
    return this.deps.store.requests.get(requestId);
  }

  /** Requests not finished yet (waiting, approved, executing), newest first. */
  listOpen(
    filter: { customerId?: string; requesterId?: string; kind?: ActionRequestKind; limit?: number } = {},
  ): Promise<ActionRequest[]> {
    return this.deps.store.requests.list({ ...filter, state: [...OPEN_STATES] });
  }

  /** 'requested' past its expiry → 'expired'. Returns the requests it expired. */
  async expireStale(now: number = this.now()): Promise<ActionRequest[]> {
    const expired: ActionRequest[] = [];
    for (;;) {
      const batch = await this.deps.store.requests.list({
        state: 'requested',
        expiresBefore: now,
        limit: 100,
      });
      for (const request of batch) {
        const done = await this.expire(request, request.correlationId);
        if (done) expired.push(done);
      }
      if (batch.length < 100) return expired;
    }
  }

  private async checkDecision(
    requestId: string,
    caller: Caller,
    correlationId: string,
  ): Promise<
    { ok: true; request: ActionRequest } | { ok: false; reason: DecisionRefusal; request?: ActionRequest }
  > {
    const request = await this.deps.store.requests.get(requestId);
    if (!request) return { ok: false, reason: 'not-found' };
    // The more precise refusal first: a requester is told they cannot decide their own request,
    // whatever their roles.
    if (this.isRequester(request, caller)) return { ok: false, reason: 'own-request', request };
    if (!this.deps.roles.has(caller, 'approver') && !this.deps.roles.has(caller, 'admin')) {
      return { ok: false, reason: 'not-approver', request };
    }
    if (request.state !== 'requested') return { ok: false, reason: 'not-pending', request };
    if (request.expiresAt !== undefined && request.expiresAt <= this.now()) {
      const expired = await this.expire(request, correlationId);
      return {
        ok: false,
        reason: 'not-pending',
        request: expired ?? (await this.deps.store.requests.get(requestId)),
      };
    }
    return { ok: true, request };
  }

  private async expire(request: ActionRequest, correlationId: string): Promise<ActionRequest | undefined> {
    const outcome = await this.deps.store.requests.transition(request.id, {
      from: 'requested',
      to: 'expired',
    });
    if (!outcome.ok) return undefined;
    await this.deps.store.audit.append({
      actorId: 'system',
      actorName: 'request expiry',
      action: 'request.expire',
      requestId: request.id,
      customerId: request.customerId,
      correlationId,
      outcome: 'expired',
    });
    await this.notify(outcome.request, 'expired');
    return outcome.request;
  }

  private lostRace(
    outcome:
      { ok: false; reason: 'not-found' } | { ok: false; reason: 'state-mismatch'; current: ActionRequest },
  ): DecisionResult {
    return outcome.reason === 'not-found'
      ? { ok: false, reason: 'not-found' }
      : { ok: false, reason: 'not-pending', request: outcome.current };
  }

  private isRequester(request: ActionRequest, caller: Caller): boolean {
    const id = caller.aadObjectId?.toLowerCase();
    return id !== undefined && id === request.requesterId.toLowerCase();
  }

  private async audit(
    request: ActionRequest,
    caller: Caller,
    action: string,
    outcome: string,
    correlationId: string,
    details?: JsonObject,
  ): Promise<void> {
    await this.deps.store.audit.append({
      actorId: caller.aadObjectId ?? 'unknown',
      actorName: caller.name,
      action,
      requestId: request.id,
      customerId: request.customerId,
      correlationId,
      outcome,
      details: { kind: request.kind, ...details },
    });
  }

  private notify(request: ActionRequest, event: RequestEvent): Promise<void> {
    return notifySafely(this.deps.notifier, this.logger, request, event);
  }
}
