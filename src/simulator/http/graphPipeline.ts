import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Request, Response, Server } from 'restify';
import { GRAPH_RESOURCE, type TokenClaims } from '../identity/tokens';
import { malformedBody, type FaultSpec } from './faults';
import { headerOf, writeReply, type SimContext } from './pipeline';
import type { Reply } from './reply';
import { QueryMap, parseJsonBody, readBody } from './request';
import type { TokenKind } from './requestLog';

/**
 * The two foreign dialects the Graph billing export speaks, on the same server as Partner Center:
 * Microsoft Graph (`/v1.0/...`: Graph token with the Graph audience, `request-id` and
 * `client-request-id` headers, `{ error: { code, message, innerError } }` bodies) and Azure Blob
 * Storage (`/blobs/...`: no bearer token, a SAS in the query, XML error bodies). Both go through
 * the same request log and fault registry as Partner Center calls.
 */

type Handler = (req: Request, res: Response, next: (err?: unknown) => void) => void;

/** A Microsoft Graph error; the route throws it, the dialect renders it. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface GraphRouteRequest {
  params: Record<string, string>;
  query: QueryMap;
  path: string;
  json(): unknown;
  /** The partner tenant of the token. */
  tenantId: string;
}

export interface GraphRouteDef {
  method: 'GET' | 'POST';
  path: string;
  handle(req: GraphRouteRequest, sim: SimContext): Reply;
}

/** A blob download: its bytes as a stream, or an Azure Storage error. */
export type BlobReply =
  | { status: 200; headers: Record<string, string>; stream: Readable }
  | { status: number; code: string; message: string; detail?: string };

export interface BlobRouteDef {
  path: string;
  handle(req: { path: string; query: URLSearchParams }, sim: SimContext): BlobReply;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface CallRecord {
  requestId: string;
  correlationId: string;
  tokenKind: TokenKind;
}

/** Logs the call in the request log once it is answered (or its connection closes). */
function logWhenDone(sim: SimContext, req: Request, res: Response, call: () => CallRecord): URL {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://simulator');
  const at = sim.world.clock.iso();
  let logged = false;
  const log = (status: number) => {
    if (logged) return;
    logged = true;
    sim.requestLog.add({
      at,
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status,
      ...call(),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  };
  res.once('finish', () => log(res.statusCode));
  res.once('close', () => log(res.headersSent ? res.statusCode : 0));
  return url;
}

/** Applies a transport fault (hang, reset, latency); true when the call must not be answered. */
async function transportFault(req: Request, fault: FaultSpec | undefined): Promise<boolean> {
  if (fault?.latencyMs) await delay(fault.latencyMs);
  if (fault?.hang) return true;
  if (fault?.reset) {
    req.socket.destroy();
    return true;
  }
  return false;
}

export function graphErrorReply(status: number, code: string, message: string, requestId: string): Reply {
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId },
      },
    },
  };
}

