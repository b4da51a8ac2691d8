import { ActivityTypes, type Activity, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import type { CardDialogHost, CardTurnResult } from '../../dialogs/cardDialogHost';
import { CARD_DIALOG_VERB } from '../../dialogs/cardPrompt';
import { t } from '../../i18n';
import { invokeCard, invokeInvalidSubmission, invokeMessage } from '../invokeResponses';
import { toActivity } from '../proactive';
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
  const answer = await answerSubmitMessage(context, services, outcome);
  if (answer.statusCode >= 400) {
    await context.sendActivity((answer.value as { message?: string } | undefined)?.message ?? '');
  }
  return true;
}

function invokeAnswer(services: TurnServices, outcome: CardTurnResult): AdaptiveCardInvokeResponse {
  switch (outcome.status) {
    case 'card':
      return invokeCard(outcome.card);
    case 'silent':
      return invokeMessage(t(services.locale, 'dialogs.done'));
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
  await showInPlace(context, toActivity({ card: outcome.card }));
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
