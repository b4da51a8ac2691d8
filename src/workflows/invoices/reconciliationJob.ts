import { z } from 'zod';
import {
  EXPORT_NO_DATA_CODE,
  PartnerCenterError,
  type GraphBillingClient,
  type GraphBillingManifest,
  type PartnerCenterClient,
} from '../../partnercenter';
import type { Logger } from '../../logging';
import type { DownloadRepository, JsonObject, Watch } from '../../store';
import { jsonObject } from '../../store/json';
import type { TaskContext, TaskHandler, TaskOutcome } from '../requests/workQueue';
import { errorSummary } from '../pcErrors';
import { fromMicros, sameAmount, toMicros } from './amounts';
import { ReconciliationCsv } from './csvExport';
import { invoiceSummarySchema } from './invoiceQueries';
import { ReconciliationAggregate, reconciliationSummarySchema } from './reconciliationAggregate';
import { fromExportLine, fromLegacyLine, type ReconLine } from './reconLine';

/**
 * Reconciliation as a durable background task (a work item in the store), so that a Teams turn
 * answers at once and an export that takes minutes neither blocks it nor is lost in a restart:
 *
 * 1. the turn checks what was asked (the invoice exists, the customer), shows a card and calls
 *    `start`, which queues the task;
 * 2. each run of the task does one step and stores where it stands in the task's payload: start
 *    the Graph export (its operation id kept), then one poll of the operation per run, the next run
 *    not before the Retry-After Graph asked (no process sleeps for minutes; any instance may take
 *    the next run);
 * 3. once the export succeeded (or at once for a legacy invoice, read through the v1 line items),
 *    one run streams every line item: added up per customer and product and written to the CSV
 *    download as it is read, never held whole in memory;
 * 4. the outcome (result or failure) is stored in the payload before it is reported, and its
 *    report is retried until it reaches Teams.
 *
 * Progress and outcomes go to a `ReconciliationReporter` the bot provides; this module knows
 * nothing of Teams (`audience` is the bot's own data, kept as given).
 */

export const RECONCILIATION_TASK = 'invoice-reconciliation';

const reconciliationScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('invoice'), invoice: invoiceSummarySchema }),
  z.object({
    type: z.literal('unbilled'),
    currency: z.string().regex(/^[A-Z]{3}$/),
    period: z.enum(['current', 'last']),
  }),
]);
export type ReconciliationScope = z.infer<typeof reconciliationScopeSchema>;

export const reconciliationRequestSchema = z.object({
  scope: reconciliationScopeSchema,
  /** `reconciliation`: per customer and product; `invoice`: the invoice's totals per customer. */
  view: z.enum(['reconciliation', 'invoice']),
  /** Only this customer's lines are listed and exported (the totals check covers every line). */
  customer: z.object({ id: z.string(), name: z.string() }).optional(),
  /** The turn's correlation id: every call of the export carries it, and failures show it. */
  correlationId: z.string(),
  requestedBy: z.string(),
  /** Where and for whom the outcome is shown (the reporter's own data). */
  audience: jsonObject,
});
export type ReconciliationRequest = z.infer<typeof reconciliationRequestSchema>;

export const FAILURE_REASONS = [
  'no-data',
  'export-failed',
  'auth',
  'timeout',
  'paging',
  'not-configured',
  'no-source',
  'error',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const reconciliationFailureSchema = z.object({
  reason: z.enum(FAILURE_REASONS),
  code: z.string(),
  message: z.string(),
  requestId: z.string().optional(),
});
export type ReconciliationFailure = z.infer<typeof reconciliationFailureSchema>;

export const totalsCheckSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('invoice'),
    invoiceTotal: z.number(),
    linesTotal: z.number(),
    difference: z.number(),
    matches: z.boolean(),
  }),
  /** Unbilled charges, or an invoice without a total: nothing to compare with. */
  z.object({ kind: z.literal('lines-only'), linesTotal: z.number() }),
]);
export type TotalsCheck = z.infer<typeof totalsCheckSchema>;

export const reconciliationResultSchema = z.object({
  /** `graph`: the Graph billing export (v2); `v1`: the v1 line items of a legacy invoice. */
  sources: z.array(z.enum(['graph', 'v1'])),
  summary: reconciliationSummarySchema,
  check: totalsCheckSchema,
  /** The CSV of the line items listed (all, or the customer's); absent when there were none. */
  download: z.object({ id: z.string(), expiresAt: z.number(), rows: z.number().int() }).optional(),
});
export type ReconciliationResult = z.infer<typeof reconciliationResultSchema>;

