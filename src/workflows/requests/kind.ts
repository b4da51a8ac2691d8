import type { z } from 'zod';
import type { Logger } from '../../logging';
import type { ActionRequest, Blocker, JsonObject } from '../../store';
import type { Role } from '../roles';

/**
 * A kind of change (purchase, suspend, …) declared in one module: what its payload is, who may ask
 * for it, how it is approved by default, the steps that carry it out and the facts its cards show.
 * The request service, the runner, resume, expiry, audit and notifications go through the registry
 * and never name a kind.
 */
export interface RequestKind<P extends JsonObject = JsonObject> {
  readonly name: string;
  /** Validates what the requester asked for (a card's data is never trusted). */
  readonly payload: z.ZodType<P, z.ZodTypeDef, unknown>;
  /** The role a requester needs. */
  readonly requiredRole: Role;
  /** The default approval policy; configuration may override it per kind. */
  readonly approval: { approvers: number; expiryHours: number };
  /** Run in order; each step's result is stored before the next begins. */
  readonly steps: readonly RequestStep<P>[];
  /** What a card or a message about this request shows, as data (the Teams side words it). */
  facts(request: ActionRequest, payload: P): Fact[];
  /**
   * How long transient failures (throttling, 5xx, timeouts) may keep a request waiting before it
   * fails for a person to look at (default 24 hours).
   */
  readonly retryWindowMs?: number;
  /** The thing a request is about, so that a second open request for it can be noticed (default: the customer). */
  subject?(payload: P): string;
}

export interface RequestStep<P extends JsonObject = JsonObject> {
  /** Stable: checkpoints are stored under it. */
  readonly name: string;
  /**
   * Does the step's work and says what comes next. A step must be idempotent: after a crash it runs
   * again from the start, with the checkpoints of the steps before it.
   */
  run(context: StepContext<P>): Promise<StepResult>;
}

export interface StepContext<P extends JsonObject = JsonObject> {
  request: ActionRequest;
  payload: P;
  /** The stored result of an earlier step. */
  checkpoint(step: string): JsonObject | undefined;
  /** How long this step has been waiting (for the 'wait' results it returned before). */
  poll: PollState;
  correlationId: string;
  /**
   * The MS-RequestId for a Partner Center call of this step: the same on every run of the step
   * within one execution, so a run after a crash repeats the call idempotently.
   */
  pcRequestId(call: string): string;
  /** Aborted when this run no longer owns the request (lease lost, shutting down). */
  signal: AbortSignal;
  now(): number;
  logger: Logger;
  /** Appends an audit record about this request (its actor is the runner). */
  audit(entry: {
    action: string;
    outcome: string;
    details?: JsonObject;
    pcRequestId?: string;
  }): Promise<void>;
}

export interface PollState {
  /** 'wait' results this step returned so far (0 on its first run). */
  polls: number;
  /** When the step first ran (epoch ms). */
  since: number;
  /** The delay the step asked for last time. */
  lastDelayMs?: number;
}

export type StepResult =
  /** The step is done: its checkpoint is stored, the next step follows. A milestone is notified. */
  | { type: 'done'; checkpoint?: JsonObject; milestone?: string }
  /** Not yet (an order still pending): run this step again after the delay; the request stays executing. */
  | { type: 'wait'; delayMs: number }
  /** The change is complete (also what follows the last step's 'done'). */
  | { type: 'succeeded'; result?: JsonObject }
  | { type: 'failed'; failure: RequestFailure };

export const step = {
  done: (checkpoint?: JsonObject, milestone?: string): StepResult => ({
    type: 'done',
    ...(checkpoint ? { checkpoint } : {}),
    ...(milestone ? { milestone } : {}),
  }),
  wait: (delayMs: number): StepResult => ({ type: 'wait', delayMs: Math.max(1, Math.round(delayMs)) }),
  succeeded: (result?: JsonObject): StepResult => ({ type: 'succeeded', ...(result ? { result } : {}) }),
  failed: (failure: RequestFailure): StepResult => ({ type: 'failed', failure }),
};

/**
 * The change cannot be made as asked: the request fails with this code. `blockers` say what stands
 * in the way (an active Azure subscription, a reservation) for the card to list with what to do first.
 */
export class RequestFailure extends Error {
  readonly details: JsonObject;
  readonly blockers?: Blocker[];
  readonly pcRequestId?: string;

  constructor(
    readonly code: string,
    message: string,
    extra: { details?: JsonObject; blockers?: Blocker[]; pcRequestId?: string } = {},
  ) {
    super(message);
    this.name = 'RequestFailure';
    this.details = extra.details ?? {};
    if (extra.blockers) this.blockers = extra.blockers;
    if (extra.pcRequestId) this.pcRequestId = extra.pcRequestId;
  }
}

/**
 * A fact about a request, as data. `key` names it (the Teams side finds its label under
 * `kinds.<kind>.facts.<key>`, or `request.facts.<key>` for the common ones); the value is formatted
 * for the reader's locale.
 */
export interface Fact {
  key: string;
  value: FactValue;
}

export type FactValue =
  | string
  | number
  | { type: 'date'; at: number | string }
  | { type: 'money'; amount: number; currency: string }
  | { type: 'list'; items: string[] }
  /** Nothing set (no budget): worded "none". */
  | { type: 'none' }
  /** A value with words of its own in the catalog, e.g. a billing cycle or a Partner Center status. */
  | { type: 'term'; set: 'billingCycle' | 'subscriptionStatus' | 'orderStatus'; value: string };

/** The kinds this instance knows; a name can be registered once. */
export class KindRegistry {
  private readonly kinds = new Map<string, RequestKind>();

  register<P extends JsonObject>(kind: RequestKind<P>): this {
    if (this.kinds.has(kind.name)) throw new Error(`Request kind "${kind.name}" is registered twice`);
    if (kind.steps.length === 0) throw new Error(`Request kind "${kind.name}" has no steps`);
    const names = new Set(kind.steps.map((s) => s.name));
    if (names.size !== kind.steps.length) throw new Error(`Request kind "${kind.name}" repeats a step name`);
    this.kinds.set(kind.name, kind as unknown as RequestKind);
    return this;
  }

  get(name: string): RequestKind | undefined {
    return this.kinds.get(name);
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }
}
