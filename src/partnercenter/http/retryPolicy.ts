import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import { PartnerCenterError } from '../errors';

export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** First backoff delay before jitter (default 500 ms). */
  initialDelayMs?: number;
  /** Longest single backoff delay (default 10 s); a longer Retry-After still wins. */
  maxDelayMs?: number;
  /** No new attempt starts after this much time since the call began (default 60 s). */
  maxElapsedMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  maxRetries: 4,
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxElapsedMs: 60_000,
};

/**
 * Why a failed attempt may be tried again:
 * - throttled: 429, the service did not do the work; wait at least Retry-After;
 * - notSent: the connection was refused, the request never left;
 * - server / transport / busyCode: 5xx, timeout or reset, or a code the operation declares as
 *   "busy": the work may have happened, so only idempotent operations repeat it;
 * - cleared: a non-idempotent operation whose guard confirmed the work did not happen.
 */
export type RetryReason = 'throttled' | 'notSent' | 'server' | 'transport' | 'busyCode' | 'cleared';

const reasons = new WeakMap<PartnerCenterError, RetryReason>();

export function markRetryable<E extends PartnerCenterError>(error: E, reason: RetryReason): E {
  reasons.set(error, reason);
  return error;
}

export function retryReason(error: unknown): RetryReason | undefined {
  return error instanceof PartnerCenterError ? reasons.get(error) : undefined;
}

/** The work may or may not have been done. */
export function isAmbiguous(reason: RetryReason | undefined): boolean {
  return reason === 'server' || reason === 'transport' || reason === 'busyCode';
}

function retryAfterMs(context: IRetryBackoffContext<unknown>): number {
  if (!('error' in context.result)) return 0;
  const error = context.result.error;
  return error instanceof PartnerCenterError && error.retryAfterSeconds !== undefined
    ? error.retryAfterSeconds * 1000
    : 0;
}

/**
 * Jittered exponential backoff (cockatiel's decorrelated jitter) that never waits less than the
 * service's Retry-After and never plans a wait past the call's deadline.
 */
class DeadlineAwareBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly exponential: IBackoffFactory<unknown>,
    private readonly deadline: number,
    private readonly now: () => number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return this.step(this.exponential.next(undefined), context);
  }

  private step(
    inner: IBackoff<unknown>,
    context: IRetryBackoffContext<unknown>,
  ): IBackoff<IRetryBackoffContext<unknown>> {
    const remaining = Math.max(0, this.deadline - this.now());
    const duration = Math.max(retryAfterMs(context), Math.min(inner.duration, remaining));
    return { duration, next: (nextContext) => this.step(inner.next(nextContext), nextContext) };
  }
}

export interface CallRetryPolicyInput {
  options: ResolvedRetryOptions;
  idempotent: boolean;
  startedAt: number;
  now: () => number;
  /** The deadline of the work the call belongs to (a person waiting), when sooner than the policy's. */
  deadlineAt?: number;
}

/** The retry policy of one logical call (its deadline starts with the call, or is the work's). */
export function callRetryPolicy({
  options,
  idempotent,
  startedAt,
  now,
  deadlineAt,
}: CallRetryPolicyInput): RetryPolicy {
  const deadline = Math.min(startedAt + options.maxElapsedMs, deadlineAt ?? Number.POSITIVE_INFINITY);
  const shouldRetry = (error: Error): boolean => {
    const reason = retryReason(error);
    if (reason === undefined) return false;
    const remaining = deadline - now();
    if (remaining <= 0) return false;
    if (reason === 'throttled') {
      const wait = error instanceof PartnerCenterError ? (error.retryAfterSeconds ?? 0) * 1000 : 0;
      return wait <= remaining;
    }
    if (reason === 'notSent' || reason === 'cleared') return true;
    return idempotent;
  };
  return retry(handleWhen(shouldRetry), {
    maxAttempts: options.maxRetries,
    backoff: new DeadlineAwareBackoff(
      new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
      deadline,
      now,
    ),
  });
}
