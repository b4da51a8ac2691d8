import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type {
  ActionRequest,
  ActionRequestError,
  EffectsOf,
  JsonObject,
  RequestExecution,
  Store,
  Watch,
} from '../../store';
import { noticeTask, type RequestNotice } from './events';
import { judgeFailure } from './failures';
import { stableRequestId } from './ids';
import { RequestFailure, type KindRegistry, type PollState, type RequestKind, type StepResult } from './kind';
import type { TaskContext, TaskHandler, TaskOutcome } from './workQueue';

export const RUN_TASK = 'request';
const ACTOR = 'system:request-runner';
const DEFAULT_RETRY_WINDOW_MS = 24 * 60 * 60_000;
/** Waits after transient failures: 5 s, 15 s, 45 s, then every 2 minutes, and never less than a Retry-After. */
const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5_000, 15_000, 45_000, 120_000];

/** The work item that runs a request (one per request, due now). */
export function runTask(requestId: string, now: number): Parameters<Store['watches']['upsert']>[0] {
  return { id: `${RUN_TASK}:${requestId}`, kind: RUN_TASK, requestId, payload: {}, nextRunAt: now };
}

const taskPayloadSchema = z
  .object({
    poll: z
      .object({
        step: z.string(),
        polls: z.number().int().nonnegative(),
        since: z.number(),
        lastDelayMs: z.number().optional(),
      })
      .optional(),
    retrySince: z.number().optional(),
    retries: z.number().int().nonnegative().optional(),
  })
  .passthrough();
type TaskPayload = z.infer<typeof taskPayloadSchema>;

/** Where a run stands, for observers (tests freeze a run there to play a crash). */
export type RunPoint =
  | { point: 'claimed'; request: ActionRequest }
  | { point: 'step-ran'; step: string; result: StepResult; request: ActionRequest }
  | { point: 'step-recorded'; step: string; request: ActionRequest }
  | { point: 'ended'; request: ActionRequest };

export interface RequestRunnerDeps {
  store: Store;
  kinds: KindRegistry;
  now?: () => number;
  retryDelaysMs?: readonly number[];
  /** Told of each point of a run (awaited). */
  observe?: (point: RunPoint) => void | Promise<void>;
}

type Ended = { type: 'done' };
const DONE: Ended = { type: 'done' };

/**
 * Runs approved requests, whatever their kind: claims the request (approved → executing), runs the
 * kind's steps from the last stored checkpoint, stores each step's result before the next begins,
 * and records exactly one outcome. Each run holds the request's work item, so two instances never
 * run one request; a crashed run is taken up again from its checkpoints.
 */
