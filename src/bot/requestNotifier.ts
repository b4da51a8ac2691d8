import { pcErrorText, t, type Locale } from '../i18n';
import type { Logger } from '../logging';
import type { ActionRequest, ActionRequestRepository } from '../store';
import type { RequestEvent, RequestNotifier } from '../workflows/notifier';
import { purchaseOutcome, type RequestCards, type RequestMetaBook } from './handlers/requestCards';
import type { OutboundMessage } from './proactive';

/** The part of ProactiveMessenger the notifier uses. */
export interface RequestMessenger {
  send(conversationKey: string, message: OutboundMessage): Promise<{ activityId: string }>;
  update(conversationKey: string, activityId: string, message: OutboundMessage): Promise<void>;
}

export interface TeamsRequestNotifierDeps {
  messenger: RequestMessenger;
  requests: Pick<ActionRequestRepository, 'get'>;
  cards: RequestCards;
  meta: RequestMetaBook;
  logger: Logger;
}

/**
 * Tells Teams about a request's changes: the request's card is re-rendered and updated in place for
 * everyone (where it was made, and its thread in the approvals channel), and the request's
 * conversation gets a message when the order is placed, completes or fails.
 */
export class TeamsRequestNotifier implements RequestNotifier {
  /** Updates of one request run one after the other, so that the last one shows the latest state. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly deps: TeamsRequestNotifierDeps) {}

  requestChanged(request: ActionRequest, event: RequestEvent): Promise<void> {
    const previous = this.queues.get(request.id) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(request, event));
    const tail = next.catch(() => undefined);
    this.queues.set(request.id, tail);
    void tail.then(() => {
      if (this.queues.get(request.id) === tail) this.queues.delete(request.id);
    });
    return next;
  }

  private async deliver(request: ActionRequest, event: RequestEvent): Promise<void> {
    const meta = await this.deps.meta.get(request.id);
    const locale: Locale = meta?.locale ?? 'en';
    // The event's snapshot may already be stale: the card always shows what the store holds now.
    const latest = (await this.deps.requests.get(request.id)) ?? request;
    const places = [
      latest.conversationKey && latest.activityId
        ? { conversationKey: latest.conversationKey, activityId: latest.activityId }
        : undefined,
      meta?.thread,
    ].filter((place): place is { conversationKey: string; activityId: string } => place !== undefined);
    if (places.length > 0) {
      const card = await this.deps.cards.shared(latest, locale);
      const summary = t(locale, 'request.title', { customerName: latest.customerName });
      for (const place of places) {
        await this.attempt(request, event, 'card update', () =>
          this.deps.messenger.update(place.conversationKey, place.activityId, { card, text: summary }),
        );
      }
    }
    const text = messageFor(request, event, locale);
    const conversationKey = request.conversationKey ?? latest.conversationKey;
    if (text && conversationKey) {
      await this.attempt(request, event, 'message', () =>
        this.deps.messenger.send(conversationKey, { text }),
      );
    }
  }

  private async attempt(
    request: ActionRequest,
    event: RequestEvent,
    what: string,
    send: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.deps.logger.warn(
        { requestId: request.id, event, correlationId: request.correlationId, err: error },
        `request ${what} failed`,
      );
    }
  }
}

export function messageFor(request: ActionRequest, event: RequestEvent, locale: Locale): string | undefined {
  const customerName = request.customerName;
  const outcome = purchaseOutcome(request);
  switch (event) {
    case 'order-placed':
      return t(locale, 'request.messages.orderPlaced', {
        customerName,
        orderIds: outcome.orderIds.join(', '),
      });
    case 'succeeded': {
      const none = t(locale, 'request.messages.none');
      return t(locale, 'request.messages.succeeded', {
        customerName,
        planSubscriptionId: outcome.planSubscriptionId ?? none,
        azureSubscriptionIds:
          outcome.azureSubscriptionIds.length > 0 ? outcome.azureSubscriptionIds.join(', ') : none,
      });
    }
    case 'failed': {
      const error = request.error ?? { code: 'internal', message: '' };
      return t(locale, 'request.messages.failed', {
        customerName,
        reason: pcErrorText(locale, error),
        code: error.code,
      });
    }
    case 'rejected':
      return t(locale, 'request.messages.rejected', {
        customerName,
        approverName: request.approverName ?? request.approverId ?? '',
        reason: request.reason ?? '',
      });
    case 'expired':
      return t(locale, 'request.messages.expired', { customerName });
    default:
      return undefined;
  }
}

/**
 * The notifier the domain is built with, before the bot (and so the messenger) exists: it hands
 * events to the Teams notifier once the bot has started, and drops them until then (the card of a
 * request is always re-rendered from the store, so a dropped update is repaired by the next one).
 */
export class RequestNotifierRelay implements RequestNotifier {
  private target: RequestNotifier | undefined;

  attach(target: RequestNotifier): void {
    this.target = target;
  }

  async requestChanged(request: ActionRequest, event: RequestEvent): Promise<void> {
    await this.target?.requestChanged(request, event);
  }
}
