import { randomUUID } from 'node:crypto';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { AdaptiveCard } from '../cards/render';
import type { CardFieldRule, CardSubmission } from './cardPrompt';
import { presentCard } from './cardTurn';

/** The id of the card prompt every card dialog adds (one instance per component). */
export const PROMPT = 'card.prompt';

export type Actions = Record<string, Record<string, CardFieldRule>>;

/** Shows a card and waits for one of its actions; the flow title names it if it is cancelled. */
export function promptCard(
  step: WaterfallStepContext,
  render: (token: string) => AdaptiveCard,
  actions: Actions,
  flow: string,
): Promise<DialogTurnResult> {
  const token = randomUUID();
  return step.beginDialog(PROMPT, { card: render(token), token, actions, flow });
}

/**
 * Ends the flow showing a last card: every dialog it runs in ends too, so a step of a nested dialog
 * (a check inside a suspension) that ends the flow never lets its parent go on to the next step.
 */
export function endWithCard(step: WaterfallStepContext, card: AdaptiveCard): Promise<DialogTurnResult> {
  presentCard(step.context, card);
  return step.cancelAllDialogs(true);
}

/** A choice the dialog made itself because there was only one. */
export function autoChoice(values: Record<string, string>): CardSubmission {
  return { action: 'select', values, auto: true };
}

/** What the previous step's prompt returned (an automatic choice when no card was shown). */
export function submissionOf(step: WaterfallStepContext): CardSubmission {
  const result = step.result as CardSubmission | undefined;
  return result ?? { action: 'select', values: {}, auto: true };
}

export function required<T>(value: T | undefined | null, what = 'a step'): T {
  if (value === undefined || value === null)
    throw new Error(`card dialog: ${what} ran without what it needs`);
  return value;
}
