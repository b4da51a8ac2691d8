import { SasSigner } from '../identity/sas';
import { RuntimeIds, stableHex } from './ids';

/**
 * The Microsoft Graph partner billing exports (reconciliation v2): asynchronous operations that
 * end with a manifest of gzip JSON-lines blobs, or with an error. No HTTP here.
 *
 * An operation answers `notStarted`, then `running`, for its first `runningPolls` GETs (each with
 * a Retry-After), then its outcome. Progress is counted in polls, not in time, so a test can name
 * how many polls an export takes without moving the clock. The rows are fixed when the export
 * starts (a snapshot) but made only when a blob is downloaded, a blob at a time.
 */

export type ExportKind = 'billedReconciliation' | 'unbilledReconciliation' | 'billedUsage' | 'unbilledUsage';
export type AttributeSet = 'full' | 'basic';
export type ExportRow = Record<string, unknown>;

/** Rows made on demand: `count` of them, any range in order. */
export interface RowSource {
  readonly count: number;
  rows(from: number, to: number): Iterable<ExportRow>;
}

export function listSource<T>(items: readonly T[], view: (item: T) => ExportRow): RowSource {
  return {
    count: items.length,
    *rows(from, to) {
      for (let i = Math.max(0, from); i < Math.min(to, items.length); i++) yield view(items[i]);
    },
  };
}

/** Several sources one after the other; a part is asked only for the rows it holds. */
export function concatSources(parts: readonly RowSource[]): RowSource {
  return {
    count: parts.reduce((sum, part) => sum + part.count, 0),
    *rows(from, to) {
      let start = 0;
      for (const part of parts) {
        const end = start + part.count;
        if (end > from && start < to)
          yield* part.rows(Math.max(0, from - start), Math.min(part.count, to - start));
        start = end;
        if (start >= to) return;
      }
    },
  };
}

/** The documented failure of an export that found nothing (sample 64). */
export const NO_DATA = { code: '5000', message: 'No data available' } as const;

export interface ExportError {
  code: string;
  message: string;
}

/** How the next export ends: decided by the control API, else by the configuration. */
export interface ExportPlan {
  outcome: 'succeeded' | 'failed';
  runningPolls: number;
  retryAfterSeconds: number;
  error?: ExportError;
}

/** What an export covers: its rows and the blob directory they go to (`/blobs/<container>/…`). */
export interface ExportData {
  source: RowSource;
  directory: string;
}

export interface BlobRecord {
  name: string;
  from: number;
  to: number;
}

export interface ManifestRecord {
  id: string;
  tenantId: string;
  createdAt: number;
  eTag: string;
  directory: string;
  source: RowSource;
  blobs: BlobRecord[];
}

export type OperationStatus = 'notStarted' | 'running' | 'succeeded' | 'failed';

export interface OperationRecord {
  id: string;
  tenantId: string;
  kind: ExportKind;
  createdAt: number;
  status: OperationStatus;
  /** When the status last changed. */
  lastActionAt: number;
  polls: number;
  plan: ExportPlan;
  data?: ExportData;
  manifest?: ManifestRecord;
}

export type OperationState =
  | { status: 'notStarted' | 'running'; operation: OperationRecord; retryAfterSeconds: number }
  | { status: 'succeeded'; operation: OperationRecord; manifest: ManifestRecord }
  | { status: 'failed'; operation: OperationRecord; error: ExportError };

export interface StartExport {
  tenantId: string;
  kind: ExportKind;
  /** Undefined when there is nothing to export: the operation fails with 5000 "No data available". */
  data: ExportData | undefined;
  now: number;
  defaults: { runningPolls: number; retryAfterSeconds: number };
}

export class BillingExports {
  readonly sas = new SasSigner();
  private readonly operations = new Map<string, OperationRecord>();
  private readonly manifests = new Map<string, ManifestRecord>();
  private readonly blobs = new Map<string, { manifest: ManifestRecord; blob: BlobRecord }>();
  private plans: ExportPlan[] = [];
  private readonly ids: RuntimeIds;

