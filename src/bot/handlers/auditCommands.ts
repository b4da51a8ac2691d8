import { randomUUID } from 'node:crypto';
import { CardFactory, type AdaptiveCardInvokeResponse } from 'botbuilder';
import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { t } from '../../i18n';
import { formatInstant } from '../../i18n/format';
import type { PartnerCenterClient } from '../../partnercenter';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditRepository,
  DownloadRepository,
  KeyValueRepository,
} from '../../store';
import { exportAuditCsv } from '../../workflows/audit/auditExport';
import type { DownloadLinks } from '../downloads/downloadLinks';
import { refuseRole } from '../features/startDialog';
import { invokeCard, invokeError, invokeForbidden, invokeInvalidSubmission } from '../invokeResponses';
import type { TurnServices } from '../turnServices';
import { resolveCustomer } from './orders';
import type { CommandHandler, VerbHandler } from './types';

export interface AuditHandlerDeps {
  pc: PartnerCenterClient;
  audit: AuditRepository;
  kv: KeyValueRepository;
  downloads: DownloadRepository;
  downloadLinks: DownloadLinks;
  retentionDays: number;
  now?: () => number;
}

export const AUDIT_PAGE_SIZE = 10;
export const DEFAULT_AUDIT_DAYS = 30;
export const MAX_AUDIT_DAYS = 3_650;
/** How long an audit card's paging works (its cursors are kept on the server this long). */
const VIEW_TTL_MS = 60 * 60_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A view of the audit trail, kept on the server: who opened it, what it selects, and where each
 * page starts (the last entry of the page before). The card carries only the view id and a page
 * number; a view is its opener's alone.
 */
const viewSchema = z.object({
  owner: z.string(),
  customerId: z.string().optional(),
  customerLabel: z.string(),
  since: z.number(),
  days: z.number(),
  starts: z.array(z.object({ at: z.number(), id: z.number() }).nullable()),
});
type AuditView = z.infer<typeof viewSchema>;

const pageData = z.object({ viewId: z.string().uuid(), page: z.coerce.number().int().min(0).max(10_000) });
const exportData = z.object({ viewId: z.string().uuid() });

const viewKey = (id: string) => `audit-view:${id}`;

/**
 * `audit [customer] [days]` for administrators: the trail newest first, a page at a time (Next and
 * Previous through Action.Execute, cursors on the server), and a CSV export served through a
 * short-lived signed link. Opening a view and exporting are themselves audited.
 */
export function auditHandlers(deps: AuditHandlerDeps): {
  command: CommandHandler;
  verbs: Record<string, VerbHandler>;
} {
  const now = deps.now ?? Date.now;

  const command: CommandHandler = async ({ context, services, args }) => {
    const { locale, correlationId } = services;
    if (!services.roles.includes('admin')) {
      await record(deps, services, 'audit.view.refused', 'forbidden');
      await refuseRole(context, services, 'admin');
      return;
    }
    const words = [...args];
    let days = DEFAULT_AUDIT_DAYS;
    if (words.length > 0 && /^\d+$/.test(words[words.length - 1])) {
      days = Number(words.pop());
      if (days < 1 || days > MAX_AUDIT_DAYS) {
        await notice(
          context,
          services,
          t(locale, 'governance.audit.badDays', { max: MAX_AUDIT_DAYS, correlationId }),
        );
        return;
      }
    }
    const query = words.join(' ').trim();
    let customerId: string | undefined;
    let customerLabel = t(locale, 'governance.audit.allCustomers');
    if (GUID.test(query)) {
      customerId = query.toLowerCase();
      customerLabel = customerId;
    } else if (query !== '') {
      const found = await resolveCustomer(deps.pc, query, services);
      if (!found.ok) {
        await notice(context, services, found.text);
        return;
      }
      customerId = found.customer.id.toLowerCase();
      customerLabel = found.customer.companyName;
    }
    const viewId = randomUUID();
    const view: AuditView = {
      owner: ownerOf(services),
      customerId,
      customerLabel,
      since: now() - days * 86_400_000,
      days,
      starts: [null],
    };
    await record(deps, services, 'audit.view', 'ok', { customerId, details: { days } });
    const card = await pageCard(deps, services, viewId, view, 0);
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  };

  const page: VerbHandler = async ({ services, data }) => {
    const parsed = pageData.safeParse(data);
    if (!parsed.success) return invokeInvalidSubmission(services);
    const view = await openView(deps, services, parsed.data.viewId);
    if (!view.ok) return view.answer;
    if (view.value.starts[parsed.data.page] === undefined) return expired(services);
    return invokeCard(await pageCard(deps, services, parsed.data.viewId, view.value, parsed.data.page));
  };

  const exportCsv: VerbHandler = async ({ services, data }) => {
    const parsed = exportData.safeParse(data);
    if (!parsed.success) return invokeInvalidSubmission(services);
    const view = await openView(deps, services, parsed.data.viewId);
    if (!view.ok) return view.answer;
    const { customerId, since } = view.value;
    const expiresAt = now() + deps.downloadLinks.ttlMs;
    const exported = await exportAuditCsv(
      deps,
      { customerId, since },
      { fileName: `audit-${new Date(now()).toISOString().slice(0, 10)}.csv`, expiresAt },
    );
    await record(deps, services, 'audit.export', 'ok', {
      customerId,
      details: { rows: exported.rows, truncated: exported.truncated, days: view.value.days },
    });
    const link = deps.downloadLinks.link(exported.downloadId, exported.expiresAt);
    const text = t(services.locale, 'governance.audit.exported', {
      count: exported.rows,
      minutes: Math.max(1, Math.round((link.expiresAt - now()) / 60_000)),
    });
    return invokeCard(
      await pageCard(deps, services, parsed.data.viewId, view.value, 0, { notice: text, download: link.url }),
    );
  };

  return { command, verbs: { 'audit.page': page, 'audit.export': exportCsv } };
}

