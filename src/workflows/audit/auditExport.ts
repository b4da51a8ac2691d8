import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditFilter, AuditRepository, DownloadRepository } from '../../store';
import { csvText } from '../invoices/csvExport';

/**
 * The audit trail as a CSV file the bot serves through a short-lived signed link: RFC 4180, UTF-8
 * with a byte order mark, text that starts like a formula prefixed with `'` (csvText), one row per
 * entry, newest first, at most MAX_EXPORT_ROWS (the card says when it stopped there).
 */

export const AUDIT_CSV_COLUMNS = [
  'At',
  'ActorId',
  'ActorName',
  'TenantId',
  'ConversationId',
  'Action',
  'Outcome',
  'Kind',
  'CustomerId',
  'CustomerName',
  'RequestId',
  'CorrelationId',
  'PartnerCenterRequestIds',
  'Details',
] as const;

const MAX_EXPORT_ROWS = 50_000;
const PAGE = 500;
const CHUNK_BYTES = 256 * 1024;

function auditCsvRow(entry: AuditEntry): string {
  return `${[
    new Date(entry.at).toISOString(),
    entry.actorId,
    entry.actorName,
    entry.tenantId,
    entry.conversationId,
    entry.action,
    entry.outcome,
    entry.kind,
    entry.customerId,
    entry.customerName,
    entry.requestId,
    entry.correlationId,
    entry.pcRequestId,
    entry.details === undefined ? undefined : JSON.stringify(entry.details),
  ]
    .map(csvText)
    .join(',')}\r\n`;
}

const AUDIT_CSV_HEADER = `\ufeff${AUDIT_CSV_COLUMNS.join(',')}\r\n`;

export interface AuditExportResult {
  downloadId: string;
  rows: number;
  /** True when the trail had more rows than MAX_EXPORT_ROWS. */
  truncated: boolean;
  expiresAt: number;
}

/** Writes the entries the filter selects into a new download that expires at `expiresAt`. */
export async function exportAuditCsv(
  deps: { audit: Pick<AuditRepository, 'list'>; downloads: DownloadRepository },
  filter: Omit<AuditFilter, 'before' | 'limit'>,
  options: { fileName: string; expiresAt: number; meta?: Record<string, string> },
): Promise<AuditExportResult> {
  const downloadId = randomBytes(16).toString('base64url');
  await deps.downloads.create({
    id: downloadId,
    fileName: options.fileName,
    contentType: 'text/csv; charset=utf-8',
    encoding: 'identity',
    meta: { kind: 'audit', ...options.meta },
    expiresAt: options.expiresAt,
  });
  let pending = AUDIT_CSV_HEADER;
  let seq = 0;
  let size = 0;
  const flush = async (force: boolean) => {
    if (pending.length === 0 || (!force && Buffer.byteLength(pending) < CHUNK_BYTES)) return;
    const chunk = Buffer.from(pending, 'utf8');
    await deps.downloads.appendChunk(downloadId, seq, chunk);
    seq += 1;
    size += chunk.length;
    pending = '';
  };
  let rows = 0;
  let before: AuditEntry | undefined;
  let truncated = false;
  for (;;) {
    const page = await deps.audit.list({ ...filter, limit: PAGE, before });
    for (const entry of page) {
      if (rows >= MAX_EXPORT_ROWS) {
        truncated = true;
        break;
      }
      pending += auditCsvRow(entry);
      rows += 1;
    }
    await flush(false);
    if (truncated || page.length < PAGE) break;
    before = page[page.length - 1];
  }
  await flush(true);
  await deps.downloads.finish(downloadId, { sizeBytes: size, chunkCount: seq });
  return { downloadId, rows, truncated, expiresAt: options.expiresAt };
}
