import { ActivityTypes, type Activity, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { CardDialogHost, CardTurnResult } from '../../dialogs/cardDialogHost';
import { CUSTOMER_DATASET, PurchaseDialog } from '../../dialogs/purchaseDialog';
import { t } from '../../i18n';
import type { Logger } from '../../logging';
import type { PartnerCenterClient } from '../../partnercenter';
import type { ActionRequest } from '../../store';
import { customerLabel } from '../../dialogs/purchaseCards';
import { findCustomers } from '../../workflows/customers';
import type { RequestService } from '../../workflows/requestService';
import { channelKeyOf } from '../conversationReferences';
import { invokeCard, invokeInvalidSubmission, invokeMessage } from '../invokeResponses';
import { toActivity } from '../proactive';
import type { TurnServices } from '../turnServices';
import type { UserDirectory } from '../features/userDirectory';
import type { RequestCards, RequestMetaBook } from './requestCards';
import type { CommandHandler, VerbHandler } from './types';

const TYPEAHEAD_RESULTS = 15;
/** A typeahead answer must be quick: only a bounded scan when the prefix search finds nothing. */
const TYPEAHEAD_SCAN_LIMIT = 500;

export interface PurchaseHandlerDeps {
  host: CardDialogHost;
  directory: UserDirectory;
  pc: PartnerCenterClient;
}

/** `buy [customer]` / `acheter [client]`: starts the purchase dialog for this user in this conversation. */
export function buyCommand(deps: PurchaseHandlerDeps): CommandHandler {
  return async ({ context, services, argText }) => {
    if (!services.roles.includes('operator')) {
      const text = t(services.locale, 'errors.forbidden', {
        role: t(services.locale, 'roles.operator'),
        correlationId: services.correlationId,
      });
      await context.sendActivity(
        toActivity({ card: renderCard('notice', { text, tone: 'error' }, services.locale) }),
      );
      return;
    }
    const outcome = await deps.host.begin(context, PurchaseDialog.id, { query: argText });
    if (outcome.status === 'card') {
      await context.sendActivity(
        toActivity({ card: outcome.card, text: t(services.locale, 'purchase.title') }),
      );
    }
  };
}

/** Every purchase card action (`purchase.submit`): the dialog's next card replaces the clicked one. */
export function purchaseSubmitVerb(deps: PurchaseHandlerDeps): VerbHandler {
  return async ({ context, services }) => {
    const outcome = await deps.host.continue(context);
    if (context.activity.type === ActivityTypes.Invoke) return invokeAnswer(services, outcome);
    return answerSubmitMessage(context, services, outcome);
  };
}

/**
 * Action.Submit messages without a verb (clients without Universal Actions) that carry a step
 * token go to the user's dialog; everything else is left to command routing.
 */
export async function continuePurchaseDialog(
  deps: PurchaseHandlerDeps,
  context: TurnContext,
  services: TurnServices,
): Promise<boolean> {
  const value = context.activity.value as { token?: unknown; action?: unknown; verb?: unknown } | undefined;
  const isCardSubmission =
    context.activity.type === ActivityTypes.Message &&
    typeof value === 'object' &&
    value !== null &&
    value.verb === undefined &&
    typeof value.token === 'string' &&
    typeof value.action === 'string';
  if (!isCardSubmission) return false;
  const outcome = await deps.host.continue(context);
  const answer = await answerSubmitMessage(context, services, outcome);
  if (answer.statusCode >= 400) {
    await context.sendActivity((answer.value as { message?: string } | undefined)?.message ?? '');
  }
  return true;
}

/** `application/search` for the customer picker: customers by name, domain or tenant id. */
export async function searchCustomers(
  deps: PurchaseHandlerDeps,
  context: TurnContext,
  services: TurnServices,
  dataset: string,
  queryText: string,
): Promise<Array<{ title: string; value: string }>> {
  if (dataset !== CUSTOMER_DATASET || !services.roles.includes('operator')) return [];
  const query = queryText.trim().slice(0, 100);
  if (query === '') return [];
  const found = await findCustomers(deps.pc, query, {
    correlationId: services.correlationId,
    limit: TYPEAHEAD_RESULTS,
    scanLimit: TYPEAHEAD_SCAN_LIMIT,
  });
  await deps.host.recordOffers(
    context,
    CUSTOMER_DATASET,
    found.map((c) => c.id),
  );
  return found.map((c) => ({ title: customerLabel(c), value: c.id }));
}

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
  services(context: TurnContext): TurnServices;
}

/**
 * The confirmation card becomes the request's card, in place and for everyone; the request
 * remembers where it is so that every later change updates it. With an approvals channel
 * configured, the request also opens a thread there.
 */
export function requestPublisher(deps: RequestPublisherDeps) {
  return async (context: TurnContext, request: ActionRequest): Promise<AdaptiveCard> => {
    const services = deps.services(context);
    const { locale } = services;
    const conversationKey = context.activity.conversation.id;
    const shared = await deps.cards.shared(request, locale);
    const summary = t(locale, 'request.title', { customerName: request.customerName });
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
    return deps.cards.forCaller(attached ?? request, services.caller, locale);
  };
}

function invokeAnswer(services: TurnServices, outcome: CardTurnResult): AdaptiveCardInvokeResponse {
  switch (outcome.status) {
    case 'card':
      return invokeCard(outcome.card);
    case 'silent':
      return invokeMessage(t(services.locale, 'purchase.title'));
    default:
      services.logger.warn({ outcome: outcome.status }, 'card submission refused');
      return invokeInvalidSubmission(services);
  }
}

/** Action.Submit: there is no invoke to answer, so the submitted card is updated (or a new one sent). */
async function answerSubmitMessage(
  context: TurnContext,
  services: TurnServices,
  outcome: CardTurnResult,
): Promise<AdaptiveCardInvokeResponse> {
  const answer = invokeAnswer(services, outcome);
  if (outcome.status !== 'card') return answer;
  await showInPlace(context, toActivity({ card: outcome.card, text: t(services.locale, 'purchase.title') }));
  return answer;
}

/** Updates the message the user acted on (the activity's replyToId), or sends one; returns its id. */
async function showInPlace(context: TurnContext, activity: Partial<Activity>): Promise<string | undefined> {
  const replyToId = context.activity.replyToId;
  if (!replyToId) return (await context.sendActivity(activity))?.id;
  await context.updateActivity({ ...activity, id: replyToId });
  return replyToId;
}
