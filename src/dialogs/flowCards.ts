import { renderCard, type AdaptiveCard } from '../cards/render';
import { t, type Locale } from '../i18n';
import { BACK_ACTION, CANCEL_ACTION, CARD_DIALOG_VERB } from './cardPrompt';

export interface Fact {
  title: string;
  value: string;
}

export interface FlowButton {
  title: string;
  style?: 'positive' | 'destructive' | 'default';
  /** A dialog action (the card's step token is added); or… */
  action?: string;
  /** …a verb of its own with its data (a button that runs a command, say). */
  verb?: string;
  data?: Record<string, unknown>;
  /** Whether the card's inputs go with the click (default: yes). */
  inputs?: 'auto' | 'none';
}

export interface FlowSection {
  title: string;
  subtitle?: string;
  facts?: Fact[];
  lines?: string[];
}

export interface FlowCardInput {
  /** The flow's title, on top. */
  flow: string;
  /** Where the person is in the flow ("Step 2 of 3"), under the title. */
  progress?: string;
  title?: string;
  tone?: 'info' | 'good' | 'warning' | 'error';
  notice?: string;
  /** How the notice reads: good news (default) or a warning. */
  noticeTone?: 'good' | 'warning';
  facts?: Fact[];
  sections?: FlowSection[];
  paragraphs?: string[];
  choice?: { id: string; label: string; options: Array<{ title: string; value: string }>; selected?: string };
  /** A required text field, with what was wrong with the last answer shown right under it. */
  field?: { id: string; label: string; placeholder?: string; value?: string; error?: string };
  buttons?: FlowButton[];
  /** The step token of a prompt card: its buttons submit to the dialog, and Cancel is offered. */
  token?: string;
  /** A prompt card that offers Back (to the step before), next to Cancel. */
  back?: boolean;
}

/** Any step of a flow as one card (the `flow` template): what is known so far, what to do next. */
export function flowCard(locale: Locale, input: FlowCardInput): AdaptiveCard {
  const buttons = [...(input.buttons ?? [])];
  if (input.token && input.back) {
    buttons.push({ title: t(locale, 'dialogs.back'), action: BACK_ACTION, style: 'default', inputs: 'none' });
  }
  if (input.token) {
    buttons.push({
      title: t(locale, 'dialogs.cancel'),
      action: CANCEL_ACTION,
      style: 'default',
      inputs: 'none',
    });
  }
  return renderCard(
    'flow',
    {
      flow: input.flow,
      title: input.title ?? null,
      tone: input.tone ?? 'info',
      progress: input.progress ?? null,
      notice: input.notice ?? null,
      noticeTone: input.noticeTone ?? 'good',
      facts: input.facts ?? [],
      sections: (input.sections ?? []).map((s) => ({
        title: s.title,
        subtitle: s.subtitle ?? null,
        facts: s.facts ?? [],
        lines: s.lines ?? [],
      })),
      paragraphs: input.paragraphs ?? [],
      choice: input.choice
        ? {
            ...input.choice,
            selected: input.choice.selected ?? null,
            required: t(locale, 'dialogs.required'),
          }
        : null,
      field: input.field
        ? {
            id: input.field.id,
            label: input.field.label,
            placeholder: input.field.placeholder ?? '',
            value: input.field.value ?? '',
            error: input.field.error ?? null,
            required: t(locale, 'dialogs.required'),
          }
        : null,
      buttons: buttons.map((b) => ({
        title: b.title,
        style: b.style ?? 'default',
        inputs: b.inputs ?? 'auto',
        verb: b.action ? CARD_DIALOG_VERB : (b.verb ?? CARD_DIALOG_VERB),
        data: b.action ? { token: input.token ?? '', action: b.action } : (b.data ?? {}),
      })),
    },
    locale,
  );
}

/** The request could not be created: the caller may not ask for it, or what they asked is not valid. */
export function refusedCard(
  locale: Locale,
  flow: string,
  reason: string,
  correlationId: string,
): AdaptiveCard {
  const text =
    reason === 'forbidden'
      ? t(locale, 'errors.forbidden', { role: t(locale, 'roles.requester'), correlationId })
      : t(locale, 'errors.invalidSubmission', { correlationId });
  return flowCard(locale, { flow, tone: 'error', paragraphs: [text] });
}
