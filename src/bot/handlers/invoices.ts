import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderCard } from '../../cards/render';
import { mfaCard } from '../../dialogs/lifecycleCards';
import { t, type Locale } from '../../i18n';
import { isMfaRequired, type PartnerCenterClient } from '../../partnercenter';
import type { DownloadRepository } from '../../store';
import type { Role } from '../../workflows';
import {
  INVOICE_ID,
  findInvoice,
  recentInvoices,
  type InvoiceSummary,
} from '../../workflows/invoices/invoiceQueries';
import {
  storedReconciliationSchema,
  type ReconciliationJobs,
  type ReconciliationRequest,
} from '../../workflows/invoices/reconciliationJob';
import { normalizeWord } from '../commands';
import type { DownloadLinks } from '../downloads/downloadLinks';
import { refuseRole } from '../features/startDialog';
import { invokeCard, invokeInvalidSubmission, invokeMessage } from '../invokeResponses';
import { toActivity } from '../proactive';
import type { ReconciliationAudience } from '../reconciliationReporter';
import type { TurnServices } from '../turnServices';
import { invoiceListCard, reconciliationCard, type ShownRequest } from './invoiceCards';
import { resolveCustomer } from './orders';
import type { CommandHandler, VerbHandler } from './types';

export interface InvoiceHandlerDeps {
  pc: PartnerCenterClient;
  jobs: Pick<ReconciliationJobs, 'start'>;
  downloads: Pick<DownloadRepository, 'get'>;
  links: DownloadLinks;
}

/** Invoices and reconciliation are reads: the role every user of an allowed tenant has, like `orders`. */
const READ_ROLE: Role = 'viewer';
const INVOICES_SHOWN = 12;
/** The first word of `recon unbilled …` in either language (accents and case ignored). */
const UNBILLED_WORDS = new Set(['unbilled', 'nonfacture', 'non-facture', 'nonfactures', 'non-factures']);

async function notice(context: TurnContext, locale: Locale, text: string): Promise<void> {
  await context.sendActivity(toActivity({ card: renderCard('notice', { text }, locale) }));
}

async function allowed(context: TurnContext, services: TurnServices): Promise<boolean> {
  if (services.roles.includes(READ_ROLE)) return true;
  await refuseRole(context, services, READ_ROLE);
  return false;
}

/** The invoice, or undefined after telling the user why not (unknown id, MFA needed). */
async function invoiceFor(
  deps: InvoiceHandlerDeps,
  context: TurnContext,
  services: TurnServices,
  text: string,
): Promise<InvoiceSummary | undefined> {
  const { locale, correlationId } = services;
  if (!INVOICE_ID.test(text)) {
    await notice(context, locale, t(locale, 'invoices.badId', { text: text.slice(0, 40) }));
    return undefined;
  }
  try {
    const invoice = await findInvoice(deps.pc, text, { correlationId });
    if (!invoice) await notice(context, locale, t(locale, 'invoices.notFound', { invoiceId: text }));
    return invoice;
  } catch (error) {
    // Get-invoice-by-id is App+User: without an MFA claim, the same card as the lifecycle flows.
    if (isMfaRequired(error)) {
      await context.sendActivity(
        toActivity({ card: mfaCard(locale, t(locale, 'invoices.flow'), correlationId) }),
      );
      return undefined;
    }
    throw error;
  }
}

/**
 * Shows the card of the work (queued) in this conversation, then queues the work, which updates
 * that card in place as it goes and when it ends. The turn itself answers at once.
 */
async function startReconciliation(
  deps: InvoiceHandlerDeps,
  context: TurnContext,
  services: TurnServices,
  shown: Omit<ShownRequest, 'correlationId' | 'requestedBy'>,
): Promise<void> {
  const { locale, correlationId, caller } = services;
  const request: ShownRequest = {
    ...shown,
    correlationId,
    requestedBy: caller.aadObjectId ?? caller.name,
  };
  const card = reconciliationCard(locale, request, { state: 'queued' });
  const sent = await context.sendActivity(toActivity({ card }));
  const audience: ReconciliationAudience = {
    conversationKey: context.activity.conversation.id,
    ...(sent?.id ? { activityId: sent.id } : {}),
    locale,
  };
  const full: ReconciliationRequest = { ...request, audience };
  await deps.jobs.start(full);
  services.logger.info({ scope: request.scope.type, view: request.view }, 'reconciliation queued');
}

