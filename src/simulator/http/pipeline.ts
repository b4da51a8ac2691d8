import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Request, Response, Server } from 'restify';
import type { TokenClaims, TokenService } from '../identity/tokens';
import type { Actor } from '../state/audit';
import { PcError } from '../state/errors';
import type { World } from '../state/world';
import { FaultRegistry, malformedBody, type FaultSpec } from './faults';
import type { ReplayCache } from './replay';
import { errorBody, errorReply, throttledReply, type Reply } from './reply';
import { QueryMap, parseJsonBody, readBody } from './request';
import type { RequestLog, TokenKind } from './requestLog';
import type { EndpointFamily, RateLimiter } from './throttling';

export interface SimLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

/** Everything a route can reach. */
export interface SimContext {
  world: World;
  tokens: TokenService;
  faults: FaultRegistry;
  limiter: RateLimiter;
  requestLog: RequestLog;
  /** First answers by MS-RequestId, for the routes that honour it (`replay`). */
  replays: ReplayCache;
  logger: SimLogger;
  baseUrl: () => string;
}

/** `app`: any valid token; `user`: App+User only (an app token gets 403 900329); `none`: no token. */
export type AuthMode = 'none' | 'app' | 'user';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Handler = (req: Request, res: Response, next: (err?: unknown) => void) => void;

export interface RouteRequest {
  params: Record<string, string>;
  query: QueryMap;
  path: string;
  header(name: string): string | undefined;
  rawBody: string;
  json(): unknown;
  /** Set on every route whose auth is not `none`. */
  actor: Actor;
  tenantId: string;
}

export interface RouteDef {
  method: Method;
  path: string;
  auth: AuthMode;
  family?: EndpointFamily;
  /** An operation with an effect that honours MS-RequestId: a repeat returns the first result. */
  replay?: boolean;
  handle(req: RouteRequest, sim: SimContext): Reply | Promise<Reply>;
}

/** Holds an answer for `ms`, or until the client has gone (nobody is left to answer then). */
function held(ms: number, res: Response): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

export function writeReply(res: Response, reply: Reply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.writeHead(reply.status, { 'Content-Length': '0' });
    res.end();
    return;
  }
  const json = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(json)),
  });
  res.end(json);
}

export function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function actorOf(claims: TokenClaims): Actor {
  return claims.idtyp === 'user'
    ? { kind: 'app+user', applicationId: claims.appid, userId: claims.oid, userPrincipalName: claims.upn }
    : { kind: 'app', applicationId: claims.appid };
}

function faultReply(fault: FaultSpec & { status: number }): Reply {
  if (fault.status === 429) return throttledReply(fault.retryAfterSeconds ?? 1);
  const reply: Reply = {
    status: fault.status,
    body: errorBody(fault.code ?? String(fault.status), fault.description ?? 'Injected fault'),
  };
  if (fault.retryAfterSeconds !== undefined)
    reply.headers = { 'Retry-After': String(fault.retryAfterSeconds) };
  return reply;
}

function authReply(
  route: RouteDef,
  bearer: string | undefined,
  claims: TokenClaims | undefined,
  sim: SimContext,
): Reply | undefined {
  if (route.auth === 'none') return undefined;
  if (!bearer) {
    return {
      status: 401,
      body: errorBody('800001', 'Partner Token missing in request context'),
      headers: { 'WWW-Authenticate': 'Bearer realm="PartnerCenter"' },
    };
  }
  if (!claims) {
    return {
      status: 401,
      body: errorBody('400', 'Access denied: the token is invalid or expired'),
      headers: { 'WWW-Authenticate': 'Bearer realm="PartnerCenter", error="invalid_token"' },
    };
  }
  if (route.auth === 'user' && claims.idtyp !== 'user') {
    return {
      status: 403,
      body: errorBody('900329', 'This resource does not support application-only authentication.'),
    };
  }
  // The 2026 rule: an App+User call without an MFA claim is refused; app-only calls are not.
  if (claims.idtyp === 'user' && !sim.world.config.appUserMfa) {
    return {
      status: 401,
      body: errorBody(
        '900421',
        'Multi-factor authentication is required: the App+User token carries no MFA claim. Sign in again with MFA.',
      ),
      headers: { 'WWW-Authenticate': 'Bearer realm="PartnerCenter", error="insufficient_claims"' },
    };
  }
  return undefined;
}

/**
 * One API call: standard headers, request log, injected faults, authentication, throttling, then
 * the route; PC errors thrown by the engine become the documented error body.
 */
