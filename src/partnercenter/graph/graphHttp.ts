import { PassThrough, type Readable } from 'node:stream';
import { request as httpRequest, type Agent, type Dispatcher } from 'undici';
import {
  AttemptSignal,
  connectionPool,
  errorCodes,
  exchangeText,
  flatHeaders,
  transportError,
  transportFailure,
  TransportFailure,
  type Answer,
} from '../http/transport';
import { z } from 'zod';
import { AuthFailure, type TokenProvider } from '../auth/tokenProvider';
import { attemptTimeoutMs, currentCallDeadline } from '../callDeadline';
import { PartnerCenterError, type PartnerCenterErrorInit } from '../errors';
import { parseRetryAfter } from '../http/pipeline';
import { callRetryPolicy, markRetryable, type ResolvedRetryOptions } from '../http/retryPolicy';
import type { PartnerCenterLogger } from '../logger';
import { optionalString, resource } from '../zodHelpers';

/**
 * The HTTP layer of the Graph billing client: Microsoft Graph calls (app-only Graph token,
 * `client-request-id`, Graph error bodies) and blob downloads from Azure Storage (no token: the
 * manifest's SAS is in the URL; the answer is a stream). Both are retried under the client's
 * retry policy (429 waits at least Retry-After; 5xx, resets and timeouts back off with jitter) and
 * fail with PartnerCenterError.
 */

export interface GraphHttpConfig {
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  tokens: TokenProvider;
  logger: PartnerCenterLogger;
}

export interface GraphRequest<T> {
  /** For logs, e.g. 'graphBilling.startExport'. */
  name: string;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  /** The success body; undefined when the answer has none (202 + Location). */
  response?: z.ZodType<T, z.ZodTypeDef, unknown>;
}

export interface GraphResponse<T> {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: T | undefined;
  /** Graph's `request-id`, when it sent one. */
  requestId?: string;
}

type Fail = (details: Omit<PartnerCenterErrorInit, 'method' | 'path'>) => PartnerCenterError;

export interface CallContext {
  correlationId: string;
  signal?: AbortSignal;
}

const graphErrorSchema = resource({
  error: resource({ code: optionalString, message: optionalString }),
});

const MAX_ERROR_BODY = 64 * 1024;