export class RequestRunner implements TaskHandler {
  readonly kind = RUN_TASK;
  private readonly now: () => number;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly deps: RequestRunnerDeps) {
    this.now = deps.now ?? Date.now;
    this.retryDelaysMs = deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  async handle(task: Watch, context: TaskContext): Promise<TaskOutcome> {
    if (!task.requestId) return DONE;
    const request = await this.deps.store.requests.get(task.requestId);
    if (!request || (request.state !== 'approved' && request.state !== 'executing')) return DONE;
    const logger = context.logger.child({ requestId: request.id, kind: request.kind });
    const kind = this.deps.kinds.get(request.kind);
    if (!kind) {
      return this.fail(
        request,
        new RequestFailure('unknown-kind', `No request kind "${request.kind}" here`),
        {
          ...context,
          logger,
        },
      );
    }
    const parsed = kind.payload.safeParse(request.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = `The request's ${request.kind} payload is invalid at "${issue?.path.join('.')}": ${issue?.message}`;
      return this.fail(request, new RequestFailure('invalid-payload', message), { ...context, logger });
    }
    const payload = parseTaskPayload(task.payload);
    let current = request;
    if (current.state === 'approved') {
      const claimed = await this.claim(current, context.correlationId);
      if (!claimed) return DONE;
      current = claimed;
    }
    return this.drive(kind, current, parsed.data, payload, { ...context, logger });
  }

  private async claim(request: ActionRequest, correlationId: string): Promise<ActionRequest | undefined> {
    const execution: RequestExecution = { attemptId: randomUUID(), claimedAt: this.now(), checkpoints: {} };
    const outcome = await this.deps.store.requests.transition(
      request.id,
      { from: 'approved', to: 'executing', patch: { execution } },
      this.effects(
        'request.claim',
        'executing',
        correlationId,
        { event: 'executing' },
        { attemptId: execution.attemptId },
      ),
    );
    if (!outcome.ok) return undefined;
    await this.deps.observe?.({ point: 'claimed', request: outcome.request });
    return outcome.request;
  }

  private async drive(
    kind: RequestKind,
    start: ActionRequest,
    payload: JsonObject,
    task: TaskPayload,
    context: TaskContext,
  ): Promise<TaskOutcome> {
    let request = start;
    try {
      for (;;) {
        const checkpoints = request.execution?.checkpoints ?? {};
        const next = kind.steps.find((s) => checkpoints[s.name] === undefined);
        if (!next) {
          const last = kind.steps[kind.steps.length - 1];
          return await this.succeed(request, checkpoints[last.name]?.data ?? {}, context);
        }
        if (context.signal.aborted) return { type: 'retry', delayMs: 0 };
        const poll: PollState =
          task.poll && task.poll.step === next.name
            ? { polls: task.poll.polls, since: task.poll.since, lastDelayMs: task.poll.lastDelayMs }
            : { polls: 0, since: this.now() };
        const snapshot = request;
        const result = await next.run({
          request: snapshot,
          payload,
          checkpoint: (name) => snapshot.execution?.checkpoints[name]?.data,
          poll,
          correlationId: context.correlationId,
          pcRequestId: (call) =>
            stableRequestId(snapshot.id, snapshot.execution?.attemptId ?? '', next.name, call),
          signal: context.signal,
          now: this.now,
          logger: context.logger.child({ step: next.name }),
          audit: (entry) => this.audit(snapshot, entry, context.correlationId),
        });
        await this.deps.observe?.({ point: 'step-ran', step: next.name, result, request });
        if (context.signal.aborted) return { type: 'retry', delayMs: 0 };
        switch (result.type) {
          case 'wait':
            return {
              type: 'retry',
              delayMs: result.delayMs,
              payload: {
                poll: {
                  step: next.name,
                  polls: poll.polls + 1,
                  since: poll.since,
                  lastDelayMs: result.delayMs,
                },
              },
            };
          case 'succeeded':
            return await this.succeed(request, result.result ?? {}, context);
          case 'failed':
            return await this.fail(request, result.failure, context);
          case 'done': {
            // The last step's result is the request's: one transition, no checkpoint of its own.
            if (next === kind.steps[kind.steps.length - 1]) {
              return await this.succeed(request, result.checkpoint ?? {}, context);
            }
            const recorded = await this.record(request, next.name, result, context);
            if (!recorded) return DONE;
            request = recorded;
            await this.deps.observe?.({ point: 'step-recorded', step: next.name, request });
          }
        }
      }
    } catch (error) {
      const verdict = judgeFailure(error);
      if (verdict.type === 'fail') {
        if (verdict.failure.code === 'internal')
          context.logger.error({ err: error }, 'a request step failed unexpectedly');
        return this.fail(request, verdict.failure, context);
      }
      return this.retryLater(kind, request, task, verdict, context);
    }
  }

  /**
   * Stores a step's checkpoint. If another run stored this step first (it lost its claim while we
   * worked), its checkpoint is THE result and ours is dropped: a second cart is never the cart.
   */
  private async record(
    request: ActionRequest,
    stepName: string,
    result: Extract<StepResult, { type: 'done' }>,
    context: TaskContext,
  ): Promise<ActionRequest | undefined> {
    let current = request;
    for (let attempt = 0; attempt < 10; attempt++) {
      const execution = current.execution;
      if (
        current.state !== 'executing' ||
        !execution ||
        execution.attemptId !== request.execution?.attemptId
      ) {
        return undefined;
      }
      if (execution.checkpoints[stepName] !== undefined) {
        context.logger.warn({ step: stepName }, 'another run stored this step first; keeping its result');
        return current;
      }
      const next: RequestExecution = {
        ...execution,
        checkpoints: {
          ...execution.checkpoints,
          [stepName]: { at: this.now(), data: result.checkpoint ?? {} },
        },
      };
      delete next.lastError;
      const outcome = await this.deps.store.requests.update(
        current.id,
        { expectedVersion: current.version, patch: { execution: next } },
        this.effects(
          'request.step',
          'done',
          context.correlationId,
          result.milestone ? { event: 'progress', milestone: result.milestone } : undefined,
          { step: stepName, ...(result.milestone ? { milestone: result.milestone } : {}) },
        ),
      );
      if (outcome.ok) return outcome.request;
      if (outcome.reason === 'not-found') return undefined;
      current = outcome.current;
    }
    throw new Error(`Request ${request.id} keeps changing; step ${stepName} not recorded`);
  }

  private async succeed(request: ActionRequest, result: JsonObject, context: TaskContext): Promise<Ended> {
    const outcome = await this.deps.store.requests.transition(
      request.id,
      { from: 'executing', to: 'succeeded', patch: { result } },
      this.effects('request.succeed', 'succeeded', context.correlationId, { event: 'succeeded' }),
    );
    if (outcome.ok) await this.deps.observe?.({ point: 'ended', request: outcome.request });
    return DONE;
  }

  private async fail(request: ActionRequest, failure: RequestFailure, context: TaskContext): Promise<Ended> {
    const error: ActionRequestError = {
      ...failure.details,
      code: failure.code,
      message: failure.message,
      errorId: context.correlationId,
      ...(failure.blockers ? { blockers: failure.blockers } : {}),
      ...(failure.pcRequestId ? { pcRequestId: failure.pcRequestId } : {}),
    };
    const outcome = await this.deps.store.requests.transition(
      request.id,
      { from: ['approved', 'executing'], to: 'failed', patch: { error } },
      this.effects(
        'request.fail',
        'failed',
        context.correlationId,
        { event: 'failed' },
        {
          code: failure.code,
          ...(failure.blockers ? { blockers: failure.blockers.length } : {}),
        },
        failure.pcRequestId,
      ),
    );
    if (outcome.ok) {
      context.logger.info({ code: failure.code }, 'request failed');
      await this.deps.observe?.({ point: 'ended', request: outcome.request });
    }
    return DONE;
  }

  /** Partner Center is busy, throttling or unreachable: note it and try again later, up to the kind's window. */
  private async retryLater(
    kind: RequestKind,
    request: ActionRequest,
    task: TaskPayload,
    verdict: Extract<ReturnType<typeof judgeFailure>, { type: 'retry' }>,
    context: TaskContext,
  ): Promise<TaskOutcome> {
    const since = task.retrySince ?? this.now();
    const window = kind.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS;
    if (this.now() - since >= window) {
      return this.fail(
        request,
        new RequestFailure('gave-up', `Partner Center kept failing (${verdict.code}: ${verdict.message})`, {
          details: { lastCode: verdict.code },
          ...(verdict.pcRequestId ? { pcRequestId: verdict.pcRequestId } : {}),
        }),
        context,
      );
    }
    const retries = task.retries ?? 0;
    const delayMs = Math.max(
      this.retryDelaysMs[Math.min(retries, this.retryDelaysMs.length - 1)] ?? 0,
      verdict.retryAfterMs ?? 0,
    );
    const latest = (await this.deps.store.requests.get(request.id)) ?? request;
    const deferrals = (latest.execution?.deferrals ?? 0) + 1;
    if (latest.state === 'executing' && latest.execution) {
      await this.deps.store.requests.update(
        latest.id,
        {
          expectedVersion: latest.version,
          patch: {
            execution: {
              ...latest.execution,
              deferrals,
              lastError: { code: verdict.code, message: verdict.message },
            },
          },
        },
        this.effects(
          'request.defer',
          'deferred',
          context.correlationId,
          undefined,
          { code: verdict.code, delayMs },
          verdict.pcRequestId,
        ),
      );
    }
    context.logger.warn({ code: verdict.code, delayMs }, 'request step deferred');
    return { type: 'retry', delayMs, payload: { ...task, retrySince: since, retries: retries + 1 } };
  }

  private effects(
    action: string,
    outcome: string,
    correlationId: string,
    notice?: RequestNotice,
    details: JsonObject = {},
    pcRequestId?: string,
  ): EffectsOf {
    return (request) => ({
      audit: [
        {
          actorId: ACTOR,
          actorName: 'request runner',
          action,
          requestId: request.id,
          ...aboutRequest(request),
          correlationId,
          ...(pcRequestId ? { pcRequestId } : {}),
          outcome,
          details: { kind: request.kind, ...details },
        },
      ],
      tasks: notice ? [noticeTask(request, notice, this.now())] : [],
    });
  }

  private async audit(
    request: ActionRequest,
    entry: { action: string; outcome: string; details?: JsonObject; pcRequestId?: string },
    correlationId: string,
  ): Promise<void> {
    await this.deps.store.audit.append({
      actorId: ACTOR,
      actorName: 'request runner',
      action: entry.action,
      requestId: request.id,
      ...aboutRequest(request),
      correlationId,
      ...(entry.pcRequestId ? { pcRequestId: entry.pcRequestId } : {}),
      outcome: entry.outcome,
      details: { kind: request.kind, approverId: request.approverId ?? null, ...entry.details },
    });
  }
}

/** What every audit record of a request's run says about it: its customer, kind, tenant and conversation. */
function aboutRequest(request: ActionRequest) {
  return {
    customerId: request.customerId,
    customerName: request.customerName,
    kind: request.kind,
    tenantId: request.tenantId,
    conversationId: request.conversationKey,
  };
}

function parseTaskPayload(raw: JsonObject): TaskPayload {
  const parsed = taskPayloadSchema.safeParse(raw);
  return parsed.success ? parsed.data : {};
}
