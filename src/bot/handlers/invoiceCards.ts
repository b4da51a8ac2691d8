import { renderCard, type AdaptiveCard } from '../../cards/render';
import { hasKey, t, type Locale } from '../../i18n';
import type { InvoiceSummary } from '../../workflows/invoices/invoiceQueries';
import type {
  ReconciliationFailure,
  ReconciliationProgress,
  ReconciliationRequest,
  ReconciliationResult,
} from '../../workflows/invoices/reconciliationJob';
import type { DownloadLink } from '../downloads/downloadLinks';
import { formatAmount, formatDay, formatInstant, formatNumber } from '../../i18n/format';

/** The verb of the "new download link" button. */
export const NEW_LINK_VERB = 'invoices.newLink';

export type ShownRequest = Omit<ReconciliationRequest, 'audience'>;

/** What a reconciliation card shows: where the work stands, or how it ended. */
export type ReconciliationState =
  | { state: 'queued' }
  | { state: 'progress'; progress: ReconciliationProgress }
  | { state: 'succeeded'; result: ReconciliationResult; link?: DownloadLink }
  | { state: 'failed'; failure: ReconciliationFailure };

interface Fact {
  title: string;
  value: string;
}

function money(amount: number | null, currency: string | null, locale: Locale): string {
  return amount === null ? '—' : formatAmount(amount, currency, locale);
}

function count(value: number, locale: Locale): string {
  return formatNumber(value, locale, 6);
}

function paidText(invoice: InvoiceSummary, locale: Locale): { text: string; settled: boolean } {
  const paid = invoice.paidAmount ?? 0;
  const total = invoice.totalCharges ?? 0;
  if (paid <= 0 && total > 0) return { text: t(locale, 'invoices.paid.unpaid'), settled: false };
  if (paid >= total) return { text: t(locale, 'invoices.paid.paid'), settled: true };
  return {
    text: t(locale, 'invoices.paid.partly', { amount: money(paid, invoice.currency, locale) }),
    settled: false,
  };
}

function typeText(invoice: InvoiceSummary, locale: Locale): string {
  const key = `invoices.types.${(invoice.invoiceType ?? '').toLowerCase()}`;
  if (hasKey(locale, key)) return t(locale, key);
  return invoice.invoiceType ?? (invoice.newCommerce ? t(locale, 'invoices.types.onetime') : '—');
}

/** `invoices`: the most recent invoices, each one selectable for its details. */
export function invoiceListCard(
  locale: Locale,
  list: { invoices: readonly InvoiceSummary[]; total: number },
): AdaptiveCard {
  return renderCard(
    'invoiceList',
    {
      invoices: list.invoices.map((invoice) => {
        const paid = paidText(invoice, locale);
        return {
          id: invoice.id,
          type: typeText(invoice, locale),
          date: formatDay(invoice.invoiceDate, locale),
          total: money(invoice.totalCharges, invoice.currency, locale),
          paid: paid.text,
          settled: paid.settled,
        };
      }),
      shown:
        list.total > list.invoices.length
          ? t(locale, 'invoices.list.shown', { shown: list.invoices.length, total: list.total })
          : null,
    },
    locale,
  );
}

function scopeTitle(request: ShownRequest, locale: Locale): string {
  if (request.scope.type === 'unbilled') {
    return t(locale, 'invoices.title.unbilled', { currency: request.scope.currency });
  }
  const key = request.view === 'invoice' ? 'invoices.title.invoice' : 'invoices.title.reconciliation';
  return t(locale, key, { invoiceId: request.scope.invoice.id });
}

function scopeCurrency(request: ShownRequest): string | null {
  return request.scope.type === 'unbilled' ? request.scope.currency : request.scope.invoice.currency;
}

