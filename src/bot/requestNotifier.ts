import type { Locale } from '../i18n';
import type { ActionRequest, ActionRequestRepository } from '../store';
import type { NotificationDelivery, RequestNotice, RequestNotifier } from '../workflows';
import type { RequestCards, RequestMetaBook } from './handlers/requestCards';
import type { PresenterRegistry } from './presenters/presenter';
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
  presenters: PresenterRegistry;
  /** Teams user ids by AAD object id, to @mention the requester when their request ends. */
  directory?: { mriOf(aadObjectId: string): Promise<string | undefined> };
}

/** The notices that end a request's execution: the requester is @mentioned, so it reaches them. */
const ENDINGS: ReadonlySet<RequestNotice['event']> = new Set(['succeeded', 'failed']);

/**
 * Tells Teams about a request's changes: the request's card is re-rendered from what the store
 * holds now and updated in place for everyone (where it was made, and its thread in the approvals
 * channel), and the request's conversation gets the message the kind's presenter has for the
 * notice. Each of those is one delivery, made once and retried until it is.
 */
export class TeamsRequestNotifier implements RequestNotifier {
  constructor(private readonly deps: TeamsRequestNotifierDeps) {}

  async deliveriesFor(request: ActionRequest, notice: RequestNotice): Promise<NotificationDelivery[]> {
    const meta = await this.deps.meta.get(request.id);
    const locale: Locale = meta?.locale ?? 'en';
    const places = [
      request.conversationKey && request.activityId
        ? { conversationKey: request.conversationKey, activityId: request.activityId }
        : undefined,
      meta?.thread,
    ].filter((place): place is { conversationKey: string; activityId: string } => place !== undefined);
    const deliveries: NotificationDelivery[] = places.map((place) => ({
      id: `card:${place.conversationKey}:${place.activityId}`,
      // The card always shows what the store holds when it is sent, whichever notice sends it.
      deliver: async () => {
        const latest = (await this.deps.requests.get(request.id)) ?? request;
        // Where the request was made in a personal chat, only its requester sees the card.
        const card =
          place.conversationKey === request.conversationKey && isPersonalConversation(place.conversationKey)
            ? await this.deps.cards.requesters(latest, locale)
            : await this.deps.cards.shared(latest, locale);
        await this.deps.messenger.update(place.conversationKey, place.activityId, {
          card,
          text: this.deps.cards.title(latest, locale),
        });
      },
    }));
    const text = this.deps.presenters.message(request, notice, locale);
    if (text && request.conversationKey) {
      const conversationKey = request.conversationKey;
      deliveries.push({
        id: `message:${conversationKey}`,
        deliver: async () => {
          await this.deps.messenger.send(
            conversationKey,
            await this.withMention(conversationKey, request, notice, text),
          );
        },
      });
    }
    return deliveries;
  }

  /** The end of a request names its requester with an @mention (Teams notifies them). */
  private async withMention(
    conversationKey: string,
    request: ActionRequest,
    notice: RequestNotice,
    text: string,
  ): Promise<OutboundMessage> {
    if (!ENDINGS.has(notice.event)) return { text };
    // In the requester's own personal chat a mention adds nothing (Teams notifies them anyway).
    if (isPersonalConversation(conversationKey)) return { text };
    const id = (await this.deps.directory?.mriOf(request.requesterId)) ?? request.requesterId;
    const name = request.requesterName;
    return { text: `<at>${name}</at> ${text}`, mention: { id, name } };
  }
}

/** Teams personal (1:1) conversation ids start with `a:`; channel and group chat ids with `19:`. */
function isPersonalConversation(conversationKey: string): boolean {
  return conversationKey.startsWith('a:');
}
