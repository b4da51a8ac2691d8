import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import type { DownloadRepository, JsonObject } from '../../store';
import type { ReconLine } from './reconLine';

/**
 * The CSV of reconciliation line items, written while the lines stream past: each row is encoded,
 * gzipped and stored in chunks of about 256 KiB, so neither the lines nor the file are ever held
 * whole in memory, and any instance can serve the file from the store.
 *
 * RFC 4180: comma separated, CRLF, fields quoted when they hold a comma, a quote or a line break.
 * A UTF-8 byte order mark lets spreadsheet programs read accented names. A text field that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so that no spreadsheet
 * takes a customer or product name for a formula; numbers are written as numbers.
 */

export const CSV_COLUMNS = [
  'InvoiceNumber',
  'CustomerId',
  'CustomerName',
  'CustomerDomainName',
  'ProductId',
  'SkuId',
  'ProductName',
  'SkuName',
  'ChargeType',
  'SubscriptionId',
  'OrderId',
  'ChargeStartDate',
  'ChargeEndDate',
  'UnitPrice',
  'Quantity',
  'Subtotal',
  'TaxTotal',
  'TotalForCustomer',
  'Currency',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(value: string | undefined): string {
  if (value === undefined) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvNumber(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '' : String(value);
}

export function csvRow(line: ReconLine): string {
  return `${[
    csvText(line.invoiceNumber),
    csvText(line.customerId),
    csvText(line.customerName),
    csvText(line.customerDomain),
    csvText(line.productId),
    csvText(line.skuId),
    csvText(line.productName),
    csvText(line.skuName),
    csvText(line.chargeType),
    csvText(line.subscriptionId),
    csvText(line.orderId),
    csvText(line.chargeStartDate),
    csvText(line.chargeEndDate),
    csvNumber(line.unitPrice),
    csvNumber(line.quantity),
    csvNumber(line.subtotal),
    csvNumber(line.tax),
    csvNumber(line.total),
    csvText(line.currency),
  ].join(',')}\r\n`;
}

export const CSV_HEADER = `\ufeff${CSV_COLUMNS.join(',')}\r\n`;

/** Gzip output handed to `sink` in chunks of at least `chunkBytes` (the last one smaller). */
export class GzipChunkWriter {
  private readonly gzip: Gzip = createGzip();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;
  private flushing: Promise<void> = Promise.resolve();
  bytes = 0;
  chunks = 0;

  constructor(
    private readonly sink: (seq: number, chunk: Buffer) => Promise<void>,
    private readonly chunkBytes: number,
  ) {
    this.gzip.on('data', (data: Buffer) => {
      this.pending.push(data);
      this.pendingBytes += data.length;
    });
    this.gzip.on('error', (error: Error) => (this.failure = error));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.gzip.write(text)) await once(this.gzip, 'drain');
    if (this.pendingBytes >= this.chunkBytes) await this.flush();
  }

  async end(): Promise<void> {
    const ended = once(this.gzip, 'end');
    this.gzip.end();
    await ended;
    if (this.failure) throw this.failure;
    await this.flush();
  }

  destroy(): void {
    this.gzip.destroy();
  }

  private async flush(): Promise<void> {
    await this.flushing;
    if (this.pendingBytes === 0) return;
    const chunk = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const seq = this.chunks;
    this.chunks += 1;
    this.bytes += chunk.length;
    this.flushing = this.sink(seq, chunk);
    await this.flushing;
  }
}

export interface CsvExportOptions {
  id: string;
  fileName: string;
  expiresAt: number;
  /** Stored chunk size (default 256 KiB). */
  chunkBytes?: number;
}

/** One CSV download being written: open, add rows, then close (ready) or abandon (deleted). */
export class ReconciliationCsv {
  private readonly writer: GzipChunkWriter;
  rows = 0;

  constructor(
    private readonly downloads: DownloadRepository,
    private readonly options: CsvExportOptions,
  ) {
    this.writer = new GzipChunkWriter(
      (seq, chunk) => downloads.appendChunk(options.id, seq, chunk),
      options.chunkBytes ?? 256 * 1024,
    );
  }

  get id(): string {
    return this.options.id;
  }

  get expiresAt(): number {
    return this.options.expiresAt;
  }

  async open(meta: JsonObject): Promise<void> {
    await this.downloads.create({
      id: this.options.id,
      fileName: this.options.fileName,
      contentType: 'text/csv; charset=utf-8',
      encoding: 'gzip',
      meta,
      expiresAt: this.options.expiresAt,
    });
    await this.writer.write(CSV_HEADER);
  }

  async add(line: ReconLine): Promise<void> {
    this.rows += 1;
    await this.writer.write(csvRow(line));
  }

  /** Stores the rest and marks the file ready; false when it was purged meanwhile. */
  async close(meta: JsonObject): Promise<boolean> {
    await this.writer.end();
    return this.downloads.finish(this.options.id, {
      sizeBytes: this.writer.bytes,
      chunkCount: this.writer.chunks,
      meta,
    });
  }

  async abandon(): Promise<void> {
    this.writer.destroy();
    await this.downloads.delete(this.options.id);
  }
}
