import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/render';
import { t } from '../../i18n';
import type { Logger } from '../../logging';
import type { ActionRequest } from '../../store';
import type { RequestService } from '../../workflows';
import { channelKeyOf } from '../conversationReferences';
import type { RequestCards, RequestMetaBook } from '../handlers/requestCards';
import { toActivity } from '../proactive';
import { requiredTurnServices } from '../turnServices';
import { showInPlace } from './cardDialogs';

/** Turns the card the user submitted into the request's card and returns the requester's own view of it. */
export type RequestPublisher = (context: TurnContext, request: ActionRequest) => Promise<AdaptiveCard>;

export interface RequestPublisherDeps {
  requests: RequestService;
  cards: RequestCards;
  meta: RequestMetaBook;
  messenger: {
    startThread(
      channelKey: string,
      message: { text?: string; card?: AdaptiveCard },
    ): Promise<{ conversationKey: string; activityId: string }>;
  };
  approvalsConversationId?: string;
  logger: Logger;
}

/**
 * The confirmation card becomes the request's card, in place and for everyone; the request
 * remembers where it is so that every later change updates it. With an approvals channel
 * configured, the request also opens a thread there. The same for every kind.
 */
export function requestPublisher(deps: RequestPublisherDeps): RequestPublisher {
  return async (context, request) => {
    const services = requiredTurnServices(context);
    const { locale } = services;
    const conversationKey = context.activity.conversation.id;
    const shared = await deps.cards.shared(request, locale);
    const summary = deps.cards.title(request, locale);
    const activityId = await showInPlace(context, toActivity({ card: shared, text: summary }));
    await deps.meta.set(request.id, { locale });
    const attached = activityId
      ? await deps.requests.attachCard(request.id, { conversationKey, activityId })
      : undefined;
    const approvals = deps.approvalsConversationId;
    if (approvals && channelKeyOf(conversationKey) !== approvals) {
      try {
        const thread = await deps.messenger.startThread(approvals, { card: shared, text: summary });
        await deps.meta.set(request.id, { locale, thread });
      } catch (error) {
        deps.logger.warn(
          { requestId: request.id, correlationId: services.correlationId, err: error },
          'could not post the request in the approvals channel',
        );
        await context.sendActivity(t(locale, 'request.messages.approvalsUnreachable'));
      }
    }
    return deps.cards.forCaller(attached ?? request, services, locale);
  };
}
