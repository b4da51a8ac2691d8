import { TurnContext } from 'botbuilder';
import type { ConversationReference } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/render';
import { t } from '../../i18n';
import type { Logger } from '../../logging';
import type { ActionRequest } from '../../store';
import type { RequestService } from '../../workflows';
import { channelKeyOf } from '../conversationReferences';
import type { RequestCards, RequestMetaBook } from '../handlers/requestCards';
import { toActivity } from '../proactive';
import { requiredTurnServices, type TurnServices } from '../turnServices';
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
      via?: Partial<ConversationReference>,
    ): Promise<{ conversationKey: string; activityId: string }>;
    sendToPerson(
      via: Partial<ConversationReference>,
      person: { mri: string; tenantId: string },
      message: { text?: string; card?: AdaptiveCard },
    ): Promise<{ conversationKey: string; activityId: string }>;
  };
  /** Who may decide (AAD object ids named by configuration or grant) and their Teams ids. */
  approvers: {
    namedMembers(role: 'approver'): Promise<string[]>;
    mriOf(aadObjectId: string): Promise<string | undefined>;
  };
  approvalsConversationId?: string;
  logger: Logger;
}

/** Where a request waiting for a decision was shown to those who may decide it. */
type ApprovalRoute = { to: 'here' } | { to: 'channel' } | { to: 'people'; count: number } | { to: 'nobody' };

/**
 * The confirmation card becomes the request's card, in place and for everyone; the request
 * remembers where it is so that every later change updates it. A request waiting for a decision is
 * also shown to those who may decide it: in a thread of the approvals channel when one is set, else
 * to each named approver in a personal chat; the requester is told where it went. The same for
 * every kind.
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
    if (request.state === 'requested') {
      const route = await routeForDecision(deps, context, services, request, { card: shared, text: summary });
      if (route.to !== 'here') {
        await context.sendActivity(
          t(
            locale,
            `request.messages.routed.${route.to}`,
            route.to === 'people' ? { count: route.count } : {},
          ),
        );
      }
    }
    return deps.cards.forCaller(attached ?? request, services, locale);
  };
}

async function routeForDecision(
  deps: RequestPublisherDeps,
  context: TurnContext,
  services: TurnServices,
  request: ActionRequest,
  message: { card: AdaptiveCard; text: string },
): Promise<ApprovalRoute> {
  const here = channelKeyOf(context.activity.conversation.id);
  // The turn's own reference reaches, on the same service, conversations the bot has not heard from.
  const via = TurnContext.getConversationReference(context.activity);
  const approvals = deps.approvalsConversationId;
  if (approvals && here === approvals) return { to: 'here' };
  if (approvals) {
    try {
      const thread = await deps.messenger.startThread(approvals, message, via);
      await deps.meta.set(request.id, { locale: services.locale, thread });
      return { to: 'channel' };
    } catch (error) {
      deps.logger.warn(
        { requestId: request.id, correlationId: services.correlationId, err: error },
        'could not post the request in the approvals channel; trying the approvers in person',
      );
    }
  }
  const tenantId = services.tenantId;
  if (!tenantId) return { to: 'nobody' };
  const requester = request.requesterId.toLowerCase();
  const approvers = (await deps.approvers.namedMembers('approver')).filter((id) => id !== requester);
  let count = 0;
  for (const approver of approvers) {
    const mri = await deps.approvers.mriOf(approver);
    if (!mri) continue; // Teams needs the person's Teams id: the bot knows it once they spoke to it.
    try {
      await deps.messenger.sendToPerson(via, { mri, tenantId }, message);
      count += 1;
    } catch (error) {
      deps.logger.warn(
        { requestId: request.id, correlationId: services.correlationId, approver, err: error },
        'could not reach an approver in a personal chat',
      );
    }
  }
  return count > 0 ? { to: 'people', count } : { to: 'nobody' };
}