/** The error a stalled blob download ends with: ETIMEDOUT, which its reader reports as 'timeout'. */
function stalled(timeoutMs: number): Error {
  return Object.assign(new Error(`no data for ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The first 64 KiB of an error answer's stream, as text (the rest is dropped). */
async function readSome(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      chunks.push(buffer);
      size += buffer.length;
      if (size >= MAX_ERROR_BODY) break;
    }
  } catch {
    // A broken error body still leaves the status to report.
  } finally {
    // What is left unread is dropped (undici then reports the request as aborted: nobody cares).
    stream.on('error', () => undefined);
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

const xmlField = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

export class GraphHttp {
  /**
   * Keep-alive connections per origin (Graph, blob storage). undici follows no redirect and
   * decompresses nothing: the blob is gzip data that its reader gunzips as it comes.
   */
  private readonly dispatcher: Agent;

  constructor(private readonly config: GraphHttpConfig) {
    this.dispatcher = connectionPool(config.timeoutMs);
  }

  /** Closes the connections, ending any request or download still under way. */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }

  /** One Graph call, retried under the policy; the body parsed with the request's schema. */
  async send<T>(request: GraphRequest<T>, context: CallContext): Promise<GraphResponse<T>> {
    const path = new URL(request.url).pathname;
    const fail: Fail = (details) =>
      new PartnerCenterError({
        ...details,
        method: request.method,
        path,
        correlationId: context.correlationId,
      });
    if (!this.config.tokens.canAuthenticate('app')) {
      throw fail({
        code: 'auth',
        description: `${request.name} needs the Graph billing app's credential (client secret or certificate), which is not configured`,
      });
    }
    return this.retrying(request.name, path, request.method, context, fail, async () => {
      let response = await this.exchange(request, context, false, fail);
      // A cached token the service no longer accepts: one fresh token.
      if (response.status === 401) response = await this.exchange(request, context, true, fail);
      return this.read(request, response, fail);
    });
  }

  /** A Graph call that answers with a body (the request's schema); that body. */
  async call<T>(
    request: GraphRequest<T> & { response: z.ZodType<T, z.ZodTypeDef, unknown> },
    context: CallContext,
  ): Promise<GraphResponse<T> & { body: T }> {
    const response = await this.send(request, context);
    if (response.body === undefined) {
      throw new PartnerCenterError({
        code: 'schema',
        description: `${request.name}: expected a body, got HTTP ${response.status} without one`,
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        correlationId: context.correlationId,
        schemaPath: '',
      });
    }
    return { ...response, body: response.body };
  }

  /** Opens a blob for reading (no bearer token: the SAS is in the URL); retried until it answers 200. */
  async openBlob(url: string, context: CallContext): Promise<Readable> {
    const path = new URL(url).pathname;
    const fail: Fail = (details) =>
      new PartnerCenterError({ ...details, method: 'GET', path, correlationId: context.correlationId });
    return this.retrying('graphBilling.blob', path, 'GET', context, fail, async () => {
      // The caller's cancel ends the download too; the time limit only runs until the headers.
      const attempt = new AttemptSignal(this.config.timeoutMs, context.signal);
      let response: Dispatcher.ResponseData;
      try {
        response = await httpRequest(url, {
          method: 'GET',
          signal: attempt.signal,
          dispatcher: this.dispatcher,
          bodyTimeout: this.config.timeoutMs,
        });
      } catch (error) {
        attempt.end();
        throw this.failed(transportFailure(error, attempt), fail);
      }
      attempt.answered();
      const status = response.statusCode;
      if (status === 200) return this.watched(response.body, () => attempt.end());
      let text: string;
      try {
        text = await readSome(response.body);
      } finally {
        attempt.end();
      }
      const code = xmlField(text, 'Code') ?? `HTTP ${status}`;
      const detail = xmlField(text, 'AuthenticationErrorDetail') ?? xmlField(text, 'Message')?.split('\n')[0];
      const headers = flatHeaders(response.headers);
      const error = fail({
        code: status === 401 || status === 403 ? 'auth' : code,
        status,
        description: `Blob storage refused the download (${code})${detail ? `: ${detail}` : ''}`,
        requestId: headers['x-ms-request-id'],
        retryAfterSeconds: parseRetryAfter(headers['retry-after']),
      });
      if (status === 429) throw markRetryable(error, 'throttled');
      throw status >= 500 ? markRetryable(error, 'server') : error;
    });
  }

  /**
   * The time limit ends when the headers arrive: a body that then stalls would keep its reader
   * waiting forever. An idle timeout ends it with ETIMEDOUT instead (the reader reports 'timeout'):
   * no data for timeoutMs, whether the server stalls or the reader pauses that long (as the
   * socket's idle timeout did). undici's own body timeout (UND_ERR_BODY_TIMEOUT) is reported the
   * same way. Ending the returned stream early ends the download and releases its connection;
   * `done` runs once the download is over, however it ended.
   */
  private watched(body: Readable, done: () => void): Readable {
    const timeoutMs = this.config.timeoutMs;
    const out = new PassThrough();
    const idle = setTimeout(() => body.destroy(stalled(timeoutMs)), timeoutMs).unref();
    body.on('error', (error) =>
      out.destroy(errorCodes(error).includes('UND_ERR_BODY_TIMEOUT') ? stalled(timeoutMs) : error),
    );
    body.on('close', () => {
      clearTimeout(idle);
      done();
    });
    out.on('close', () => body.destroy());
    body.pipe(out);
    body.on('data', () => idle.refresh());
    return out;
  }

  private async retrying<R>(
    name: string,
    path: string,
    method: string,
    context: CallContext,
    fail: Fail,
    attempt: () => Promise<R>,
  ): Promise<R> {
    const startedAt = Date.now();
    // Graph billing calls are reads, or the start of an export: a repeat only costs another export.
    // A turn's deadline (role groups are read while a turn waits) bounds the retries too.
    const deadlineAt = currentCallDeadline();
    const policy = callRetryPolicy({
      options: this.config.retry,
      idempotent: true,
      startedAt,
      now: Date.now,
      ...(deadlineAt !== undefined ? { deadlineAt } : {}),
    });
    const retries = policy.onRetry((event) => {
      const failure = 'error' in event ? event.error : undefined;
      this.config.logger.warn(
        {
          op: name,
          attempt: event.attempt,
          delayMs: event.delay,
          correlationId: context.correlationId,
          error: failure instanceof PartnerCenterError ? failure.toJSON() : undefined,
        },
        'graph billing call retried',
      );
    });
    try {
      const result = await policy.execute(() => {
        if (context.signal?.aborted) throw fail({ code: 'aborted', description: 'The call was cancelled' });
        return attempt();
      }, context.signal);
      this.config.logger.debug(
        { op: name, method, path, durationMs: Date.now() - startedAt, correlationId: context.correlationId },
        'graph billing call',
      );
      return result;
    } catch (error) {
      const failure =
        error instanceof PartnerCenterError
          ? error
          : fail({
              code: 'unknown',
              description: error instanceof Error ? error.message : 'Unexpected failure',
            });
      this.config.logger.warn(
        { op: name, durationMs: Date.now() - startedAt, error: failure.toJSON() },
        'graph billing call failed',
      );
      throw failure;
    } finally {
      retries.dispose();
    }
  }

  private async exchange(
    request: GraphRequest<unknown>,
    context: CallContext,
    forceRefresh: boolean,
    fail: Fail,
  ): Promise<Answer> {
    let token: string;
    try {
      token = await this.config.tokens.getToken('app', {
        forceRefresh,
        correlationId: context.correlationId,
      });
    } catch (error) {
      throw fail({
        code: error instanceof AuthFailure && error.unreachable ? 'network' : 'auth',
        description: error instanceof AuthFailure ? error.description : 'Graph token acquisition failed',
      });
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'client-request-id': context.correlationId,
    };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await exchangeText(this.dispatcher, request.url, {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        ...(context.signal ? { signal: context.signal } : {}),
        timeoutMs: attemptTimeoutMs(this.config.timeoutMs, currentCallDeadline()),
      });
    } catch (error) {
      throw error instanceof TransportFailure ? this.failed(error, fail) : error;
    }
  }

  private read<T>(request: GraphRequest<T>, response: Answer, fail: Fail): GraphResponse<T> {
    const { headers, status } = response;
    const requestId = headers['request-id'];
    const retryAfterSeconds = parseRetryAfter(headers['retry-after']);
    if (status < 200 || status >= 300) {
      const body = graphErrorSchema.safeParse(safeJson(response.text));
      const graphCode = body.success ? (body.data.error.code ?? undefined) : undefined;
      const message = body.success ? (body.data.error.message ?? '') : `HTTP ${status}`;
      if (status === 429) {
        const throttled = fail({
          code: '429',
          status,
          description: message,
          requestId,
          retryAfterSeconds: retryAfterSeconds ?? 1,
        });
        throw markRetryable(throttled, 'throttled');
      }
      const error = fail({
        code: status === 401 || status === 403 ? 'auth' : (graphCode ?? 'unknown'),
        status,
        description:
          status === 401 || status === 403 ? `${graphCode ?? `HTTP ${status}`}: ${message}` : message,
        requestId,
        retryAfterSeconds,
      });
      throw status >= 500 ? markRetryable(error, 'server') : error;
    }
    if (!request.response) return { status, headers, body: undefined, requestId };
    const json = safeJson(response.text);
    const parsed = request.response.safeParse(json);
    if (json === undefined || !parsed.success) {
      const issue = parsed.success ? undefined : parsed.error.issues[0];
      const schemaPath = issue ? issue.path.join('.') : '';
      throw fail({
        code: 'schema',
        status,
        requestId,
        schemaPath,
        description:
          json === undefined
            ? `${request.name}: the body is not JSON`
            : `${request.name}: the answer does not match the documented shape at "${schemaPath}": ${issue?.message ?? ''}`,
      });
    }
    return { status, headers, body: parsed.data, requestId };
  }

  private failed(failure: TransportFailure, fail: Fail): PartnerCenterError {
    return transportError(failure, this.config.timeoutMs, fail);
  }
}