function scopeFacts(request: ShownRequest, locale: Locale): Fact[] {
  const facts: Fact[] = [];
  if (request.scope.type === 'invoice') {
    const invoice = request.scope.invoice;
    facts.push({ title: t(locale, 'invoices.facts.date'), value: formatDay(invoice.invoiceDate, locale) });
    if (invoice.billingPeriodStart || invoice.billingPeriodEnd) {
      facts.push({
        title: t(locale, 'invoices.facts.period'),
        value: `${formatDay(invoice.billingPeriodStart, locale)} – ${formatDay(invoice.billingPeriodEnd, locale)}`,
      });
    }
    facts.push({
      title: t(locale, 'invoices.facts.total'),
      value: money(invoice.totalCharges, invoice.currency, locale),
    });
    facts.push({ title: t(locale, 'invoices.facts.paid'), value: paidText(invoice, locale).text });
    facts.push({ title: t(locale, 'invoices.facts.type'), value: typeText(invoice, locale) });
  } else {
    facts.push({ title: t(locale, 'invoices.facts.currency'), value: request.scope.currency });
  }
  if (request.customer)
    facts.push({ title: t(locale, 'invoices.facts.customer'), value: request.customer.name });
  return facts;
}

function progressText(progress: ReconciliationProgress | undefined, locale: Locale): string {
  if (!progress) return t(locale, 'invoices.progress.queued');
  if (progress.phase === 'exporting' && progress.polls === 0) return t(locale, 'invoices.progress.requested');
  if (progress.phase === 'exporting') {
    const statusKey = `invoices.progress.statuses.${progress.status}`;
    return t(locale, 'invoices.progress.exporting', {
      status: hasKey(locale, statusKey) ? t(locale, statusKey) : progress.status,
      polls: progress.polls,
      seconds: Math.round(progress.elapsedMs / 1000),
    });
  }
  if (progress.source === 'v1') {
    return t(locale, 'invoices.progress.readingV1', { count: count(progress.lineItems, locale) });
  }
  return t(locale, 'invoices.progress.readingGraph', {
    count: count(progress.lineItems, locale),
    file: (progress.blob?.index ?? 0) + 1,
    files: progress.blob?.count ?? 1,
  });
}

function checkBlock(
  request: ShownRequest,
  result: ReconciliationResult,
  locale: Locale,
): { style: string; text: string } {
  const currency = scopeCurrency(request);
  const { check } = result;
  const lines: string[] = [];
  let style = 'good';
  if (check.kind === 'invoice') {
    if (check.matches) {
      lines.push(t(locale, 'invoices.check.matches', { total: money(check.invoiceTotal, currency, locale) }));
    } else {
      style = 'warning';
      lines.push(
        t(locale, 'invoices.check.differs', {
          linesTotal: money(check.linesTotal, currency, locale),
          invoiceTotal: money(check.invoiceTotal, currency, locale),
          difference: money(check.difference, currency, locale),
        }),
      );
    }
  } else {
    style = 'emphasis';
    lines.push(
      t(locale, 'invoices.check.linesOnly', { linesTotal: money(check.linesTotal, currency, locale) }),
    );
  }
  const selected = result.summary.selected;
  if (request.customer && selected) {
    lines.push(
      t(locale, 'invoices.check.customer', {
        customerName: request.customer.name,
        total: money(selected.total, currency, locale),
        count: count(selected.lineCount, locale),
      }),
    );
  }
  return { style, text: lines.join('\n\n') };
}

function resultFacts(result: ReconciliationResult, locale: Locale, currency: string | null): Fact[] {
  return [
    { title: t(locale, 'invoices.facts.lineItems'), value: count(result.summary.lineCount, locale) },
    { title: t(locale, 'invoices.facts.customers'), value: count(result.summary.customerCount, locale) },
    {
      title: t(locale, 'invoices.facts.linesTotal'),
      value: money(result.summary.total, currency, locale),
    },
    {
      title: t(locale, 'invoices.facts.source'),
      value: result.sources.map((s) => t(locale, `invoices.sources.${s}`)).join(' + '),
    },
  ];
}