async function run(
  route: RouteDef,
  sim: SimContext,
  req: Request,
  res: Response,
): Promise<'answered' | 'detached'> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'http://simulator');
  const method = (req.method ?? 'GET').toUpperCase();
  const sentRequestId = headerOf(req, 'ms-requestid');
  const requestId = sentRequestId || randomUUID();
  const correlationId = headerOf(req, 'ms-correlationid') || randomUUID();
  res.setHeader('MS-RequestId', requestId);
  res.setHeader('MS-CorrelationId', correlationId);
  res.setHeader('MS-CV', `${randomBytes(12).toString('base64')}.0`);
  res.setHeader('MS-ServerId', '101112');

  const authorization = headerOf(req, 'authorization');
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  const claims = bearer ? sim.tokens.verify(bearer) : undefined;
  const tokenKind: TokenKind = claims ? (claims.idtyp === 'user' ? 'app+user' : 'app') : 'none';
  const at = sim.world.clock.iso();
  let logged = false;
  let replayed = false;
  const log = (status: number) => {
    if (logged || url.pathname.toLowerCase().startsWith('/_sim')) return;
    logged = true;
    sim.requestLog.add({
      at,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status,
      requestId,
      correlationId,
      tokenKind,
      ...(claims?.uti ? { tokenId: claims.uti } : {}),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      ...(replayed ? { replayed } : {}),
    });
  };
  res.once('finish', () => log(res.statusCode));
  res.once('close', () => log(res.headersSent ? res.statusCode : 0));

  const rawBody = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
  const fault = sim.faults.take(method, url.pathname);
  // A hung or reset call must not reach restify's end of chain, which would answer 500 itself.
  if (fault?.hang) return 'detached';
  if (fault?.reset) {
    req.socket.destroy();
    return 'detached';
  }
  if (fault?.status !== undefined) {
    writeReply(res, faultReply({ ...fault, status: fault.status }));
    return 'answered';
  }

  let reply = authReply(route, bearer, claims, sim);
  if (!reply && claims && route.family && sim.world.config.rateLimits) {
    const retryAfter = sim.limiter.hit(route.family, claims.tid, sim.world.now());
    if (retryAfter !== undefined) reply = throttledReply(retryAfter);
  }
  if (!reply) {
    let parsed: unknown;
    let parsedOnce = false;
    const request: RouteRequest = {
      params: (req.params ?? {}) as Record<string, string>,
      query: new QueryMap(url.search),
      path: url.pathname,
      header: (name) => headerOf(req, name),
      rawBody,
      json: () => {
        if (!parsedOnce) {
          parsed = parseJsonBody(rawBody);
          parsedOnce = true;
        }
        return parsed;
      },
      actor: claims ? actorOf(claims) : { kind: 'app', applicationId: '' },
      tenantId: claims?.tid ?? '',
    };
    const act = async (): Promise<Reply> => {
      try {
        sim.world.settle();
        return await route.handle(request, sim);
      } catch (error) {
        if (error instanceof PcError) return errorReply(error);
        sim.logger.error({ err: error, method, path: url.pathname, requestId }, 'simulator route failed');
        return { status: 500, body: errorBody('800003', 'Unexpected service error') };
      }
    };
    if (route.replay && sentRequestId && claims) {
      const key = { tenantId: claims.tid, method, path: url.pathname, requestId: sentRequestId };
      const outcome = await sim.replays.run(key, act);
      reply = outcome.reply;
      replayed = outcome.replayed;
    } else {
      reply = await act();
    }
  }
  // The operation is done; a latency fault delays only its answer (a client may time out meanwhile).
  if (fault?.latencyMs) await held(fault.latencyMs, res);
  if (fault?.malformed) reply = { status: 200, body: malformedBody(reply.body) };
  writeReply(res, reply);
  return 'answered';
}

export function mountRoute(server: Server, sim: SimContext, route: RouteDef): void {
  const handler: Handler = (req, res, next) => {
    run(route, sim, req, res).then(
      (outcome) => {
        if (outcome === 'answered') next();
      },
      (error: unknown) => {
        if (error instanceof PcError && !res.headersSent) writeReply(res, errorReply(error));
        else if (!res.headersSent) {
          sim.logger.error({ err: error }, 'simulator pipeline failed');
          writeReply(res, { status: 500, body: errorBody('800003', 'Unexpected service error') });
        }
        next();
      },
    );
  };
  register(server, route.method, route.path, handler);
}

function register(server: Server, method: Method, path: string, handler: Handler): void {
  const byMethod: Record<Method, () => void> = {
    GET: () => server.get(path, handler),
    POST: () => server.post(path, handler),
    PUT: () => server.put(path, handler),
    PATCH: () => server.patch(path, handler),
    DELETE: () => server.del(path, handler),
  };
  byMethod[method]();
}

/** Control API routes: loopback callers only, JSON in and out, no faults, not logged. */
export interface ControlRoute {
  method: Method;
  path: string;
  handle(
    body: unknown,
    query: QueryMap,
    sim: SimContext,
    params: Record<string, string>,
  ): Reply | Promise<Reply>;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function mountControl(server: Server, sim: SimContext, route: ControlRoute): void {
  const handler: Handler = (req, res, next) => {
    const go = async (): Promise<Reply> => {
      if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
        return { status: 403, body: errorBody('403', 'The control API answers loopback callers only.') };
      }
      const url = new URL(req.url ?? '/', 'http://simulator');
      const raw = route.method === 'GET' || route.method === 'DELETE' ? '' : await readBody(req);
      let body: unknown;
      try {
        body = raw.trim() === '' ? {} : JSON.parse(raw);
      } catch {
        return { status: 400, body: errorBody('800002', 'The request body is not valid JSON.') };
      }
      const params = Object.fromEntries(
        Object.entries((req.params ?? {}) as Record<string, string>).map(([k, v]) => [k, safeDecode(v)]),
      );
      return route.handle(body, new QueryMap(url.search), sim, params);
    };
    go().then(
      (reply) => {
        writeReply(res, reply);
        next();
      },
      (error: unknown) => {
        sim.logger.error({ err: error }, 'simulator control route failed');
        writeReply(res, { status: 500, body: errorBody('800003', 'Unexpected service error') });
        next();
      },
    );
  };
  register(server, route.method, route.path, handler);
}
