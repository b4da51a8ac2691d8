import type { Logger } from '../../logging';
import { silentLogger } from '../../logging';
import type {
  ActionRequest,
  ActionRequestFilter,
  ActionRequestState,
  EffectsOf,
  JsonObject,
  RequestApproval,
  Store,
} from '../../store';
import type { Caller, RolePolicy } from '../roles';
import { noticeTask, type RequestEvent } from './events';
import type { KindRegistry } from './kind';
import type { ApprovalPolicies } from './policy';
import { runTask } from './runner';
import type { WorkScheduler } from './workQueue';

export interface RequestServiceDeps {
  store: Store;
  roles: RolePolicy;
  kinds: KindRegistry;
  policies: ApprovalPolicies;
  /** Looks at new work soon (the request runner, notices). */
  work?: WorkScheduler;
  now?: () => number;
  logger?: Logger;
}

export const OPEN_STATES: readonly ActionRequestState[] = ['requested', 'approved', 'executing'];
export const MAX_REJECTION_REASON_LENGTH = 500;

export type CreateResult =
  | { ok: true; request: ActionRequest }
  | { ok: false; reason: 'forbidden' | 'unknown-kind' }
  | { ok: false; reason: 'invalid-payload'; issues: string[] };

export type DecisionRefusal =
  | 'not-found'
  | 'not-approver'
  | 'own-request'
  /** Decided already (a replay after the decision), or in a state where the verb does not apply. */
  | 'not-pending'
  | 'already-approved'
  /** Past its expiry: expired now if it was still waiting. */
  | 'expired'
  /** Made in another tenant than the caller's. */
  | 'other-tenant'
  /** The card the caller acted on showed an older version of the request. */
  | 'stale-card';

/** What the caller saw: a decision taken on a card older than the request is refused. */
export interface DecisionOptions {
  expectedVersion?: number;
}
export type DecisionResult =
  | { ok: true; request: ActionRequest; /** false: the policy needs more approvers. */ complete: boolean }
  | { ok: false; reason: DecisionRefusal; request?: ActionRequest };
export type RejectResult =
  | { ok: true; request: ActionRequest }
  | { ok: false; reason: DecisionRefusal | 'invalid-reason'; request?: ActionRequest };

export type CancelResult =
  | { ok: true; request: ActionRequest }
  | {
      ok: false;
      reason: 'not-found' | 'not-requester' | 'not-pending' | 'stale-card' | 'expired' | 'other-tenant';
      request?: ActionRequest;
    };

export interface NewRequestInput {
  kind: string;
  caller: Caller;
  customerId: string;
  customerName: string;
  /** Untrusted until the kind's schema has parsed it. */
  payload: unknown;
  conversationKey?: string;
  correlationId: string;
}

/**
 * The life cycle of change requests up to execution, for every kind: create, approve (one or more
 * distinct approvers, as the kind's policy says), reject, cancel, expire. Every transition is a
 * compare-and-set in the store written with its audit record and its notice in one transaction.
 * Roles come from the Caller the Teams layer builds from the activity, never from card data; a
 * requester never decides their own request.
 */