  constructor(idNamespace: string) {
    this.ids = new RuntimeIds(`${idNamespace}:graph-billing`);
  }

  /** The next exports end as planned (first in, first used), whatever the configuration says. */
  planNext(plan: ExportPlan, times = 1): void {
    for (let i = 0; i < times; i++) this.plans.push({ ...plan });
  }

  clearPlans(): void {
    this.plans = [];
  }

  start(input: StartExport): OperationRecord {
    const planned = this.plans.shift() ?? { outcome: 'succeeded', ...input.defaults };
    // Nothing to export fails even an export planned to succeed.
    const plan: ExportPlan =
      planned.outcome === 'failed' || !input.data
        ? { ...planned, outcome: 'failed', error: (planned.outcome === 'failed' && planned.error) || NO_DATA }
        : { ...planned, error: undefined };
    const operation: OperationRecord = {
      id: this.ids.guid('operation'),
      tenantId: input.tenantId.toLowerCase(),
      kind: input.kind,
      createdAt: input.now,
      status: 'notStarted',
      lastActionAt: input.now,
      polls: 0,
      plan,
      data: input.data,
    };
    this.operations.set(operation.id, operation);
    return operation;
  }

  /** One GET of the operation: it moves one step; undefined for an operation of another tenant. */
  poll(id: string, tenantId: string, now: number, linesPerBlob: number): OperationState | undefined {
    const operation = this.operations.get(id.toLowerCase());
    if (!operation || operation.tenantId !== tenantId.toLowerCase()) return undefined;
    operation.polls += 1;
    const state = this.advance(operation, now, linesPerBlob);
    if (state.status !== operation.status) {
      operation.status = state.status;
      operation.lastActionAt = now;
    }
    return state;
  }

  private advance(operation: OperationRecord, now: number, linesPerBlob: number): OperationState {
    const { plan } = operation;
    if (operation.polls <= plan.runningPolls) {
      const status = operation.polls === 1 ? 'notStarted' : 'running';
      return { status, operation, retryAfterSeconds: plan.retryAfterSeconds };
    }
    if (plan.outcome === 'failed' || !operation.data)
      return { status: 'failed', operation, error: plan.error ?? NO_DATA };
    operation.manifest ??= this.publish(operation.tenantId, operation.data, now, linesPerBlob);
    return { status: 'succeeded', operation, manifest: operation.manifest };
  }

  manifest(id: string, tenantId: string): ManifestRecord | undefined {
    const manifest = this.manifests.get(id.toLowerCase());
    return manifest && manifest.tenantId === tenantId.toLowerCase() ? manifest : undefined;
  }

  /** The blob `name` published under `directory` (blob names are unique). */
  blob(directory: string, name: string): { manifest: ManifestRecord; blob: BlobRecord } | undefined {
    const found = this.blobs.get(name);
    return found && found.manifest.directory === directory ? found : undefined;
  }

  private publish(tenantId: string, data: ExportData, now: number, linesPerBlob: number): ManifestRecord {
    const id = this.ids.guid('manifest');
    const per = Math.max(1, linesPerBlob);
    const blobs: BlobRecord[] = [];
    for (let from = 0, part = 0; from < data.source.count; from += per, part++) {
      const name = `part-${String(part).padStart(5, '0')}-${this.ids.guid('blob')}.c000.json.gz`;
      blobs.push({ name, from, to: Math.min(from + per, data.source.count) });
    }
    const manifest: ManifestRecord = {
      id,
      tenantId,
      createdAt: now,
      eTag: stableHex(`etag:${id}`, 17),
      directory: data.directory,
      source: data.source,
      blobs,
    };
    this.manifests.set(id, manifest);
    for (const blob of blobs) this.blobs.set(blob.name, { manifest, blob });
    return manifest;
  }
}