export const reconciliationOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('succeeded'), result: reconciliationResultSchema }),
  z.object({ status: z.literal('failed'), failure: reconciliationFailureSchema }),
]);
export type ReconciliationOutcome = z.infer<typeof reconciliationOutcomeSchema>;

/** What a CSV download remembers of its reconciliation (to show the result again with a new link). */
export const storedReconciliationSchema = z.object({
  request: reconciliationRequestSchema.omit({ audience: true }),
  result: reconciliationResultSchema,
});
export type StoredReconciliation = z.infer<typeof storedReconciliationSchema>;

const jobStateSchema = z.object({
  v: z.literal(1),
  request: reconciliationRequestSchema,
  /** Set by the first run (the queue's clock). */
  startedAt: z.number().optional(),
  deadlineAt: z.number().optional(),
  export: z.object({ operationId: z.string(), polls: z.number().int(), status: z.string() }).optional(),
  transientFailures: z.number().int().default(0),
  outcome: reconciliationOutcomeSchema.optional(),
  deliveryAttempts: z.number().int().default(0),
});
type JobState = z.infer<typeof jobStateSchema>;

export type ReconciliationProgress =
  | { phase: 'exporting'; status: string; polls: number; elapsedMs: number }
  | {
      phase: 'reading';
      source: 'graph' | 'v1';
      lineItems: number;
      blob?: { index: number; count: number };
    };

/** Where the task reports (the bot updates the card it showed). */
export interface ReconciliationReporter {
  progress(request: ReconciliationRequest, progress: ReconciliationProgress): Promise<void>;
  /** Throws when the outcome could not be shown: it is tried again later. */
  finished(request: ReconciliationRequest, outcome: ReconciliationOutcome): Promise<void>;
}

export interface ReconciliationTuning {
  /** Least wait between two polls of a running export (default 5 s; Graph's Retry-After can ask more). */
  pollIntervalMs?: number;
  /** How long an export may take, from the request, before it is given up (default 60 min). */
  deadlineMs?: number;
  /** How long the CSV stays downloadable (default 24 h; each link expires sooner). */
  downloadRetentionMs?: number;
  /** Least time between two progress reports while line items are read (default 2 s). */
  progressEveryMs?: number;
  /** v1 page size (default 2,000, the documented maximum). */
  pageSize?: number;
  /** Stored CSV chunk size (default 256 KiB). */
  chunkBytes?: number;
}

export interface ReconciliationJobsDeps {
  pc: PartnerCenterClient;
  /** The Graph billing client; without it, new-commerce reconciliation fails as not configured. */
  graph?: GraphBillingClient;
  downloads: DownloadRepository;
  queue: {
    enqueue(task: { id: string; kind: string; payload: JsonObject; nextRunAt: number }): Promise<unknown>;
    kick(): void;
  };
  reporter: ReconciliationReporter;
  logger: Logger;
  newId: () => string;
  tuning?: ReconciliationTuning;
}

/** How many customers and products each view keeps for its card. */
const VIEW_LIMITS = {
  reconciliation: { maxCustomers: 12, maxProductsPerCustomer: 6 },
  invoice: { maxCustomers: 30, maxProductsPerCustomer: 0 },
} as const;

const MAX_DELIVERY_ATTEMPTS = 12;

const PAGING_PATHS = new Set(['links.next.uri', 'links.next', 'continuationToken']);

function backoffMs(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** Math.min(attempt, 6));
}

/** What a failure of the export or of a read is, for the person who asked. */
function failureOf(error: unknown): ReconciliationFailure {
  const { pcRequestId, ...summary } = errorSummary(error);
  const base = { ...summary, ...(pcRequestId ? { requestId: pcRequestId } : {}) };
  if (!(error instanceof PartnerCenterError)) return { reason: 'error', ...base };
  if (error.code === EXPORT_NO_DATA_CODE) return { reason: 'no-data', ...base };
  if (error.code === 'auth' || error.status === 401 || error.status === 403)
    return { reason: 'auth', ...base };
  if (error.code === 'schema' && error.schemaPath !== undefined && PAGING_PATHS.has(error.schemaPath)) {
    return { reason: 'paging', ...base };
  }
  return { reason: 'error', ...base };
}

