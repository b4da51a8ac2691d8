import type { ActionRequest, WatchInput } from '../../store';

export type RequestEvent =
  | 'created'
  /** One approval of several was recorded; the request still waits. */
  | 'approval-recorded'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'executing'
  /** A step reached a milestone worth telling (e.g. 'order-placed'). */
  | 'progress'
  | 'succeeded'
  | 'failed';

export interface RequestNotice {
  event: RequestEvent;
  milestone?: string;
}

/** One thing to do in Teams about a change: done at most once, retried until it is. */
export interface NotificationDelivery {
  /** Stable for this notice: deliveries already made are not made again on a retry. */
  id: string;
  deliver(): Promise<void>;
}

/**
 * The domain's way out to people (implemented by the Teams layer, injected at composition). Each
 * notice is stored with the change it reports and delivered later, so a click is answered before
 * other cards are updated and nothing is lost when Teams cannot be reached.
 */
export interface RequestNotifier {
  deliveriesFor(request: ActionRequest, notice: RequestNotice): Promise<NotificationDelivery[]>;
}

/** A notifier that does one thing per notice (tests, logs). */
export function notifierFrom(
  handle: (request: ActionRequest, notice: RequestNotice) => Promise<void>,
): RequestNotifier {
  return {
    async deliveriesFor(request, notice) {
      return [{ id: 'notice', deliver: () => handle(request, notice) }];
    },
  };
}

export const NOTIFY_TASK = 'notify';

/** The work item that delivers a notice, written in the same transaction as the change it reports. */
export function noticeTask(request: ActionRequest, notice: RequestNotice, now: number): WatchInput {
  const order = String(request.version).padStart(8, '0');
  return {
    id: `notify:${request.id}:${order}:${notice.event}${notice.milestone ? `:${notice.milestone}` : ''}`,
    kind: NOTIFY_TASK,
    requestId: request.id,
    payload: {
      requestId: request.id,
      version: request.version,
      event: notice.event,
      ...(notice.milestone ? { milestone: notice.milestone } : {}),
      delivered: [],
    },
    nextRunAt: now,
  };
}
