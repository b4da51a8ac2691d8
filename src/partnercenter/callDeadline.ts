import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A time by which every Partner Center call made inside some work must have answered, without
 * passing it through every function: interactive work (a person waiting in a chat) runs inside
 * `withCallDeadline`; background work runs without one. A call that cannot start in time (its
 * family's budget is spent for the window) or whose next retry would end after the deadline fails
 * at once with code 'busy' and the seconds after which trying again makes sense. Calls with a
 * deadline also go before background calls waiting for the same family.
 */
const storage = new AsyncLocalStorage<{ deadlineAt: number }>();

export function withCallDeadline<T>(deadlineAt: number, work: () => Promise<T>): Promise<T> {
  return storage.run({ deadlineAt }, work);
}

/** The deadline of the work this call belongs to (epoch ms), if it has one. */
export function currentCallDeadline(): number | undefined {
  return storage.getStore()?.deadlineAt;
}

/** How long one attempt may take: its own timeout, cut to what is left before the deadline (never below a second). */
export function attemptTimeoutMs(timeoutMs: number, deadlineAt: number | undefined): number {
  return deadlineAt === undefined ? timeoutMs : Math.min(timeoutMs, Math.max(1_000, deadlineAt - Date.now()));
}

/**
 * Runs `work` outside any deadline: background work a turn sets off (a work-queue pass, a cache
 * refresh) must not inherit the turn's deadline through the async context.
 */
export function withoutCallDeadline<T>(work: () => T): T {
  return storage.exit(work);
}
