import type { Logger } from '../logging';
import type { ActionRequest } from '../store';

export type RequestEvent =
  | 'created'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'executing'
  | 'order-placed'
  | 'succeeded'
  | 'failed';

/** Implemented by the Teams layer (updates the request's card, tells the requester); injected by main.ts. */
export interface RequestNotifier {
  requestChanged(request: ActionRequest, event: RequestEvent): Promise<void>;
}

/**
 * A notification is a courtesy: the state change it reports is already committed, so a failure
 * to tell Teams is logged and never undoes or blocks the domain step.
 */
export async function notifySafely(
  notifier: RequestNotifier,
  logger: Logger,
  request: ActionRequest,
  event: RequestEvent,
): Promise<void> {
  try {
    await notifier.requestChanged(request, event);
  } catch (error) {
    logger.warn(
      { requestId: request.id, event, correlationId: request.correlationId, err: error },
      'request notification failed',
    );
  }
}
