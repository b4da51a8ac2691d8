import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
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

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const MAX_ERROR_BODY = 64 * 1024;

function lowerCaseHeaders(headers: AxiosResponse['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null)
      result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
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
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

const xmlField = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

export class GraphHttp {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private readonly json: AxiosInstance;
  private readonly blobs: AxiosInstance;

  constructor(private readonly config: GraphHttpConfig) {
    const common = {
      timeout: config.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
    };
    this.json = axios.create({
      ...common,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    });
    // The blob is gzip data to read as it comes: never buffered, never decompressed by axios.
    this.blobs = axios.create({ ...common, responseType: 'stream', decompress: false });
  }

  async close(): Promise<void> {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
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
      let response: AxiosResponse<Readable>;
      try {
        response = await this.blobs.get<Readable>(url, { signal: context.signal });
      } catch (error) {
        throw this.transportError(error, fail);
      }
      if (response.status === 200) return this.watched(response.data);
      const text = await readSome(response.data);
      const code = xmlField(text, 'Code') ?? `HTTP ${response.status}`;
      const detail = xmlField(text, 'AuthenticationErrorDetail') ?? xmlField(text, 'Message')?.split('\n')[0];
      const headers = lowerCaseHeaders(response.headers);
      const error = fail({
        code: response.status === 401 || response.status === 403 ? 'auth' : code,
        status: response.status,
        description: `Blob storage refused the download (${code})${detail ? `: ${detail}` : ''}`,
        requestId: headers['x-ms-request-id'],
        retryAfterSeconds: parseRetryAfter(headers['retry-after']),
      });
      if (response.status === 429) throw markRetryable(error, 'throttled');
      throw response.status >= 500 ? markRetryable(error, 'server') : error;
    });
  }

  /**
   * axios's timeout ends when the headers arrive: a body that then stalls would keep its reader
   * waiting forever. The socket's idle timeout ends it with ETIMEDOUT instead (the reader reports
   * 'timeout'); a reader that pauses longer than timeoutMs ends it too.
   */
  private watched(body: Readable): Readable {
    if (body instanceof IncomingMessage) {
      body.setTimeout(this.config.timeoutMs, () => {
        const idle = Object.assign(new Error(`no data for ${this.config.timeoutMs} ms`), {
          code: 'ETIMEDOUT',
        });
        body.destroy(idle);
      });
    }
    return body;
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
  ): Promise<AxiosResponse<string>> {
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
      return await this.json.request<string>({
        method: request.method,
        url: request.url,
        headers,
        data: request.body !== undefined ? JSON.stringify(request.body) : undefined,
        signal: context.signal,
        timeout: attemptTimeoutMs(this.config.timeoutMs, currentCallDeadline()),
      });
    } catch (error) {
      throw this.transportError(error, fail);
    }
  }

  private read<T>(request: GraphRequest<T>, response: AxiosResponse<string>, fail: Fail): GraphResponse<T> {
    const headers = lowerCaseHeaders(response.headers);
    const status = response.status;
    const requestId = headers['request-id'];
    const retryAfterSeconds = parseRetryAfter(headers['retry-after']);
    if (status < 200 || status >= 300) {
      const body = graphErrorSchema.safeParse(safeJson(response.data));
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
    const json = safeJson(response.data);
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

  private transportError(error: unknown, fail: Fail): PartnerCenterError {
    if (error instanceof PartnerCenterError) return error;
    if (axios.isCancel(error) || (error instanceof AxiosError && error.code === 'ERR_CANCELED'))
      return fail({ code: 'aborted', description: 'The call was cancelled' });
    const code = error instanceof AxiosError ? error.code : undefined;
    if (code !== undefined && TIMEOUT_CODES.has(code))
      return markRetryable(
        fail({ code: 'timeout', description: `No answer within ${this.config.timeoutMs} ms` }),
        'transport',
      );
    const reason = code !== undefined && NOT_SENT_CODES.has(code) ? 'notSent' : 'transport';
    return markRetryable(
      fail({ code: 'network', description: `Connection failed (${code ?? 'unknown cause'})` }),
      reason,
    );
  }
}