/** The customer a command names after its first words, or undefined after telling why not. */
async function customerFor(
  deps: InvoiceHandlerDeps,
  context: TurnContext,
  services: TurnServices,
  text: string,
): Promise<{ id: string; name: string } | undefined | null> {
  if (text.trim() === '') return null;
  const lookup = await resolveCustomer(deps.pc, text, services);
  if (!lookup.ok) {
    await notice(context, services.locale, lookup.text);
    return undefined;
  }
  return { id: lookup.customer.id, name: lookup.customer.companyName };
}

/** What follows the first `n` words of the command's text. */
function after(argText: string, args: readonly string[], n: number): string {
  let rest = argText.trim();
  for (const word of args.slice(0, n)) rest = rest.slice(rest.indexOf(word) + word.length).trim();
  return rest;
}

/** `invoices` / `factures`: recent invoices; `invoices <id>`: that invoice and its totals per customer. */
export function invoicesCommand(deps: InvoiceHandlerDeps): CommandHandler {
  return async ({ context, services, args }) => {
    if (!(await allowed(context, services))) return;
    const { locale, correlationId } = services;
    const id = args[0]?.trim();
    if (!id) {
      const list = await recentInvoices(deps.pc, { correlationId, limit: INVOICES_SHOWN });
      await context.sendActivity(toActivity({ card: invoiceListCard(locale, list) }));
      return;
    }
    const invoice = await invoiceFor(deps, context, services, id);
    if (!invoice) return;
    await startReconciliation(deps, context, services, {
      scope: { type: 'invoice', invoice },
      view: 'invoice',
    });
  };
}

/**
 * `recon <invoice id> [customer]` / `rapprochement`: the invoice's line items per customer and
 * product; `recon unbilled <currency> [customer]` (`rapprochement nonfacture …`): the current
 * period's charges not invoiced yet.
 */
export function reconCommand(deps: InvoiceHandlerDeps): CommandHandler {
  return async ({ context, services, args, argText }) => {
    if (!(await allowed(context, services))) return;
    const { locale } = services;
    const first = args[0]?.trim();
    if (!first) return notice(context, locale, t(locale, 'invoices.usage.recon'));
    if (UNBILLED_WORDS.has(normalizeWord(first))) {
      const currency = args[1]?.trim().toUpperCase() ?? '';
      if (!isCurrencyCode(currency)) {
        const key = currency === '' ? 'invoices.usage.recon' : 'invoices.usage.currency';
        return notice(context, locale, t(locale, key, { text: (args[1] ?? '').slice(0, 20) }));
      }
      const customer = await customerFor(deps, context, services, after(argText, args, 2));
      if (customer === undefined) return;
      await startReconciliation(deps, context, services, {
        scope: { type: 'unbilled', currency, period: 'current' },
        view: 'reconciliation',
        ...(customer ? { customer } : {}),
      });
      return;
    }
    const invoice = await invoiceFor(deps, context, services, first);
    if (!invoice) return;
    const customer = await customerFor(deps, context, services, after(argText, args, 1));
    if (customer === undefined) return;
    await startReconciliation(deps, context, services, {
      scope: { type: 'invoice', invoice },
      view: 'reconciliation',
      ...(customer ? { customer } : {}),
    });
  };
}

const NewLinkData = z.object({ downloadId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

/** "New download link": the same result card with a fresh link, while the file is kept. */
export function newLinkVerb(deps: InvoiceHandlerDeps): VerbHandler {
  return async ({ services, data }) => {
    const parsed = NewLinkData.safeParse(data);
    if (!parsed.success) return invokeInvalidSubmission(services);
    if (!services.roles.includes(READ_ROLE)) return invokeInvalidSubmission(services);
    const { locale } = services;
    const download = await deps.downloads.get(parsed.data.downloadId);
    const stored = download ? storedReconciliationSchema.safeParse(download.meta) : undefined;
    if (!download || !stored?.success) return invokeMessage(t(locale, 'invoices.download.gone'));
    const link = deps.links.link(download.id, download.expiresAt);
    return invokeCard(
      reconciliationCard(locale, stored.data.request, {
        state: 'succeeded',
        result: stored.data.result,
        link,
      }),
    );
  };
}

function isCurrencyCode(text: string): boolean {
  if (!/^[A-Z]{3}$/.test(text)) return false;
  try {
    return Intl.supportedValuesOf('currency').includes(text);
  } catch {
    return true;
  }
}