function ownerOf(services: TurnServices): string {
  return services.caller.aadObjectId?.toLowerCase() ?? 'unknown';
}

async function openView(
  deps: AuditHandlerDeps,
  services: TurnServices,
  viewId: string,
): Promise<{ ok: true; value: AuditView } | { ok: false; answer: AdaptiveCardInvokeResponse }> {
  if (!services.roles.includes('admin')) {
    await record(deps, services, 'audit.view.refused', 'forbidden');
    return {
      ok: false,
      answer: invokeForbidden(services, 'admin'),
    };
  }
  const view = await deps.kv.getJson(viewKey(viewId), viewSchema);
  if (!view || view.owner !== ownerOf(services)) {
    await record(deps, services, 'audit.view.refused', view ? 'not-owner' : 'unknown-view');
    return { ok: false, answer: expired(services) };
  }
  return { ok: true, value: view };
}

function expired(services: TurnServices): AdaptiveCardInvokeResponse {
  return invokeError(
    410,
    'Gone',
    t(services.locale, 'governance.audit.viewExpired', { correlationId: services.correlationId }),
  );
}

async function pageCard(
  deps: AuditHandlerDeps,
  services: TurnServices,
  viewId: string,
  view: AuditView,
  page: number,
  extra: { notice?: string; download?: string } = {},
): Promise<AdaptiveCard> {
  const { locale } = services;
  const start = view.starts[page] ?? undefined;
  const found = await deps.audit.list({
    customerId: view.customerId,
    since: view.since,
    before: start,
    limit: AUDIT_PAGE_SIZE + 1,
  });
  const rows = found.slice(0, AUDIT_PAGE_SIZE);
  const more = found.length > AUDIT_PAGE_SIZE;
  const last = rows[rows.length - 1];
  if (more && last && view.starts[page + 1] === undefined) {
    view.starts[page + 1] = { at: last.at, id: last.id };
  }
  await deps.kv.setJson(viewKey(viewId), view, { ttlMs: VIEW_TTL_MS });
  return renderCard(
    'auditTrail',
    {
      scope: t(locale, 'governance.audit.scope', { customer: view.customerLabel, days: view.days }),
      notice: extra.notice ?? null,
      rows: rows.map((entry) => rowView(entry, services)),
      pageLabel: t(locale, 'governance.audit.page', {
        page: page + 1,
        count: AUDIT_PAGE_SIZE,
        retention: deps.retentionDays,
      }),
      previous: page > 0 ? { viewId, page: page - 1 } : null,
      next: more ? { viewId, page: page + 1 } : null,
      export: { viewId },
      download: extra.download ?? null,
    },
    locale,
  );
}

function rowView(entry: AuditEntry, services: TurnServices) {
  const { locale } = services;
  const fact = (key: string, value: string | undefined) =>
    value ? [{ title: t(locale, `governance.audit.facts.${key}`), value: value.slice(0, 300) }] : [];
  return {
    heading: `${formatInstant(entry.at, locale)} · ${entry.action}`,
    facts: [
      ...fact('who', entry.actorName ? `${entry.actorName} (${entry.actorId})` : entry.actorId),
      ...fact('outcome', entry.outcome),
      ...fact(
        'customer',
        entry.customerName ? `${entry.customerName} (${entry.customerId ?? ''})` : entry.customerId,
      ),
      ...fact('kind', entry.kind),
      ...fact('request', entry.requestId),
      ...fact('pcRequests', entry.pcRequestId),
      ...fact('correlation', entry.correlationId),
    ],
  };
}

async function notice(
  context: Parameters<CommandHandler>[0]['context'],
  services: TurnServices,
  text: string,
): Promise<void> {
  const card = renderCard('notice', { text, tone: 'error' }, services.locale);
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

async function record(
  deps: AuditHandlerDeps,
  services: TurnServices,
  action: string,
  outcome: string,
  extra: Pick<AuditEntryInput, 'customerId' | 'details'> = {},
): Promise<void> {
  try {
    await deps.audit.append({
      actorId: services.caller.aadObjectId ?? 'unknown',
      actorName: services.caller.name,
      action,
      outcome,
      tenantId: services.tenantId,
      conversationId: services.conversationId || undefined,
      correlationId: services.correlationId,
      ...extra,
    });
  } catch (error) {
    services.logger.error({ err: error, action }, 'could not write an audit record');
  }
}
