import { Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { z } from 'zod';
import {
  GraphError,
  type BlobRouteDef,
  type GraphRouteDef,
  type GraphRouteRequest,
} from '../http/graphPipeline';
import type { SimContext } from '../http/pipeline';
import type { Reply } from '../http/reply';
import type { ExportKind, RowSource } from '../state/billingExports';
import { exportScope, type ExportRequest } from '../state/billingExportData';
import { manifestView, operationPath, operationView, rowSource } from '../views/billingExport';

/**
 * Microsoft Graph partner billing exports (GRAPH/partners-billing-*): start an export (202 +
 * Location of the operation), poll the operation (Retry-After while it runs), read the manifest,
 * and download its blobs from the simulated storage with the manifest's SAS.
 */

const BILLING = '/v1.0/reports/partners/billing';

const attributeSet = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['full', 'basic']))
  .default('full');
const billedBody = z.object({ invoiceId: z.string().trim().min(1), attributeSet });
const unbilledBody = z.object({
  billingPeriod: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['current', 'last'])),
  currencyCode: z.string().regex(/^[A-Za-z]{3}$/, 'must be a three-letter currency code'),
  attributeSet,
});

function bodyOf<T extends z.ZodTypeAny>(req: GraphRouteRequest, schema: T): z.infer<T> {
  const result = schema.safeParse(req.json() ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new GraphError(
    400,
    'BadRequest',
    `Invalid request body: ${issue.path.join('.') || 'body'} ${issue.message}`,
  );
}

function requestOf(kind: ExportKind, req: GraphRouteRequest): ExportRequest {
  if (kind === 'billedReconciliation' || kind === 'billedUsage') return { kind, ...bodyOf(req, billedBody) };
  return { kind, ...bodyOf(req, unbilledBody) };
}

function exportRoute(path: string, kind: ExportKind): GraphRouteDef {
  return {
    method: 'POST',
    path: `${BILLING}/${path}/export`,
    handle(req, sim): Reply {
      const request = requestOf(kind, req);
      const now = sim.world.now();
      const scope = exportScope(sim.world, req.tenantId, request, now);
      const { config } = sim.world;
      const operation = sim.world.billingExports.start({
        tenantId: req.tenantId,
        kind,
        data: scope && { source: rowSource(scope.content, request.attributeSet), directory: scope.directory },
        now,
        defaults: {
          runningPolls: config.graphExportRunningPolls,
          retryAfterSeconds: config.graphExportRetryAfterSeconds,
        },
      });
      return { status: 202, headers: { Location: `${sim.baseUrl()}${operationPath(operation.id)}` } };
    },
  };
}

const notFound = (what: string, id: string) =>
  new GraphError(404, 'ResourceNotFound', `${what} ${id} was not found.`);

export const graphBillingRoutes: GraphRouteDef[] = [
  exportRoute('reconciliation/billed', 'billedReconciliation'),
  exportRoute('reconciliation/unbilled', 'unbilledReconciliation'),
  exportRoute('usage/billed', 'billedUsage'),
  exportRoute('usage/unbilled', 'unbilledUsage'),
  {
    method: 'GET',
    path: `${BILLING}/operations/:operationId`,
    handle(req, sim) {
      const id = decodeURIComponent(req.params.operationId ?? '');
      const state = sim.world.billingExports.poll(
        id,
        req.tenantId,
        sim.world.now(),
        sim.world.config.graphExportLinesPerBlob,
      );
      if (!state) throw notFound('Operation', id);
      const reply: Reply = { status: 200, body: operationView(state, sim.baseUrl()) };
      if (state.status === 'notStarted' || state.status === 'running')
        reply.headers = { 'Retry-After': String(state.retryAfterSeconds) };
      return reply;
    },
  },
  {
    method: 'GET',
    path: `${BILLING}/manifests/:manifestId`,
    handle(req, sim) {
      const id = decodeURIComponent(req.params.manifestId ?? '');
      const exports = sim.world.billingExports;
      const manifest = exports.manifest(id, req.tenantId);
      if (!manifest) throw notFound('Manifest', id);
      const now = sim.world.now();
      const sas = exports.sas.sign(manifest.directory, now, now + sim.world.config.graphSasLifetimeMs);
      return { status: 200, body: manifestView(manifest, sim.baseUrl(), sas) };
    },
  },
];

/** Anything else under /v1.0: Graph's answer to a path it does not know. */
export const graphNotFoundRoutes: GraphRouteDef[] = (['GET', 'POST'] as const).map((method) => ({
  method,
  path: '/v1.0/*',
  handle(req) {
    throw new GraphError(
      400,
      'BadRequest',
      `Resource not found for the segment '${req.path.split('/').pop() ?? ''}'.`,
    );
  },
}));

/** The blob's rows as gzip JSON lines, made and compressed as the client reads them. */
function gzipLines(source: RowSource, from: number, to: number): Readable {
  function* lines(): Generator<string> {
    for (const row of source.rows(from, to)) yield `${JSON.stringify(row)}\n`;
  }
  // A failure while making the rows destroys the gzip stream with it; the blob route reports it.
  return pipeline(Readable.from(lines()), createGzip(), () => undefined);
}

/** Blob storage: `/blobs/<container>/<directory…>/<blob name>?<SAS>`. */
export const billingBlobRoute: BlobRouteDef = {
  path: '/blobs/*',
  handle(req, sim: SimContext) {
    const cut = req.path.lastIndexOf('/');
    const directory = req.path.slice(0, cut);
    const name = req.path.slice(cut + 1);
    const exports = sim.world.billingExports;
    const check = exports.sas.check(req.query, directory, sim.world.now());
    if (!check.ok) {
      return {
        status: 403,
        code: 'AuthenticationFailed',
        message:
          'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
        detail: check.detail,
      };
    }
    const found = exports.blob(directory, name);
    if (!found) return { status: 404, code: 'BlobNotFound', message: 'The specified blob does not exist.' };
    return {
      status: 200,
      headers: { 'Content-Type': 'application/octet-stream', 'x-ms-blob-type': 'BlockBlob' },
      stream: gzipLines(found.manifest.source, found.blob.from, found.blob.to),
    };
  },
};
