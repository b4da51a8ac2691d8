import { randomUUID } from 'node:crypto';
import type { PartnerCenterCredentials } from '../auth/credentials';
import { MsalTokenProvider } from '../auth/tokenProvider';
import type { CallOptions } from '../callOptions';
import { PartnerCenterError } from '../errors';
import { parseRetryAfter } from '../http/pipeline';
import { DEFAULT_RETRY, type RetryOptions } from '../http/retryPolicy';
import { noopLogger, type PartnerCenterLogger } from '../logger';
import {
  graphBillingManifestSchema,
  graphBillingOperationSchema,
  type GraphBillingManifest,
  type GraphBillingOperation,
} from '../schemas';
import { EXPORT_KINDS, type ExportKind, type ExportLineItem, type ExportParams } from './exportKinds';
import { GraphHttp, type CallContext } from './graphHttp';
import { readJsonLines } from './jsonLines';

/**
 * New-commerce reconciliation through the Microsoft Graph partner billing export (v2); v1 line
 * items (`PartnerCenterClient.invoices`) stay for legacy invoices only.
 *
 * ```ts
 * const billing = new GraphBillingClient({
 *   baseUrl: GRAPH_BASE_URL,                       // or the simulator's base URL
 *   credentials: { tenantId, clientId, clientSecret }, // its own app: PartnerBilling.Read.All
 * });
 * for await (const line of billing.exportLineItems('billedReconciliation', { invoiceId: 'G016907411' }, {
 *   correlationId, signal, onProgress: (p) => updateCard(p),
 * })) { total += line.totalForCustomer; }
 * ```
 *
 * Steps, each usable alone: `startExport` (202 + Location → operation id), `waitForExport` (polls
 * the operation, waiting at least its Retry-After, until `succeeded` or `failed`, or the
 * deadline), `readManifest`, `lineItems` (downloads the blobs one after another and streams
 * them: gunzip, line by line, zod per line; memory stays bounded whatever the export's size).
 *
 * The client has its own Entra app and MSAL token (app-only client credentials, scope
 * `https://graph.microsoft.com/.default`, application permission PartnerBilling.Read.All with
 * admin consent), configured apart from the Partner Center app. Links the service returns
 * (Location, the manifest link) are reduced to their id and requested on the configured base URL,
 * so the Graph token never goes anywhere else; blobs are fetched with the manifest's SAS only.
 *
 * Errors are PartnerCenterError: Graph errors carry Graph's code (401/403 → 'auth'), a failed
 * export carries the export's code (e.g. '5000', "No data available": no new-commerce data, as
 * for a legacy invoice), a refused SAS is 'auth' with status 403, a malformed line 'schema' with
 * the blob and line, a deadline reached 'pending' (the export may still finish: wait again).
 */

export const GRAPH_BASE_URL = 'https://graph.microsoft.com';
export const GRAPH_BILLING_SCOPE = 'https://graph.microsoft.com/.default';
/** The code of a failed export that found nothing to export (sample 64). */
export const EXPORT_NO_DATA_CODE = '5000';

const BILLING_PATH = '/v1.0/reports/partners/billing';

/** The Graph billing app (registered in the partner tenant, PartnerBilling.Read.All). */
export type GraphBillingCredentials = Pick<
  PartnerCenterCredentials,
  'tenantId' | 'clientId' | 'clientSecret' | 'clientCertificate' | 'tokenCache' | 'identityBaseUrl'
>;

export interface GraphBillingClientOptions {
  /** 'https://graph.microsoft.com' (default) or the simulator's base URL; the client appends /v1.0. */
  baseUrl?: string;
  credentials: GraphBillingCredentials;
  logger?: PartnerCenterLogger;
  /** Per attempt, and the longest silence while a blob downloads (default 30 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Time between operation polls when Retry-After asks for less (default 5 s); patience (default 60 min). */
  polling?: { intervalMs?: number; timeoutMs?: number };
  /** Longest line accepted in a blob (default 1 MiB of text). */
  maxLineLength?: number;
}

export type ExportCallOptions = Pick<CallOptions, 'correlationId' | 'signal'>;

export type ExportProgress =
  | {
      phase: 'waiting';
      operationId: string;
      /** notStarted, running, succeeded or failed (or a status Graph adds later). */
      status: string;
      polls: number;
      elapsedMs: number;
      retryAfterSeconds?: number;
    }
  | { phase: 'downloading'; blobIndex: number; blobCount: number; blobName: string; lineItems: number };

export interface WaitForExportOptions extends ExportCallOptions {
  onProgress?: (progress: ExportProgress) => void;
  /** Give up at this time (ms since epoch or a Date); default: now + polling.timeoutMs. */
  deadline?: number | Date;
}

export interface ExportLineItemsOptions extends ExportCallOptions {
  onProgress?: (progress: ExportProgress) => void;
}

