import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from './dialogRuntime';
import { z } from 'zod';
import { withFieldErrors } from '../cards/cardEdits';
import type { AdaptiveCard } from '../cards/render';
import { t, type Locale } from '../i18n';
import { presentCard, refuseSubmission } from './cardTurn';

/** The verb of every card action a card dialog answers. */
export const CARD_DIALOG_VERB = 'dialog.submit';
/** The action every prompt accepts: it ends the whole flow, here, for every dialog. */
export const CANCEL_ACTION = 'cancel';
/** The action of a Back button: the dialog that offered it decides where back is. */
export const BACK_ACTION = 'back';

/** What one input of a card may carry when a given action submits it. */
export interface CardFieldRule {
  required?: boolean;
  /** The value must be one of these (the choices the dialog offered). */
  oneOf?: string[];
  /** Also accept values the typeahead search of this dataset offered to this user. */
  offeredBy?: string;
  maxLength?: number;
  /** A regular expression the whole value must match. */
  pattern?: string;
  /** What the value should look like, said when it does not match (`dialogs.errors.formats.<hint>`). */
  formatHint?: 'email' | 'phone' | 'date' | 'amount';
  integer?: { min: number; max: number };
}

export interface CardPromptOptions {
  card: AdaptiveCard;
  /** The step token the card's actions carry; one submission per token. */
  token: string;
  /** Each action the card offers, with the rules of the inputs it submits ('cancel' is always offered). */
  actions: Record<string, Record<string, CardFieldRule>>;
  /** The flow's title, for the card that says it was cancelled. */
  flow?: string;
}

export interface CardSubmission {
  action: string;
  values: Record<string, string>;
  /** Chosen by the dialog because it was the only choice (no card was shown for it). */
  auto?: boolean;
}

export interface CardPromptServices {
  /** Takes the step token once and for all; false if another submission took it first. */
  claimToken(context: TurnContext, token: string): Promise<boolean>;
  /** Values a typeahead search (`application/search`) offered to this user in this conversation. */
  offered(context: TurnContext, dataset: string): Promise<string[]>;
  /** The card that replaces a prompt when its flow is cancelled. */
  cancelledCard(context: TurnContext, flow?: string): AdaptiveCard;
  /** The language of the person acting (the words of field errors and notices). */
  localeOf(context: TurnContext): Locale;
}

const submissionSchema = z
  .object({ token: z.string().min(1).max(64), action: z.string().min(1).max(40) })
  .passthrough();
const inputValue = z.union([z.string(), z.number().finite(), z.boolean()]).optional();

interface PromptState {
  options: CardPromptOptions;
}

/** What is wrong with a field the person can put right. */
type FieldProblem =
  | { kind: 'required' }
  | { kind: 'tooLong'; max: number }
  | { kind: 'format'; hint?: CardFieldRule['formatHint'] }
  | { kind: 'number'; min: number; max: number }
  /** Not one of the choices offered (a stale or forged card could send it). */
  | { kind: 'notOffered' };

type Verdict =
  | { kind: 'accepted'; submission: CardSubmission }
  /** Something to put right: the card again, each problem under its field. */
  | { kind: 'invalid'; problems: Record<string, FieldProblem>; values: Record<string, string> }
  /** Not this step's card (an older one, a replay) or not a card's data at all. */
  | { kind: 'refused'; reason: 'stale' | 'malformed' };

/**
 * A step that shows a card and waits for its submission: an Action.Execute invoke (the answer to
 * the invoke carries the next card, so the card is updated in place) or an Action.Submit message.
 * Card data is untrusted: the token must be the current step's, the action one the card offered,
 * each choice one the dialog offered. Anything else is refused and changes nothing.
 */
export class CardPrompt extends Dialog<CardPromptOptions> {
  constructor(
    dialogId: string,
    private readonly services: CardPromptServices,
  ) {
    super(dialogId);
  }