class Failed extends Error {
  constructor(readonly failure: ReconciliationFailure) {
    super(failure.message);
  }
}

export class ReconciliationJobs implements TaskHandler {
  readonly kind = RECONCILIATION_TASK;
  private readonly tuning: Required<ReconciliationTuning>;

  constructor(private readonly deps: ReconciliationJobsDeps) {
    this.tuning = {
      pollIntervalMs: deps.tuning?.pollIntervalMs ?? 5_000,
      deadlineMs: deps.tuning?.deadlineMs ?? 60 * 60_000,
      downloadRetentionMs: deps.tuning?.downloadRetentionMs ?? 24 * 3_600_000,
      progressEveryMs: deps.tuning?.progressEveryMs ?? 2_000,
      pageSize: deps.tuning?.pageSize ?? 2_000,
      chunkBytes: deps.tuning?.chunkBytes ?? 256 * 1024,
    };
  }

  /** Queues a reconciliation; its progress and outcome go to the reporter. Returns the task's id. */
  async start(request: ReconciliationRequest): Promise<string> {
    const parsed = reconciliationRequestSchema.parse(request);
    const state: JobState = { v: 1, request: parsed, transientFailures: 0, deliveryAttempts: 0 };
    const id = `reconciliation:${this.deps.newId()}`;
    // Due at once, whatever the clock of the instance that takes it.
    await this.deps.queue.enqueue({ id, kind: RECONCILIATION_TASK, payload: state, nextRunAt: 0 });
    this.deps.queue.kick();
    return id;
  }

  async handle(task: Watch, context: TaskContext): Promise<TaskOutcome> {
    const parsed = jobStateSchema.safeParse(task.payload);
    if (!parsed.success) {
      context.logger.error(
        { task: task.id, issues: parsed.error.issues.slice(0, 3) },
        'unreadable reconciliation task dropped',
      );
      return { type: 'done' };
    }
    const started = parsed.data.startedAt ?? context.now();
    const state: Timed<JobState> = {
      ...parsed.data,
      startedAt: started,
      deadlineAt: parsed.data.deadlineAt ?? started + this.tuning.deadlineMs,
    };
    const logger = context.logger.child({ correlationId: state.request.correlationId, task: task.id });
    if (state.outcome) return this.deliver(state, state.outcome, logger);
    try {
      return await this.step(state, context, logger);
    } catch (error) {
      if (error instanceof Failed)
        return this.deliver(state, { status: 'failed', failure: error.failure }, logger);
      if (error instanceof PartnerCenterError && error.transient && context.now() < state.deadlineAt) {
        const delayMs = backoffMs(state.transientFailures);
        logger.warn({ err: error.toJSON(), delayMs }, 'reconciliation hit a passing failure; trying again');
        return {
          type: 'retry',
          delayMs,
          payload: { ...state, transientFailures: state.transientFailures + 1 },
        };
      }
      if (context.signal.aborted) throw error;
      logger.warn(
        { err: error instanceof PartnerCenterError ? error.toJSON() : error },
        'reconciliation failed',
      );
      return this.deliver(state, { status: 'failed', failure: failureOf(error) }, logger);
    }
  }

