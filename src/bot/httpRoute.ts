import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * An HTTP route a feature serves beside /api/messages (a download, say), in terms that do not tie
 * features to restify: the server mounts each one. These routes are not behind Bot Framework
 * authentication; each one checks its callers itself (a signed link, for instance).
 */
export interface HttpRouteRequest {
  /** Path parameters (`:id`), decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface HttpRouteResponse {
  status: number;
  headers?: Record<string, string>;
  /** Text, or a stream (sent as it is read). */
  body?: string | Readable;
}

export interface HttpRoute {
  method: 'GET';
  /** restify path syntax: `/downloads/:id`. */
  path: string;
  handle(request: HttpRouteRequest): Promise<HttpRouteResponse>;
}

/** Writes a route's answer; a stream that breaks off ends the connection (the client sees it cut). */
export async function writeRouteResponse(res: ServerResponse, response: HttpRouteResponse): Promise<void> {
  const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...response.headers };
  if (response.body === undefined || typeof response.body === 'string') {
    const body = response.body ?? '';
    res.writeHead(response.status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  await pipeline(response.body, res);
}

/** A stream from an async source of buffers (what repositories hand out). */
export function streamOf(source: AsyncIterable<Buffer>): Readable {
  return Readable.from(source, { objectMode: false });
}
