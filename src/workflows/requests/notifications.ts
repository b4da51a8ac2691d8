import { z } from 'zod';
import type { Store, Watch } from '../../store';
import { NOTIFY_TASK, type RequestEvent, type RequestNotifier } from './events';
import type { TaskContext, TaskHandler, TaskOutcome } from './workQueue';

const noticePayloadSchema = z.object({
  requestId: z.string(),
  version: z.number().int(),
  event: z.string(),
  milestone: z.string().optional(),
  delivered: z.array(z.string()).default([]),
});

export interface NotificationDispatcherDeps {
  store: Pick<Store, 'requests' | 'watches'>;
  notifier: RequestNotifier;
  /** Attempts before a notice is given up (default 12, about two hours of backoff). */
  maxAttempts?: number;
}

/**
 * Delivers the notices that request changes stored: each of its deliveries (a card updated, a
 * message sent) at most once, retried with backoff until done. A notice waits for the earlier
 * notices of its request, so people read what happened in the order it happened.
 */
export class NotificationDispatcher implements TaskHandler {
  readonly kind = NOTIFY_TASK;

  constructor(private readonly deps: NotificationDispatcherDeps) {}

  async handle(task: Watch, context: TaskContext): Promise<TaskOutcome> {
    const parsed = noticePayloadSchema.safeParse(task.payload);
    if (!parsed.success) {
      context.logger.error({ issues: parsed.error.issues }, 'invalid notice dropped');
      return { type: 'done' };
    }
    const notice = parsed.data;
    const request = await this.deps.store.requests.get(notice.requestId);
    if (!request) return { type: 'done' };
    const earlier = await this.earlierPending(task);
    if (earlier !== undefined) {
      return { type: 'retry', delayMs: Math.max(200, earlier - context.now() + 50), payload: task.payload };
    }

    const deliveries = await this.deps.notifier.deliveriesFor(request, {
      event: notice.event as RequestEvent,
      ...(notice.milestone ? { milestone: notice.milestone } : {}),
    });
    const delivered = new Set(notice.delivered);
    let failed = 0;
    for (const delivery of deliveries) {
      if (delivered.has(delivery.id)) continue;
      try {
        await delivery.deliver();
        delivered.add(delivery.id);
      } catch (error) {
        failed += 1;
        context.logger.warn(
          { err: error, delivery: delivery.id, event: notice.event },
          'notice delivery failed',
        );
      }
    }
    if (failed === 0) return { type: 'done' };
    const maxAttempts = this.deps.maxAttempts ?? 12;
    if (task.attempts >= maxAttempts) {
      context.logger.error({ event: notice.event, attempts: task.attempts }, 'notice given up');
      return { type: 'done' };
    }
    const delayMs = Math.min(30 * 60_000, 2_000 * 2 ** Math.min(task.attempts - 1, 10));
    return { type: 'retry', delayMs, payload: { ...notice, delivered: [...delivered] } };
  }

  /** When the next older notice of this request is due, if one is still to be delivered. */
  private async earlierPending(task: Watch): Promise<number | undefined> {
    if (!task.requestId) return undefined;
    const pending = await this.deps.store.watches.list({ kind: NOTIFY_TASK, requestId: task.requestId });
    const older = pending.filter((other) => other.id < task.id).map((other) => other.nextRunAt);
    return older.length > 0 ? Math.min(...older) : undefined;
  }
}