  /** One step: start the export, poll it once, or read every line item. */
  private async step(state: Timed<JobState>, context: TaskContext, logger: Logger): Promise<TaskOutcome> {
    const { request } = state;
    const call = { correlationId: request.correlationId, signal: context.signal };
    const usesGraph = request.scope.type === 'unbilled' || request.scope.invoice.newCommerce;
    if (
      request.scope.type === 'invoice' &&
      !usesGraph &&
      request.scope.invoice.legacyProviders.length === 0
    ) {
      throw new Failed({
        reason: 'no-source',
        code: 'no-source',
        message: 'The invoice has no details this bot can reconcile',
      });
    }
    if (!usesGraph) return this.read(state, undefined, context, logger);
    const graph = this.deps.graph;
    if (!graph) {
      throw new Failed({
        reason: 'not-configured',
        code: 'not-configured',
        message: 'The Microsoft Graph billing app is not configured',
      });
    }
    if (context.now() >= state.deadlineAt) {
      throw new Failed({
        reason: 'timeout',
        code: 'timeout',
        message: `The export did not finish within ${Math.round(this.tuning.deadlineMs / 60_000)} minutes`,
      });
    }
    if (!state.export) {
      const operationId =
        request.scope.type === 'invoice'
          ? await graph.startExport('billedReconciliation', { invoiceId: request.scope.invoice.id }, call)
          : await graph.startExport(
              'unbilledReconciliation',
              { billingPeriod: request.scope.period, currencyCode: request.scope.currency },
              call,
            );
      logger.info({ operationId }, 'reconciliation export started');
      const next: JobState = {
        ...state,
        export: { operationId, polls: 0, status: 'notStarted' },
        transientFailures: 0,
      };
      await this.report(
        request,
        { phase: 'exporting', status: 'notStarted', polls: 0, elapsedMs: context.now() - state.startedAt },
        logger,
      );
      return { type: 'retry', delayMs: 0, payload: next };
    }
    const { operation, retryAfterSeconds } = await graph.getOperation(state.export.operationId, call);
    const exported = { ...state.export, polls: state.export.polls + 1, status: operation.status };
    if (operation.status === 'failed') {
      const code = operation.error?.code ?? 'unknown';
      logger.warn({ operationId: exported.operationId, code, polls: exported.polls }, 'export failed');
      throw new Failed({
        reason: code === EXPORT_NO_DATA_CODE ? 'no-data' : 'export-failed',
        code,
        message: operation.error?.message ?? 'The export failed',
      });
    }
    if (operation.status !== 'succeeded') {
      await this.report(
        request,
        {
          phase: 'exporting',
          status: operation.status,
          polls: exported.polls,
          elapsedMs: context.now() - state.startedAt,
        },
        logger,
      );
      const delayMs = Math.max((retryAfterSeconds ?? 0) * 1000, this.tuning.pollIntervalMs);
      return { type: 'retry', delayMs, payload: { ...state, export: exported, transientFailures: 0 } };
    }
    const link = operation['resourceLocation@odata.navigationLink'];
    if (!link) {
      throw new PartnerCenterError({
        code: 'schema',
        description: 'The export succeeded without a manifest link',
        method: 'GET',
        path: `/v1.0/reports/partners/billing/operations/${exported.operationId}`,
        correlationId: request.correlationId,
        schemaPath: 'resourceLocation@odata.navigationLink',
      });
    }
    const manifest = await graph.readManifest(link, call);
    logger.info(
      { operationId: exported.operationId, blobs: manifest.blobCount, polls: exported.polls },
      'export ready',
    );
    return this.read({ ...state, export: exported }, manifest, context, logger);
  }

  /** Streams every line item once: totals per customer and product, and the CSV. */
  private async read(
    state: Timed<JobState>,
    manifest: GraphBillingManifest | undefined,
    context: TaskContext,
    logger: Logger,
  ): Promise<TaskOutcome> {
    const { request } = state;
    const call = { correlationId: request.correlationId, signal: context.signal };
    const aggregate = new ReconciliationAggregate();
    const wanted = request.customer?.id.toLowerCase();
    const csv = new ReconciliationCsv(this.deps.downloads, {
      id: this.deps.newId(),
      fileName: csvFileName(request),
      expiresAt: context.now() + this.tuning.downloadRetentionMs,
      chunkBytes: this.tuning.chunkBytes,
    });
    const sources: Array<'graph' | 'v1'> = [];
    const progress = new ProgressThrottle(context.now, this.tuning.progressEveryMs, (p) =>
      this.report(request, p, logger),
    );
    const take = async (line: ReconLine) => {
      aggregate.add(line);
      if (wanted === undefined || line.customerId.toLowerCase() === wanted) await csv.add(line);
    };
    await csv.open({});
    try {
      if (request.scope.type === 'invoice') {
        const invoice = request.scope.invoice;
        for (const provider of invoice.legacyProviders) {
          sources.push('v1');
          for await (const item of this.deps.pc.invoices.legacyLineItems(invoice.id, {
            ...call,
            provider,
            size: this.tuning.pageSize,
          })) {
            await take(fromLegacyLine(item, invoice.id));
            await progress.offer({ phase: 'reading', source: 'v1', lineItems: aggregate.lineCount });
          }
        }
      }
      if (manifest) {
        const graph = this.deps.graph;
        if (!graph) throw new Error('a manifest without a Graph client');
        sources.push('graph');
        const kind = request.scope.type === 'invoice' ? 'billedReconciliation' : 'unbilledReconciliation';
        let blob = { index: 0, count: manifest.blobs.length };
        for await (const item of graph.lineItems(kind, manifest, {
          ...call,
          onProgress: (p) => {
            if (p.phase === 'downloading') blob = { index: p.blobIndex, count: p.blobCount };
          },
        })) {
          await take(fromExportLine(item));
          await progress.offer({ phase: 'reading', source: 'graph', lineItems: aggregate.lineCount, blob });
        }
      }
      await progress.settle();
    } catch (error) {
      await progress.settle();
      await csv.abandon().catch((err: unknown) => logger.warn({ err }, 'could not delete a partial CSV'));
      throw error;
    }
    const summary = aggregate.summary({ customerId: request.customer?.id, ...VIEW_LIMITS[request.view] });
    const result: ReconciliationResult = {
      sources: [...new Set(sources)],
      summary,
      check: totalsCheck(request, summary.total),
    };
    if (csv.rows > 0) {
      const download = { id: csv.id, expiresAt: csv.expiresAt, rows: csv.rows };
      const { audience: _audience, ...kept } = request;
      // The stored copy names its own download: the card can be shown again with a new link.
      const stored: StoredReconciliation = { request: kept, result: { ...result, download } };
      if (await csv.close({ ...stored })) result.download = download;
    } else {
      await csv.abandon();
    }
    logger.info(
      {
        lineItems: summary.lineCount,
        customers: summary.customerCount,
        csvRows: csv.rows,
        sources: result.sources,
      },
      'reconciliation read',
    );
    return this.deliver(state, { status: 'succeeded', result }, logger);
  }

