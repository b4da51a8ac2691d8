import { billingCycleLabel, hasKey, pcErrorText, statusLabel, t, type Locale } from '../../i18n';
import { formatInstant, formatMoney, formatNumber } from '../../i18n/format';
import type { ActionRequest } from '../../store';
import type { Fact, FactValue, KindRegistry, RequestNotice } from '../../workflows';

/**
 * How the Teams side words one kind of request: its title, and what the request's conversation is
 * told about a notice. The facts come from the kind itself (as data) and are worded here.
 */
export interface KindPresenter {
  readonly kind: string;
  /** e.g. "Azure plan purchase for Contoso France". */
  title(request: ActionRequest, locale: Locale): string;
  /** A message for this notice; undefined falls back to the common message for the event, if any. */
  message?(request: ActionRequest, notice: RequestNotice, locale: Locale): string | undefined;
}

export interface WordedFact {
  title: string;
  value: string;
}

/** The presenters of every kind a feature registered; a kind without one is still shown, plainly. */
export class PresenterRegistry {
  private readonly presenters = new Map<string, KindPresenter>();

  constructor(private readonly kinds: KindRegistry) {}

  register(presenter: KindPresenter): void {
    if (this.presenters.has(presenter.kind)) {
      throw new Error(`Two presenters for request kind "${presenter.kind}"`);
    }
    this.presenters.set(presenter.kind, presenter);
  }

  title(request: ActionRequest, locale: Locale): string {
    return (
      this.presenters.get(request.kind)?.title(request, locale) ??
      t(locale, 'request.genericTitle', { kind: request.kind, customerName: request.customerName })
    );
  }

  /** The message the request's conversation gets for a notice (or none). */
  message(request: ActionRequest, notice: RequestNotice, locale: Locale): string | undefined {
    const own = this.presenters.get(request.kind)?.message?.(request, notice, locale);
    return own ?? commonMessage(request, notice, this.title(request, locale), locale);
  }

  /** The kind's facts about this request, worded for the reader. */
  kindFacts(request: ActionRequest, locale: Locale): WordedFact[] {
    const kind = this.kinds.get(request.kind);
    if (!kind) return [{ title: t(locale, 'request.facts.customer'), value: request.customerName }];
    const payload = kind.payload.safeParse(request.payload);
    if (!payload.success)
      return [{ title: t(locale, 'request.facts.customer'), value: request.customerName }];
    return kind.facts(request, payload.data).map((fact) => wordFact(request.kind, fact, locale));
  }

  /** Kinds with a presenter (for tests and start-up checks). */
  kindsPresented(): string[] {
    return [...this.presenters.keys()];
  }
}

export function wordFact(kind: string, fact: Fact, locale: Locale): WordedFact {
  const own = `kinds.${kind}.facts.${fact.key}`;
  const title = hasKey(locale, own) ? t(locale, own) : t(locale, `request.facts.${fact.key}`);
  return { title, value: formatFactValue(fact.value, locale) };
}

export function formatFactValue(value: FactValue, locale: Locale): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value, locale);
  switch (value.type) {
    case 'date':
      return formatInstant(value.at, locale);
    case 'money':
      return formatMoney(value.amount, value.currency, locale);
    case 'list':
      return value.items.length > 0 ? value.items.join(', ') : t(locale, 'common.none');
    case 'none':
      return t(locale, 'common.none');
    case 'term':
      if (value.set === 'billingCycle') return billingCycleLabel(locale, value.value);
      return statusLabel(locale, value.set === 'orderStatus' ? 'order' : 'subscription', value.value);
  }
}

/** The common words for the events every kind shares; undefined: nothing to say in the conversation. */
function commonMessage(
  request: ActionRequest,
  notice: RequestNotice,
  title: string,
  locale: Locale,
): string | undefined {
  switch (notice.event) {
    case 'succeeded':
      return t(locale, 'request.messages.succeeded', { title });
    case 'failed':
      return failureMessage(request, title, locale);
    case 'rejected':
      return t(locale, 'request.messages.rejected', {
        title,
        approverName: request.approverName ?? request.approverId ?? '',
        reason: request.reason ?? '',
      });
    case 'expired':
      return t(locale, 'request.messages.expired', { title });
    default:
      return undefined;
  }
}

/** Why a request failed, what blocks it and the reference to quote. */
export function failureMessage(request: ActionRequest, title: string, locale: Locale): string {
  const error = request.error ?? { code: 'internal', message: '' };
  const reason = error.code === 'internal' ? t(locale, 'request.internalError') : pcErrorText(locale, error);
  const lines = [
    t(locale, 'request.messages.failed', { title, reason, code: error.code }),
    ...(error.blockers ?? []).map((b) =>
      t(locale, 'request.blocker', {
        what: hasKey(locale, `blockers.${b.type}`) ? t(locale, `blockers.${b.type}`) : b.type,
        name: b.name ?? b.id ?? '',
        detail: b.detail ?? '',
      }).trim(),
    ),
  ];
  if (error.errorId) lines.push(t(locale, 'common.correlation', { correlationId: error.errorId }));
  return lines.join('\n\n');
}