function authFailure(sim: SimContext, bearer: string | undefined): { code: string; message: string } {
  if (!bearer) return { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' };
  // A valid token of this instance for another audience (Partner Center) is the usual mistake.
  if (sim.tokens.verify(bearer)) {
    return {
      code: 'InvalidAuthenticationToken',
      message: 'Access token validation failure. Invalid audience.',
    };
  }
  return { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' };
}

async function runGraph(
  route: GraphRouteDef,
  sim: SimContext,
  req: Request,
  res: Response,
): Promise<boolean> {
  const requestId = randomUUID();
  const correlationId = headerOf(req, 'client-request-id') || randomUUID();
  const bearer = headerOf(req, 'authorization')
    ?.match(/^Bearer\s+(.+)$/i)?.[1]
    ?.trim();
  const claims: TokenClaims | undefined = bearer ? sim.tokens.verify(bearer, GRAPH_RESOURCE) : undefined;
  const url = logWhenDone(sim, req, res, () => ({
    requestId,
    correlationId,
    tokenKind: claims ? 'app' : 'none',
  }));
  res.setHeader('request-id', requestId);
  res.setHeader('client-request-id', correlationId);

  const method = (req.method ?? 'GET').toUpperCase();
  const rawBody = method === 'POST' ? await readBody(req) : '';
  const fault = sim.faults.take(method, url.pathname);
  if (await transportFault(req, fault)) return false;
  let reply: Reply;
  if (fault?.status !== undefined) {
    reply = graphErrorReply(
      fault.status,
      fault.code ?? 'serviceNotAvailable',
      fault.description ?? 'Injected fault',
      requestId,
    );
    if (fault.retryAfterSeconds !== undefined)
      reply.headers = { 'Retry-After': String(fault.retryAfterSeconds) };
  } else if (!claims) {
    const failure = authFailure(sim, bearer);
    reply = graphErrorReply(401, failure.code, failure.message, requestId);
    reply.headers = {
      'WWW-Authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
    };
  } else {
    try {
      sim.world.settle();
      reply = route.handle(
        {
          params: (req.params ?? {}) as Record<string, string>,
          query: new QueryMap(url.search),
          path: url.pathname,
          json: () => {
            try {
              return parseJsonBody(rawBody);
            } catch {
              throw new GraphError(400, 'BadRequest', 'The request body is not valid JSON.');
            }
          },
          tenantId: claims.tid,
        },
        sim,
      );
    } catch (error) {
      if (error instanceof GraphError)
        reply = graphErrorReply(error.status, error.code, error.message, requestId);
      else {
        sim.logger.error({ err: error, path: url.pathname, requestId }, 'simulator graph route failed');
        reply = graphErrorReply(500, 'generalException', 'An unexpected error occurred.', requestId);
      }
    }
  }
  if (fault?.malformed) reply = { status: 200, body: malformedBody(reply.body) };
  writeReply(res, reply);
  return true;
}

function finish(run: Promise<boolean>, res: Response, next: (err?: unknown) => void, sim: SimContext): void {
  run.then(
    (answered) => {
      if (answered) next();
    },
    (error: unknown) => {
      sim.logger.error({ err: error }, 'simulator graph pipeline failed');
      if (!res.headersSent) writeReply(res, graphErrorReply(500, 'generalException', 'Unexpected error', ''));
      next();
    },
  );
}

export function mountGraphRoute(server: Server, sim: SimContext, route: GraphRouteDef): void {
  const handler: Handler = (req, res, next) => finish(runGraph(route, sim, req, res), res, next, sim);
  if (route.method === 'GET') server.get(route.path, handler);
  else server.post(route.path, handler);
}

function storageError(res: Response, status: number, code: string, message: string, detail?: string): void {
  const requestId = randomUUID();
  const xml =
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<Error><Code>${code}</Code><Message>${message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message>` +
    (detail ? `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>` : '') +
    '</Error>';
  res.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': String(Buffer.byteLength(xml)),
    'x-ms-error-code': code,
    'x-ms-request-id': requestId,
  });
  res.end(xml);
}

async function runBlob(route: BlobRouteDef, sim: SimContext, req: Request, res: Response): Promise<boolean> {
  const requestId = randomUUID();
  const url = logWhenDone(sim, req, res, () => ({ requestId, correlationId: '', tokenKind: 'none' }));
  const fault = sim.faults.take('GET', url.pathname);
  if (await transportFault(req, fault)) return false;
  if (fault?.status !== undefined) {
    storageError(res, fault.status, fault.code ?? 'ServerBusy', fault.description ?? 'Injected fault');
    return true;
  }
  const reply = route.handle({ path: url.pathname, query: url.searchParams }, sim);
  if (!('stream' in reply)) {
    storageError(res, reply.status, reply.code, reply.message, reply.detail);
    return true;
  }
  res.writeHead(200, { ...reply.headers, 'x-ms-request-id': requestId, 'x-ms-version': '2021-08-06' });
  await new Promise<void>((resolve) => {
    reply.stream.once('error', (error: unknown) => {
      sim.logger.error({ err: error, path: url.pathname }, 'simulator blob stream failed');
      res.destroy();
      resolve();
    });
    res.once('close', () => {
      reply.stream.destroy();
      resolve();
    });
    reply.stream.pipe(res);
  });
  return true;
}

export function mountBlobRoute(server: Server, sim: SimContext, route: BlobRouteDef): void {
  const handler: Handler = (req, res, next) => finish(runBlob(route, sim, req, res), res, next, sim);
  server.get(route.path, handler);
}