  /** Shows the outcome; when Teams cannot be reached it is kept and shown on a later run. */
  private async deliver(
    state: JobState,
    outcome: ReconciliationOutcome,
    logger: Logger,
  ): Promise<TaskOutcome> {
    try {
      await this.deps.reporter.finished(state.request, outcome);
      return { type: 'done' };
    } catch (error) {
      const attempts = state.deliveryAttempts + 1;
      if (attempts >= MAX_DELIVERY_ATTEMPTS) {
        logger.error({ err: error, attempts }, 'could not show a reconciliation outcome; giving up');
        return { type: 'done' };
      }
      const delayMs = backoffMs(attempts);
      logger.warn({ err: error, delayMs }, 'could not show a reconciliation outcome yet');
      return { type: 'retry', delayMs, payload: { ...state, outcome, deliveryAttempts: attempts } };
    }
  }

  private async report(request: ReconciliationRequest, progress: ReconciliationProgress, logger: Logger) {
    try {
      await this.deps.reporter.progress(request, progress);
    } catch (error) {
      // Progress is a courtesy: the outcome is what must arrive.
      logger.warn({ err: error }, 'could not show reconciliation progress');
    }
  }
}

type Timed<T> = T & { startedAt: number; deadlineAt: number };

/** Reports at most one progress per interval (the first at once), each after the previous one. */
class ProgressThrottle {
  private last = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly now: () => number,
    private readonly everyMs: number,
    private readonly send: (progress: ReconciliationProgress) => Promise<void>,
  ) {}

  async offer(progress: ReconciliationProgress): Promise<void> {
    const now = this.now();
    if (now - this.last < this.everyMs) return;
    this.last = now;
    await this.inFlight;
    this.inFlight = this.send(progress);
  }

  settle(): Promise<void> {
    return this.inFlight;
  }
}

/** The sum of every line against the invoice total, at the currency's precision. */
export function totalsCheck(request: Pick<ReconciliationRequest, 'scope'>, linesTotal: number): TotalsCheck {
  const invoice = request.scope.type === 'invoice' ? request.scope.invoice : undefined;
  if (!invoice || invoice.totalCharges === null) return { kind: 'lines-only', linesTotal };
  const difference = fromMicros(toMicros(linesTotal) - toMicros(invoice.totalCharges));
  return {
    kind: 'invoice',
    invoiceTotal: invoice.totalCharges,
    linesTotal,
    difference,
    matches: sameAmount(linesTotal, invoice.totalCharges, invoice.currency),
  };
}

function csvFileName(request: ReconciliationRequest): string {
  const base =
    request.scope.type === 'invoice'
      ? `reconciliation-${request.scope.invoice.id}`
      : `unbilled-${request.scope.period}-${request.scope.currency}`;
  const customer = request.customer ? `-${slug(request.customer.name)}` : '';
  return `${base}${customer}.csv`;
}

function slug(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .toLowerCase() || 'customer'
  );
}