export interface CompletedExport {
  operationId: string;
  /** The manifest's id, for readManifest. */
  manifestId: string;
  createdDateTime?: string | null;
  lastActionDateTime?: string | null;
}

export interface OperationStatus {
  operation: GraphBillingOperation;
  /** Seconds the service asks to wait before the next poll. */
  retryAfterSeconds?: number;
}

/** The id at the end of a Graph billing link (`…/operations/{id}`, `…/manifests/{id}`), or the id itself. */
function idOf(reference: string, collection: 'operations' | 'manifests'): string | undefined {
  if (!/^https?:\/\//i.test(reference)) return /^[\w-]+$/.test(reference) ? reference : undefined;
  let path: string;
  try {
    path = new URL(reference).pathname;
  } catch {
    return undefined;
  }
  const match = new RegExp(`/reports/partners/billing/${collection}/([\\w-]+)/?$`, 'i').exec(path);
  return match?.[1];
}

export class GraphBillingClient {
  private readonly http: GraphHttp;
  private readonly root: string;
  private readonly polling: { intervalMs: number; timeoutMs: number };
  private readonly maxLineLength: number;
  private readonly logger: PartnerCenterLogger;

  constructor(options: GraphBillingClientOptions) {
    this.logger = options.logger ?? noopLogger;
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.root = `${(options.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '')}${BILLING_PATH}`;
    this.polling = {
      intervalMs: options.polling?.intervalMs ?? 5_000,
      timeoutMs: options.polling?.timeoutMs ?? 60 * 60_000,
    };
    this.maxLineLength = options.maxLineLength ?? 1024 * 1024;
    this.http = new GraphHttp({
      timeoutMs,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      tokens: new MsalTokenProvider(options.credentials, {
        timeoutMs,
        logger: this.logger,
        appScope: GRAPH_BILLING_SCOPE,
      }),
      logger: this.logger,
    });
  }

  /** Starts an export; returns the id of its long-running operation. */
  async startExport<K extends ExportKind>(
    kind: K,
    params: ExportParams[K],
    options: ExportCallOptions = {},
  ): Promise<string> {
    const spec = EXPORT_KINDS[kind];
    const url = `${this.root}/${spec.path}`;
    const response = await this.http.send(
      { name: `graphBilling.export.${kind}`, method: 'POST', url, body: spec.body(params) },
      this.context(options),
    );
    const location = response.headers.location;
    const id = location ? idOf(location, 'operations') : undefined;
    if (!id) {
      throw new PartnerCenterError({
        code: 'schema',
        description: `The export was accepted without a usable Location header (${location ?? 'none'})`,
        method: 'POST',
        path: new URL(url).pathname,
        status: response.status,
        requestId: response.requestId,
        correlationId: this.context(options).correlationId,
        schemaPath: 'headers.location',
      });
    }
    return id;
  }

  /** One read of the operation (an operation id, or its Location URL). */
  async getOperation(operation: string, options: ExportCallOptions = {}): Promise<OperationStatus> {
    const url = this.linkUrl(operation, 'operations');
    const response = await this.http.call(
      { name: 'graphBilling.operation', method: 'GET', url, response: graphBillingOperationSchema },
      this.context(options),
    );
    return {
      operation: response.body,
      retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
    };
  }

  /**
   * Polls the operation until it succeeds (returns the manifest to read) or fails (throws its
   * error), waiting between polls at least the Retry-After the service sent. Past the deadline it
   * throws 'pending' with the operation id in `data`: the export may still finish.
   */
  async waitForExport(operation: string, options: WaitForExportOptions = {}): Promise<CompletedExport> {
    const context = this.context(options);
    const operationId = idOf(operation, 'operations') ?? operation;
    const path = new URL(this.linkUrl(operation, 'operations')).pathname;
    const started = Date.now();
    const deadline =
      options.deadline === undefined
        ? started + this.polling.timeoutMs
        : new Date(options.deadline).getTime();
    const failure = (code: string, description: string, status?: number) =>
      new PartnerCenterError({
        code,
        description,
        method: 'GET',
        path,
        status,
        correlationId: context.correlationId,
        data: [{ operationId }],
      });
    for (let polls = 1; ; polls++) {
      const { operation: state, retryAfterSeconds } = await this.getOperation(operationId, context);
      this.report(options.onProgress, {
        phase: 'waiting',
        operationId,
        status: state.status,
        polls,
        elapsedMs: Date.now() - started,
        retryAfterSeconds,
      });
      if (state.status === 'succeeded') {
        const link = state['resourceLocation@odata.navigationLink'];
        const manifestId = link ? idOf(link, 'manifests') : undefined;
        if (!manifestId) throw failure('schema', 'The export succeeded without a usable manifest link', 200);
        return {
          operationId,
          manifestId,
          createdDateTime: state.createdDateTime,
          lastActionDateTime: state.lastActionDateTime,
        };
      }
      if (state.status === 'failed') {
        throw failure(state.error?.code ?? 'unknown', state.error?.message ?? 'The export failed');
      }
      const waitMs = Math.max((retryAfterSeconds ?? 0) * 1000, this.polling.intervalMs);
      if (Date.now() + waitMs > deadline) {
        throw failure(
          'pending',
          `The export ${operationId} did not finish before the deadline (still ${state.status} after ${polls} polls); wait for it again later`,
        );
      }
      await sleep(waitMs, context.signal, () => failure('aborted', 'The wait for the export was cancelled'));
    }
  }

  /** The manifest of a finished export (its id, or the operation's manifest link). */
  async readManifest(manifest: string, options: ExportCallOptions = {}): Promise<GraphBillingManifest> {
    const url = this.linkUrl(manifest, 'manifests');
    const response = await this.http.call(
      { name: 'graphBilling.manifest', method: 'GET', url, response: graphBillingManifestSchema },
      this.context(options),
    );
    return response.body;
  }

  /**
   * The line items of an export's manifest: its blobs downloaded one after another, each read as
   * it arrives (gunzip, lines, zod), never held whole in memory.
   */
  async *lineItems<K extends ExportKind>(
    kind: K,
    manifest: GraphBillingManifest,
    options: ExportLineItemsOptions = {},
  ): AsyncGenerator<ExportLineItem[K], void, undefined> {
    const context = this.context(options);
    const root = this.blobRoot(manifest, context);
    const sas = manifest.sasToken.replace(/^\?/, '');
    let lineItems = 0;
    for (const [index, blob] of manifest.blobs.entries()) {
      this.report(options.onProgress, {
        phase: 'downloading',
        blobIndex: index,
        blobCount: manifest.blobs.length,
        blobName: blob.name,
        lineItems,
      });
      const url = `${root}/${blob.name.split('/').map(encodeURIComponent).join('/')}?${sas}`;
      const raw = await this.http.openBlob(url, context);
      const location = { path: new URL(url).pathname, name: blob.name, correlationId: context.correlationId };
      for await (const item of readJsonLines(raw, EXPORT_KINDS[kind].lineItem, location, {
        maxLineLength: this.maxLineLength,
        signal: context.signal,
      })) {
        lineItems += 1;
        yield item;
      }
    }
  }

  /** Everything at once: start the export, wait for it, read its manifest, stream its line items. */
  async *exportLineItems<K extends ExportKind>(
    kind: K,
    params: ExportParams[K],
    options: WaitForExportOptions = {},
  ): AsyncGenerator<ExportLineItem[K], void, undefined> {
    const context = { ...options, ...this.context(options) };
    const operationId = await this.startExport(kind, params, context);
    const done = await this.waitForExport(operationId, context);
    const manifest = await this.readManifest(done.manifestId, context);
    yield* this.lineItems(kind, manifest, context);
  }

  /** Releases keep-alive sockets. */
  close(): Promise<void> {
    return this.http.close();
  }

  private context(options: ExportCallOptions): CallContext {
    return { correlationId: options.correlationId ?? randomUUID(), signal: options.signal };
  }

  private linkUrl(reference: string, collection: 'operations' | 'manifests'): string {
    const id = idOf(reference, collection);
    if (!id) {
      throw new PartnerCenterError({
        code: 'schema',
        description: `Not a Graph billing ${collection} link or id: ${reference.slice(0, 200)}`,
        method: 'GET',
        path: `${BILLING_PATH}/${collection}`,
        schemaPath: collection,
      });
    }
    return `${this.root}/${collection}/${encodeURIComponent(id)}`;
  }

  /** The manifest's blob directory: an absolute https URL (http only when Graph itself is reached over http). */
  private blobRoot(manifest: GraphBillingManifest, context: CallContext): string {
    let root: URL | undefined;
    try {
      root = new URL(manifest.rootDirectory);
    } catch {
      root = undefined;
    }
    const allowHttp = this.root.startsWith('http:');
    if (!root || !(root.protocol === 'https:' || (allowHttp && root.protocol === 'http:')) || root.search) {
      throw new PartnerCenterError({
        code: 'schema',
        description: 'The manifest rootDirectory is not an https URL of a blob directory',
        method: 'GET',
        path: `${BILLING_PATH}/manifests/${manifest.id}`,
        correlationId: context.correlationId,
        schemaPath: 'rootDirectory',
      });
    }
    return manifest.rootDirectory.replace(/\/+$/, '');
  }

  private report(onProgress: ((progress: ExportProgress) => void) | undefined, progress: ExportProgress) {
    if (!onProgress) return;
    try {
      onProgress(progress);
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'export progress callback failed',
      );
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, aborted: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