function resultSections(request: ShownRequest, result: ReconciliationResult, locale: Locale) {
  const currency = scopeCurrency(request);
  const { summary } = result;
  if (request.customer && summary.customers.length === 0) {
    return {
      heading: null,
      sections: [],
      notes: [t(locale, 'invoices.sections.customerAbsent', { customerName: request.customer.name })],
    };
  }
  if (summary.lineCount === 0)
    return { heading: null, sections: [], notes: [t(locale, 'invoices.sections.noLines')] };
  const more =
    !request.customer && summary.omittedCustomers > 0
      ? [t(locale, 'invoices.sections.moreCustomers', { count: count(summary.omittedCustomers, locale) })]
      : [];
  if (request.view === 'invoice') {
    return {
      heading: t(locale, 'invoices.sections.perCustomer'),
      sections: [
        {
          title: t(locale, 'invoices.facts.customers'),
          facts: summary.customers.map((c) => ({ title: c.name, value: money(c.total, currency, locale) })),
          note: null,
        },
      ],
      notes: more,
    };
  }
  return {
    heading: t(locale, 'invoices.sections.perProduct'),
    sections: summary.customers.map((c) => ({
      title: t(locale, 'invoices.sections.customer', {
        customerName: c.name,
        total: money(c.total, currency, locale),
      }),
      facts: c.products.map((p) => ({
        title: p.name,
        value: t(locale, 'invoices.sections.product', {
          quantity: count(p.quantity, locale),
          total: money(p.total, currency, locale),
        }),
      })),
      note:
        c.productCount > c.products.length
          ? t(locale, 'invoices.sections.moreProducts', { count: c.productCount - c.products.length })
          : null,
    })),
    notes: more,
  };
}

function failureLines(failure: ReconciliationFailure, locale: Locale): string[] {
  const lines = [
    t(locale, `invoices.failure.${failure.reason}`, { code: failure.code, message: failure.message }),
  ];
  if (failure.requestId)
    lines.push(t(locale, 'invoices.failure.requestId', { requestId: failure.requestId }));
  return lines;
}

/** An invoice or a reconciliation, at any point of its life: queued, in progress, done or failed. */
export function reconciliationCard(
  locale: Locale,
  request: ShownRequest,
  view: ReconciliationState,
  options: { fileExpiresAt?: number } = {},
): AdaptiveCard {
  const currency = scopeCurrency(request);
  const facts = scopeFacts(request, locale);
  const data: Record<string, unknown> = {
    title: scopeTitle(request, locale),
    subtitle: null,
    facts,
    progress: null,
    check: null,
    failure: null,
    heading: null,
    sections: [],
    notes: [],
    correlationId: null,
    download: null,
    buttons: [],
  };
  if (view.state === 'queued' || view.state === 'progress') {
    data.progress = {
      title: t(locale, 'invoices.progress.title'),
      text: progressText(view.state === 'progress' ? view.progress : undefined, locale),
    };
  } else if (view.state === 'failed') {
    data.failure = { title: t(locale, 'invoices.failure.title'), lines: failureLines(view.failure, locale) };
    data.correlationId = request.correlationId;
  } else {
    const { result } = view;
    data.facts = [...facts, ...resultFacts(result, locale, currency)];
    data.check = checkBlock(request, result, locale);
    const shown = resultSections(request, result, locale);
    data.heading = shown.heading;
    data.sections = shown.sections;
    const notes = [...shown.notes];
    if (result.download && view.link) {
      data.download = { title: t(locale, 'invoices.download.button'), url: view.link.url };
      notes.push(
        t(locale, 'invoices.download.note', {
          until: formatInstant(view.link.expiresAt, locale),
          kept: formatInstant(options.fileExpiresAt ?? result.download.expiresAt, locale),
        }),
      );
      data.buttons = [
        {
          title: t(locale, 'invoices.download.newLink'),
          verb: NEW_LINK_VERB,
          data: { downloadId: result.download.id },
        },
      ];
    }
    data.notes = notes;
  }
  return renderCard('reconciliation', data, locale);
}