  override async beginDialog(dc: DialogContext, options?: CardPromptOptions): Promise<DialogTurnResult> {
    if (!options) throw new TypeError('CardPrompt needs options (card, token, actions)');
    const state: PromptState = { options };
    Object.assign(dc.activeDialog?.state ?? {}, state);
    presentCard(dc.context, options.card);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog?.state as PromptState | undefined;
    if (!state?.options) {
      refuseSubmission(dc.context);
      return Dialog.EndOfTurn;
    }
    const locale = this.services.localeOf(dc.context);
    const verdict = await this.judge(dc.context, state.options);
    if (verdict.kind === 'refused') {
      // Nothing changes, and the card stays as it is (it may be someone else's, in a channel):
      // the person who clicked is told why, in words.
      refuseSubmission(dc.context, verdict.reason);
      return Dialog.EndOfTurn;
    }
    if (verdict.kind === 'invalid') {
      const errors = Object.fromEntries(
        Object.entries(verdict.problems).map(([field, problem]) => [field, problemText(locale, problem)]),
      );
      presentCard(dc.context, withFieldErrors(state.options.card, errors, verdict.values));
      return Dialog.EndOfTurn;
    }
    if (!(await this.services.claimToken(dc.context, state.options.token))) {
      refuseSubmission(dc.context, 'stale');
      return Dialog.EndOfTurn;
    }
    if (verdict.submission.action === CANCEL_ACTION) {
      // Cancelling ends the flow and every dialog it runs in, whichever step it was at.
      presentCard(dc.context, this.services.cancelledCard(dc.context, state.options.flow));
      return dc.cancelAllDialogs(true);
    }
    return dc.endDialog(verdict.submission);
  }

  private async judge(context: TurnContext, options: CardPromptOptions): Promise<Verdict> {
    const data = submittedData(context);
    const parsed = submissionSchema.safeParse(data);
    if (!parsed.success) return { kind: 'refused', reason: 'malformed' };
    if (parsed.data.token !== options.token) return { kind: 'refused', reason: 'stale' };
    const actions: Record<string, Record<string, CardFieldRule>> = {
      ...options.actions,
      [CANCEL_ACTION]: {},
    };
    if (!Object.hasOwn(actions, parsed.data.action)) return { kind: 'refused', reason: 'malformed' };
    const rules = actions[parsed.data.action];
    const values: Record<string, string> = {};
    const problems: Record<string, FieldProblem> = {};
    for (const [field, rule] of Object.entries(rules)) {
      const raw = inputValue.safeParse(parsed.data[field]);
      if (!raw.success) return { kind: 'refused', reason: 'malformed' };
      const value = raw.data === undefined ? '' : String(raw.data).trim();
      values[field] = value;
      if (value === '') {
        if (rule.required) problems[field] = { kind: 'required' };
        continue;
      }
      const problem = await this.problemWith(context, value, rule);
      // A choice the card never offered is not a typing mistake: the card was not this one.
      if (problem?.kind === 'notOffered') return { kind: 'refused', reason: 'malformed' };
      if (problem) problems[field] = problem;
    }
    if (Object.keys(problems).length > 0) return { kind: 'invalid', problems, values };
    return { kind: 'accepted', submission: { action: parsed.data.action, values } };
  }

  private async problemWith(
    context: TurnContext,
    value: string,
    rule: CardFieldRule,
  ): Promise<FieldProblem | undefined> {
    if (rule.maxLength !== undefined && value.length > rule.maxLength)
      return { kind: 'tooLong', max: rule.maxLength };
    if (rule.pattern !== undefined && !new RegExp(`^(?:${rule.pattern})$`).test(value))
      return { kind: 'format', hint: rule.formatHint };
    if (rule.integer) {
      const n = Number(value);
      if (!/^\d{1,9}$/.test(value) || n < rule.integer.min || n > rule.integer.max)
        return { kind: 'number', ...rule.integer };
    }
    if (rule.oneOf || rule.offeredBy) {
      if (rule.oneOf?.includes(value)) return undefined;
      if (rule.offeredBy && (await this.services.offered(context, rule.offeredBy)).includes(value))
        return undefined;
      return { kind: 'notOffered' };
    }
    return undefined;
  }
}

function problemText(locale: Locale, problem: FieldProblem): string {
  switch (problem.kind) {
    case 'required':
      return t(locale, 'dialogs.errors.required');
    case 'tooLong':
      return t(locale, 'dialogs.errors.tooLong', { max: problem.max });
    case 'number':
      return t(locale, 'dialogs.errors.number', { min: problem.min, max: problem.max });
    case 'notOffered':
      return t(locale, 'dialogs.errors.notOffered');
    case 'format':
      return problem.hint
        ? t(locale, `dialogs.errors.formats.${problem.hint}`)
        : t(locale, 'dialogs.errors.format');
  }
}

/** The data of a card submission: an Action.Execute invoke's `action.data`, or an Action.Submit message's value. */
export function submittedData(context: TurnContext): unknown {
  const activity = context.activity;
  if (activity.type === ActivityTypes.Invoke) {
    const value = activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined;
    return value?.action?.verb === CARD_DIALOG_VERB ? value.action.data : undefined;
  }
  if (
    activity.type === ActivityTypes.Message &&
    typeof activity.value === 'object' &&
    activity.value !== null
  ) {
    const { verb, ...data } = activity.value as Record<string, unknown>;
    return verb === undefined || verb === CARD_DIALOG_VERB ? data : undefined;
  }
  return undefined;
}
