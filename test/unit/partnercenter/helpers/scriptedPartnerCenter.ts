import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A stand-in for Microsoft's cloud (Entra token endpoint + Partner Center routes) on loopback,
 * scripted per test: each route answers from a queue of replies, the last one repeating.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Arrival time (ms since epoch). */
  at: number;
}

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string>; raw?: string; delayMs?: number }
  | { hang: true }
  | { reset: true };

export interface TokenCalls {
  clientCredentials: number;
  refreshToken: number;
}

export interface ScriptedPartnerCenter {
  baseUrl: string;
  requests: RecordedRequest[];
  tokenCalls: TokenCalls;
  /** Scripts `METHOD /v1/path` (path without query, exact). */
  script(method: string, path: string, ...replies: Reply[]): void;
  /** Requests to Partner Center routes only (no token calls). */
  apiRequests(): RecordedRequest[];
  close(): Promise<void>;
}

function base64Url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function unsignedJwt(claims: object): string {
  return `${base64Url({ alg: 'none', typ: 'JWT' })}.${base64Url(claims)}.`;
}

export async function startScriptedPartnerCenter(): Promise<ScriptedPartnerCenter> {
  const scripts = new Map<string, Reply[]>();
  const requests: RecordedRequest[] = [];
  const tokenCalls: TokenCalls = { clientCredentials: 0, refreshToken: 0 };
  const sockets = new Set<Socket>();
  let issued = 0;

  const answerToken = (tenantId: string, form: URLSearchParams, res: ServerResponse) => {
    const now = Math.floor(Date.now() / 1000);
    issued += 1;
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') {
      tokenCalls.clientCredentials += 1;
      return json(res, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: unsignedJwt({ idtyp: 'app', tid: tenantId, exp: now + 3599, n: issued }),
      });
    }
    if (grant === 'refresh_token') {
      tokenCalls.refreshToken += 1;
      if (form.get('refresh_token')?.startsWith('revoked')) {
        return json(res, 400, {
          error: 'invalid_grant',
          error_description: 'AADSTS70000: revoked',
          error_codes: [70000],
        });
      }
      const oid = '00000000-0000-0000-0000-0000000000aa';
      return json(res, 200, {
        token_type: 'Bearer',
        scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: unsignedJwt({
          idtyp: 'user',
          tid: tenantId,
          exp: now + 3599,
          amr: ['pwd', 'mfa'],
          n: issued,
        }),
        refresh_token: `rotated-${issued}`,
        id_token: unsignedJwt({
          aud: form.get('client_id'),
          iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
          iat: now,
          nbf: now,
          exp: now + 3599,
          name: 'Partner Service Account',
          oid,
          sub: oid,
          preferred_username: 'svc@partner.onmicrosoft.com',
          tid: tenantId,
          ver: '2.0',
        }),
        client_info: base64Url({ uid: oid, utid: tenantId }),
      });
    }
    return json(res, 400, { error: 'unsupported_grant_type' });
  };

  const server: Server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = Buffer.concat(chunks).toString('utf8');
      const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        url: req.url ?? '/',
        headers: req.headers,
        body,
        at,
      });
      if (token && req.method === 'POST') return answerToken(token[1], new URLSearchParams(body), res);
      const key = `${req.method} ${url.pathname}`;
      const queue = scripts.get(key);
      if (!queue || queue.length === 0)
        return json(res, 404, { code: '404', description: `not scripted: ${key}` });
      const reply = queue.length > 1 ? queue.shift()! : queue[0];
      if ('hang' in reply) return;
      if ('reset' in reply) {
        req.socket.destroy();
        return;
      }
      const send = () => {
        const headers = { ...reply.headers };
        if (reply.raw !== undefined) {
          res.writeHead(reply.status, { 'Content-Type': 'application/json', ...headers });
          res.end(reply.raw);
        } else if (reply.body === undefined) {
          res.writeHead(reply.status, headers);
          res.end();
        } else json(res, reply.status, reply.body, headers);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    tokenCalls,
    script(method, path, ...replies) {
      scripts.set(`${method} ${path}`, replies);
    },
    apiRequests: () => requests.filter((request) => request.path.startsWith('/v1/')),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
