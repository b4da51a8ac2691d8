import { ActivityTypes, type Activity, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import type { CardDialogHost, CardTurnResult } from '../../dialogs/cardDialogHost';
import { CARD_DIALOG_VERB } from '../../dialogs/cardPrompt';
import { t } from '../../i18n';
import { invokeCard, invokeMessage } from '../invokeResponses';
import { toActivity } from '../proactive';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from '../../cards/render';
import type { TurnServices } from '../turnServices';
import type { VerbHandler } from '../handlers/types';

/** Every card dialog action (`dialog.submit`): the dialog's next card replaces the clicked one. */
export function dialogSubmitVerb(host: CardDialogHost): Record<string, VerbHandler> {
  return {
    [CARD_DIALOG_VERB]: async ({ context, services }) => {
      const outcome = await host.continue(context);
      if (context.activity.type === ActivityTypes.Invoke) return invokeAnswer(services, outcome);
      return answerSubmitMessage(context, services, outcome);
    },
  };
}

/**
 * Action.Submit messages without a verb (clients without Universal Actions) that carry a step
 * token go to the user's dialog; everything else is left to command routing.
 */
export async function continueCardDialog(
  host: CardDialogHost,
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
  const outcome = await host.continue(context);
  await answerSubmitMessage(context, services, outcome);
  return true;
}

function invokeAnswer(services: TurnServices, outcome: CardTurnResult): AdaptiveCardInvokeResponse {
  switch (outcome.status) {
    case 'card':
      return invokeCard(outcome.card);
    case 'silent':
      return invokeMessage(t(services.locale, 'dialogs.done'));
    case 'refused':
      services.logger.warn({ outcome: outcome.status, because: outcome.because }, 'card submission refused');
      // Said in words to the person who clicked; the card itself stays (in a channel it may be
      // someone else's).
      return invokeMessage(
        t(services.locale, `dialogs.refused.${outcome.because}`, { correlationId: services.correlationId }),
      );
    case 'no-dialog':
      services.logger.info('a card of a flow that has ended was used');
      return invokeMessage(t(services.locale, 'dialogs.ended'));
  }
}

/** Action.Submit: there is no invoke to answer, so the submitted card is updated (or a new one sent). */
async function answerSubmitMessage(
  context: TurnContext,
  services: TurnServices,
  outcome: CardTurnResult,
): Promise<AdaptiveCardInvokeResponse> {
  const answer = invokeAnswer(services, outcome);
  if (answer.type === ADAPTIVE_CARD_CONTENT_TYPE) {
    await showInPlace(context, toActivity({ card: answer.value as unknown as AdaptiveCard }));
  } else if (outcome.status !== 'silent') {
    // No invoke to answer: the words go to the conversation.
    await context.sendActivity(String(answer.value));
  }
  return answer;
}

/** Updates the message the user acted on (the activity's replyToId), or sends one; returns its id. */
export async function showInPlace(
  context: TurnContext,
  activity: Partial<Activity>,
): Promise<string | undefined> {
  const replyToId = context.activity.replyToId;
  if (!replyToId) return (await context.sendActivity(activity))?.id;
  await context.updateActivity({ ...activity, id: replyToId });
  return replyToId;
}