export class RequestService {
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly deps: RequestServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger ?? silentLogger();
  }

  /** How many approvers a new request of this kind needs under its policy (undefined: no such kind). */
  approversNeeded(kindName: string): number | undefined {
    const kind = this.deps.kinds.get(kindName);
    return kind ? this.deps.policies.for(kind).approvers : undefined;
  }

  /** Creates a request: 'requested', or 'approved' (and queued to run) when its policy needs no approver. */
  async create(input: NewRequestInput): Promise<CreateResult> {
    const kind = this.deps.kinds.get(input.kind);
    if (!kind) return { ok: false, reason: 'unknown-kind' };
    const { caller } = input;
    const requesterId = caller.aadObjectId;
    if (!requesterId || !(await this.deps.roles.has(caller, kind.requiredRole))) {
      await this.auditRefusal(caller, 'request.create', 'forbidden', input.correlationId, {
        customerId: input.customerId,
        customerName: input.customerName,
        kind: kind.name,
        conversationId: input.conversationKey,
      });
      return { ok: false, reason: 'forbidden' };
    }
    const parsed = kind.payload.safeParse(input.payload);
    if (!parsed.success) {
      return {
        ok: false,
        reason: 'invalid-payload',
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      };
    }
    const policy = this.deps.policies.for(kind);
    const needsApproval = policy.approvers > 0;
    const request = await this.deps.store.requests.create(
      {
        kind: kind.name,
        state: needsApproval ? 'requested' : 'approved',
        customerId: input.customerId,
        customerName: input.customerName,
        requesterId,
        requesterName: caller.name,
        payload: roundTrip(parsed.data),
        policy,
        conversationKey: input.conversationKey,
        correlationId: input.correlationId,
        expiresAt: needsApproval ? this.now() + policy.expiryHours * 3_600_000 : undefined,
        tenantId: caller.tenantId,
      },
      this.effects(
        caller,
        'request.create',
        needsApproval ? 'requested' : 'auto-approved',
        input.correlationId,
        'created',
        {
          run: !needsApproval,
        },
      ),
    );
    this.deps.work?.kick();
    return { ok: true, request };
  }

  /**
   * Records the caller's approval. When it is the last one the policy needs, the request is approved
   * and queued to run; before that it keeps waiting. The same person approving twice counts once.
   */
  async approve(
    requestId: string,
    caller: Caller,
    correlationId: string,
    options: DecisionOptions = {},
  ): Promise<DecisionResult> {
    for (let attempt = 0; attempt < 10; attempt++) {
      // The card's version holds for the first look only: a retry after a concurrent change is ours.
      const checked = await this.checkDecision(
        requestId,
        caller,
        correlationId,
        attempt === 0 ? options : {},
      );
      if (!checked.ok) return this.refused(caller, 'request.approve', correlationId, checked);
      const request = checked.request;
      const approverId = caller.aadObjectId as string;
      if (request.approvals.some((a) => a.id.toLowerCase() === approverId.toLowerCase())) {
        return this.refused(caller, 'request.approve', correlationId, {
          ok: false,
          reason: 'already-approved' as const,
          request,
        });
      }
      const approvals: RequestApproval[] = [
        ...request.approvals,
        { id: approverId, name: caller.name, at: this.now() },
      ];
      const needed = Math.max(1, request.policy?.approvers ?? 1);
      if (approvals.length < needed) {
        const outcome = await this.deps.store.requests.update(
          requestId,
          { expectedVersion: request.version, patch: { approvals } },
          this.effects(caller, 'request.approve', 'approval-recorded', correlationId, 'approval-recorded', {
            details: { approvals: approvals.length, needed },
          }),
        );
        if (outcome.ok) {
          this.deps.work?.kick();
          return { ok: true, request: outcome.request, complete: false };
        }
        if (outcome.reason === 'not-found') return { ok: false, reason: 'not-found' };
        continue;
      }
      const outcome = await this.deps.store.requests.transition(
        requestId,
        {
          from: 'requested',
          to: 'approved',
          expectedVersion: request.version,
          patch: { approvals, approverId, approverName: caller.name },
        },
        this.effects(caller, 'request.approve', 'approved', correlationId, 'approved', {
          run: true,
          details: { approvals: approvals.length, needed },
        }),
      );
      if (outcome.ok) {
        this.deps.work?.kick();
        return { ok: true, request: outcome.request, complete: true };
      }
      if (outcome.reason === 'not-found') return { ok: false, reason: 'not-found' };
      if (outcome.current.state !== 'requested')
        return this.refused(caller, 'request.approve', correlationId, {
          ok: false,
          reason: 'not-pending' as const,
          request: outcome.current,
        });
    }
    throw new Error(`Request ${requestId} keeps changing; approval not recorded`);
  }

  async reject(
    requestId: string,
    caller: Caller,
    reason: string,
    correlationId: string,
    options: DecisionOptions = {},
  ): Promise<RejectResult> {
    const text = reason.trim();
    const checked = await this.checkDecision(requestId, caller, correlationId, options);
    if (!checked.ok) return this.refused(caller, 'request.reject', correlationId, checked);
    if (text === '' || text.length > MAX_REJECTION_REASON_LENGTH) {
      return this.refused(caller, 'request.reject', correlationId, {
        ok: false,
        reason: 'invalid-reason' as const,
        request: checked.request,
      });
    }
    const outcome = await this.deps.store.requests.transition(
      requestId,
      {
        from: 'requested',
        to: 'rejected',
        patch: { approverId: caller.aadObjectId, approverName: caller.name, reason: text },
      },
      this.effects(caller, 'request.reject', 'rejected', correlationId, 'rejected', {
        details: { reason: text },
      }),
    );
    if (!outcome.ok) return this.refused(caller, 'request.reject', correlationId, this.lostRace(outcome));
    this.deps.work?.kick();
    return { ok: true, request: outcome.request };
  }

  /** Only the requester (or an admin), only while the request waits for a decision. */
  async cancel(
    requestId: string,
    caller: Caller,
    correlationId: string,
    options: DecisionOptions = {},
  ): Promise<CancelResult> {
    const refuse = (refusal: Extract<CancelResult, { ok: false }>) =>
      this.refused(caller, 'request.cancel', correlationId, refusal);
    const request = await this.deps.store.requests.get(requestId);
    if (!request) return refuse({ ok: false, reason: 'not-found' });
    if (!sameTenant(request, caller)) return refuse({ ok: false, reason: 'other-tenant', request });
    if (!isRequester(request, caller) && !(await this.deps.roles.has(caller, 'admin'))) {
      return refuse({ ok: false, reason: 'not-requester', request });
    }
    if (request.state !== 'requested') return refuse({ ok: false, reason: 'not-pending', request });
    if (request.expiresAt !== undefined && request.expiresAt <= this.now()) {
      const expired = await this.expire(request, correlationId);
      return refuse({
        ok: false,
        reason: 'expired',
        request: expired ?? (await this.deps.store.requests.get(requestId)),
      });
    }
    if (options.expectedVersion !== undefined && options.expectedVersion !== request.version) {
      return refuse({ ok: false, reason: 'stale-card', request });
    }
    const outcome = await this.deps.store.requests.transition(
      requestId,
      { from: 'requested', to: 'cancelled', expectedVersion: request.version },
      this.effects(caller, 'request.cancel', 'cancelled', correlationId, 'cancelled'),
    );
    if (!outcome.ok) {
      return outcome.reason === 'not-found'
        ? refuse({ ok: false, reason: 'not-found' })
        : refuse({
            ok: false,
            reason: outcome.current.state === 'requested' ? 'stale-card' : 'not-pending',
            request: outcome.current,
          });
    }
    this.deps.work?.kick();
    return { ok: true, request: outcome.request };
  }

  /** Remembers where the request's card lives, so every later change updates it in place. */
  async attachCard(
    requestId: string,
    card: { conversationKey: string; activityId: string },
  ): Promise<ActionRequest | undefined> {
    // The runner may bump the version at the same moment: re-read and try again.
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
  listOpen(filter: Omit<ActionRequestFilter, 'state' | 'expiresBefore'> = {}): Promise<ActionRequest[]> {
    return this.deps.store.requests.list({ ...filter, state: [...OPEN_STATES] });
  }

  /**
   * The newest open request of one of these kinds for a customer, in the caller's tenant (a
   * duplicate to warn of). A caller without a tenant sees none: nothing of another tenant is shown.
   */
  async openFor(
    kinds: readonly string[],
    customerId: string,
    caller: Pick<Caller, 'tenantId'>,
  ): Promise<ActionRequest | undefined> {
    if (!caller.tenantId) return undefined;
    const [newest] = await this.listOpen({ kind: kinds, customerId, tenantId: caller.tenantId, limit: 1 });
    return newest;
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
      if (batch.length < 100) {
        if (expired.length > 0) this.deps.work?.kick();
        return expired;
      }
    }
  }

  /**
   * Makes sure every request that should be running has its work item (a crash between a decision
   * and its work item, data from before the runner): safe to repeat; run at start-up and now and then.
   */
  async ensureRunning(): Promise<number> {
    const open = await this.deps.store.requests.list({ state: ['approved', 'executing'], limit: 1000 });
    let added = 0;
    for (const request of open) {
      if (await this.deps.store.watches.insertIfAbsent(runTask(request.id, this.now()))) added += 1;
    }
    if (added > 0) {
      this.logger.info({ added }, 'requests queued to run again');
      this.deps.work?.kick();
    }
    return added;
  }

  private async checkDecision(
    requestId: string,
    caller: Caller,
    correlationId: string,
    options: DecisionOptions = {},
  ): Promise<
    { ok: true; request: ActionRequest } | { ok: false; reason: DecisionRefusal; request?: ActionRequest }
  > {
    const request = await this.deps.store.requests.get(requestId);
    if (!request) return { ok: false, reason: 'not-found' };
    if (!sameTenant(request, caller)) return { ok: false, reason: 'other-tenant', request };
    // The more precise refusal first: a requester is told they cannot decide their own request,
    // whatever their roles.
    if (isRequester(request, caller)) return { ok: false, reason: 'own-request', request };
    if (!caller.aadObjectId || !(await this.deps.roles.has(caller, 'approver'))) {
      return { ok: false, reason: 'not-approver', request };
    }
    if (request.state !== 'requested') return { ok: false, reason: 'not-pending', request };
    if (request.expiresAt !== undefined && request.expiresAt <= this.now()) {
      const expired = await this.expire(request, correlationId);
      return {
        ok: false,
        reason: 'expired',
        request: expired ?? (await this.deps.store.requests.get(requestId)),
      };
    }
    if (options.expectedVersion !== undefined && options.expectedVersion !== request.version) {
      return { ok: false, reason: 'stale-card', request };
    }
    return { ok: true, request };
  }

  private async expire(request: ActionRequest, correlationId: string): Promise<ActionRequest | undefined> {
    const outcome = await this.deps.store.requests.transition(
      request.id,
      { from: 'requested', to: 'expired' },
      this.effects(
        { aadObjectId: 'system', name: 'request expiry' },
        'request.expire',
        'expired',
        correlationId,
        'expired',
      ),
    );
    return outcome.ok ? outcome.request : undefined;
  }

  private lostRace(
    outcome:
      { ok: false; reason: 'not-found' } | { ok: false; reason: 'state-mismatch'; current: ActionRequest },
  ): { ok: false; reason: DecisionRefusal; request?: ActionRequest } {
    return outcome.reason === 'not-found'
      ? { ok: false, reason: 'not-found' }
      : { ok: false, reason: 'not-pending', request: outcome.current };
  }

  /**
   * Records a refusal in the audit trail (`<action>.refused`, the reason as its outcome) and hands
   * it back. A refused action changes nothing else.
   */
  private async refused<R extends { ok: false; reason: string; request?: ActionRequest }>(
    caller: Caller,
    action: string,
    correlationId: string,
    refusal: R,
  ): Promise<R> {
    const request = refusal.request;
    await this.auditRefusal(caller, action, refusal.reason, correlationId, {
      requestId: request?.id,
      customerId: request?.customerId,
      customerName: request?.customerName,
      kind: request?.kind,
      conversationId: request?.conversationKey,
    });
    return refusal;
  }

  private async auditRefusal(
    caller: Caller,
    action: string,
    reason: string,
    correlationId: string,
    about: {
      requestId?: string;
      customerId?: string;
      customerName?: string;
      kind?: string;
      conversationId?: string;
    },
  ): Promise<void> {
    try {
      await this.deps.store.audit.append({
        actorId: caller.aadObjectId ?? 'unknown',
        actorName: caller.name,
        action: `${action}.refused`,
        outcome: reason,
        correlationId,
        tenantId: caller.tenantId,
        ...about,
      });
    } catch (error) {
      this.logger.error({ err: error, action, reason, correlationId }, 'could not audit a refusal');
    }
  }

  /** The audit record and the notice of a change, and the runner's work item when it should run. */
  private effects(
    caller: Caller,
    action: string,
    outcome: string,
    correlationId: string,
    event: RequestEvent,
    options: { run?: boolean; details?: JsonObject } = {},
  ): EffectsOf {
    return (request) => {
      const now = this.now();
      return {
        audit: [
          {
            actorId: caller.aadObjectId ?? 'unknown',
            actorName: caller.name,
            action,
            requestId: request.id,
            customerId: request.customerId,
            customerName: request.customerName,
            kind: request.kind,
            tenantId: caller.tenantId ?? request.tenantId,
            conversationId: request.conversationKey,
            correlationId,
            outcome,
            details: { kind: request.kind, ...options.details },
          },
        ],
        tasks: [noticeTask(request, { event }, now), ...(options.run ? [runTask(request.id, now)] : [])],
      };
    };
  }
}

/** A request made in a tenant (0006 on) is decided from that tenant only. */
function sameTenant(request: ActionRequest, caller: Caller): boolean {
  if (request.tenantId === undefined) return true;
  return caller.tenantId?.toLowerCase() === request.tenantId.toLowerCase();
}

function isRequester(request: ActionRequest, caller: Caller): boolean {
  const id = caller.aadObjectId?.toLowerCase();
  return id !== undefined && id === request.requesterId.toLowerCase();
}

/** What the store will give back: undefined fields vanish. */
function roundTrip(value: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}
