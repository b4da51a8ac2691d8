import { randomUUID } from 'node:crypto';
import { connectionPool, exchangeText, transportError, TransportFailure, type Answer } from './transport';
import type { CallOptions } from '../callOptions';
import { AuthFailure, type TokenProvider } from '../auth/tokenProvider';
import { MFA_REQUIRED_CODE, PartnerCenterError } from '../errors';
import type { PartnerCenterLogger } from '../logger';
import { pcErrorBodySchema, throttlingBodySchema } from '../schemas';
import { expandPath, queryString, type Operation, type RequestParts } from './operation';
import { attemptTimeoutMs, currentCallDeadline } from '../callDeadline';
import { LimiterStoppedError, LimiterWaitExceededError, type RateLimiter } from './rateLimiter';
import {
  callRetryPolicy,
  isAmbiguous,
  markRetryable,
  retryReason,
  type ResolvedRetryOptions,
} from './retryPolicy';

export interface PipelineConfig {
  /** Origin (and optional prefix) of the API, without /v1. */
  baseUrl: string;
  applicationName: string;
  locale: string;
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  tokens: TokenProvider;
  limiter: RateLimiter;
  logger: PartnerCenterLogger;
}

/** One logical call as it ended, for observers (audit trails): never the body, never a token. */
export interface PartnerCenterCall {
  operation: string;
  method: string;
  /** The path without the query (`/v1/customers/{id}/…`). */
  path: string;
  requestId: string;
  correlationId: string;
  ok: boolean;
  status?: number;
  /** The PartnerCenterError code of a failed call. */
  code?: string;
  durationMs: number;
}

export type PartnerCenterCallListener = (call: PartnerCenterCall) => void;

/** A successful answer. `body` is the parsed resource, absent for body-less answers (202, 204). */
export interface PcResponse<T> {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: T | undefined;
  requestId: string;
  correlationId: string;
  /** Set when a guard found the work already done after an ambiguous failure. */
  recovered?: boolean;
}

export interface SendExtras<T> {
  /**
   * For a non-idempotent operation whose attempt ended ambiguously (timeout, reset, 5xx): looks
   * for the work's result. A response means it was done (returned as is); undefined means it was
   * not, so the call may be tried again.
   */
  guard?: () => Promise<PcResponse<T> | undefined>;
}

interface CallContext {
  method: string;
  path: string;
  url: string;
  requestId: string;
  correlationId: string;
  locale: string;
  /** When a person waiting needs the answer by (epoch ms); background calls have none. */
  deadlineAt?: number;
}

/** The single request pipeline every operation goes through. */
export class Pipeline {
  /** Keep-alive connections per origin (undici: Node's own HTTP client library). */
  private readonly pool = connectionPool();
  private readonly apiRoot: string;
  private readonly listeners = new Set<PartnerCenterCallListener>();

  constructor(private readonly config: PipelineConfig) {
    this.apiRoot = config.baseUrl.replace(/\/+$/, '');
  }

  /** Tells `listener` of every logical call once it ends; returns the function that stops it. */
  onCall(listener: PartnerCenterCallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(call: PartnerCenterCall): void {
    for (const listener of this.listeners) {
      try {
        listener(call);
      } catch (error) {
        this.config.logger.warn({ err: error, op: call.operation }, 'a call listener failed');
      }
    }
  }

  /** Calls an operation that answers with a body, and returns that body. */
  async call<T>(
    operation: Operation<T>,
    parts: RequestParts,
    options: CallOptions = {},
    extras: SendExtras<T> = {},
  ): Promise<T> {
    const response = await this.send(operation, parts, options, extras);
    if (response.body === undefined) {
      throw new PartnerCenterError({
        code: 'schema',
        description: `Expected a body, got HTTP ${response.status} without one`,
        method: operation.method,
        path: this.target(operation, parts).path,
        status: response.status,
        requestId: response.requestId,
        correlationId: response.correlationId,
        schemaPath: '',
      });
    }
    return response.body;
  }

  /** One logical call: one MS-RequestId, retried under the operation's rules until its deadline. */
  async send<T>(
    operation: Operation<T>,
    parts: RequestParts,
    options: CallOptions = {},
    extras: SendExtras<T> = {},
  ): Promise<PcResponse<T>> {
    const { url, path } = this.target(operation, parts);
    const context: CallContext = {
      method: operation.method,
      path,
      url,
      requestId: options.requestId ?? randomUUID(),
      correlationId: options.correlationId ?? randomUUID(),
      locale: options.locale ?? this.config.locale,
    };
    const deadlineAt = options.deadlineAt ?? currentCallDeadline();
    if (deadlineAt !== undefined) context.deadlineAt = deadlineAt;
    if (!this.config.tokens.canAuthenticate(operation.auth)) {
      throw this.refusedUnsent(operation, context, {
        code: 'auth',
        description:
          operation.auth === 'app+user'
            ? `${operation.name} needs an App+User credential (partner service account refresh token), which is not configured`
            : `${operation.name} needs an app credential (client secret or certificate), which is not configured`,
      });
    }
    const startedAt = Date.now();
    // Durations to a hundredth of a millisecond: a call to a nearby service takes one or two.
    const clockStart = performance.now();
    const elapsedMs = () => Math.round((performance.now() - clockStart) * 100) / 100;
    const policy = callRetryPolicy({
      options: this.config.retry,
      idempotent: operation.idempotent || operation.idempotentByRequestId === true,
      startedAt,
      now: Date.now,
      ...(deadlineAt !== undefined ? { deadlineAt } : {}),
    });
    const retries = policy.onRetry((event) => {
      const failure = 'error' in event ? event.error : undefined;
      this.config.logger.warn(
        {
          op: operation.name,
          attempt: event.attempt,
          delayMs: event.delay,
          requestId: context.requestId,
          correlationId: context.correlationId,
          error: failure instanceof PartnerCenterError ? failure.toJSON() : undefined,
        },
        'partner center call retried',
      );
    });
    try {
      const response = await policy.execute(
        () => this.attempt(operation, parts, context, options, extras),
        options.signal,
      );
      this.config.logger.debug(
        {
          op: operation.name,
          method: context.method,
          path,
          status: response.status,
          durationMs: elapsedMs(),
          requestId: context.requestId,
          correlationId: context.correlationId,
        },
        'partner center call',
      );
      this.notify({
        operation: operation.name,
        method: context.method,
        path,
        requestId: context.requestId,
        correlationId: context.correlationId,
        ok: true,
        status: response.status,
        durationMs: elapsedMs(),
      });
      return response;
    } catch (error) {
      let failure = error instanceof PartnerCenterError ? error : this.unexpected(context, error);
      // Throttled past what a waiting person can wait: the same 'busy, try again in N s' as our
      // own limiter's, whether the window is ours or Partner Center's.
      if (failure.code === '429' && deadlineAt !== undefined) {
        failure = this.error(context, {
          code: 'busy',
          status: 429,
          description: failure.description,
          ...(failure.retryAfterSeconds !== undefined
            ? { retryAfterSeconds: failure.retryAfterSeconds }
            : {}),
        });
      }
      this.config.logger.warn(
        { op: operation.name, durationMs: elapsedMs(), error: failure.toJSON() },
        'partner center call failed',
      );
      this.notify({
        operation: operation.name,
        method: context.method,
        path,
        requestId: context.requestId,
        correlationId: context.correlationId,
        ok: false,
        status: failure.status,
        code: failure.code,
        durationMs: elapsedMs(),
      });
      throw failure;
    } finally {
      retries.dispose();
    }
  }

  /** A call refused before it was sent (no credential for its auth mode): listeners hear of it too. */
  private refusedUnsent(
    operation: Operation<unknown>,
    context: CallContext,
    details: { code: string; description: string },
  ): PartnerCenterError {
    const failure = this.error(context, details);
    this.notify({
      operation: operation.name,
      method: context.method,
      path: context.path,
      requestId: context.requestId,
      correlationId: context.correlationId,
      ok: false,
      code: failure.code,
      durationMs: 0,
    });
    return failure;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /** Where a request goes: the operation's path and query, or a link's uri relative to /v1. */
  target(operation: Operation<unknown>, parts: RequestParts): { url: string; path: string } {
    if (parts.rawPath !== undefined) return this.linkTarget(parts.rawPath);
    const path = `/v1${expandPath(operation.path, parts.params)}`;
    return { url: `${this.apiRoot}${path}${queryString(parts.query)}`, path };
  }

  private linkTarget(uri: string): { url: string; path: string } {
    let relative = uri;
    if (/^https?:\/\//i.test(uri)) {
      const link = new URL(uri);
      const root = new URL(this.apiRoot);
      if (link.origin !== root.origin) {
        throw new PartnerCenterError({
          code: 'schema',
          description: 'A link points outside the Partner Center API; not followed',
          method: 'GET',
          path: link.pathname,
          schemaPath: 'links',
        });
      }
      relative = `${link.pathname}${link.search}`;
    }
    if (!relative.startsWith('/')) relative = `/${relative}`;
    if (!/^\/v1(\/|\?|$)/i.test(relative)) relative = `/v1${relative}`;
    return { url: `${this.apiRoot}${relative}`, path: relative.split('?')[0] };
  }

  private async attempt<T>(
    operation: Operation<T>,
    parts: RequestParts,
    context: CallContext,
    options: CallOptions,
    extras: SendExtras<T>,
  ): Promise<PcResponse<T>> {
    try {
      return await this.attemptOnce(operation, parts, context, options);
    } catch (error) {
      if (!(error instanceof PartnerCenterError)) throw error;
      const reason = retryReason(error);
      if (operation.idempotent || !isAmbiguous(reason)) throw error;
      // Deduplicated by MS-RequestId: retrying with the same id cannot act twice.
      const safeToRepeat = operation.idempotentByRequestId === true;
      if (!extras.guard) {
        if (safeToRepeat) throw error;
        throw this.outcomeUnknown(context, error);
      }
      let found: PcResponse<T> | undefined;
      try {
        found = await extras.guard();
      } catch {
        if (safeToRepeat) throw error;
        throw this.outcomeUnknown(context, error);
      }
      if (found)
        return {
          ...found,
          requestId: context.requestId,
          correlationId: context.correlationId,
          recovered: true,
        };
      throw markRetryable(error, 'cleared');
    }
  }

  private async attemptOnce<T>(
    operation: Operation<T>,
    parts: RequestParts,
    context: CallContext,
    options: CallOptions,
  ): Promise<PcResponse<T>> {
    let response = await this.exchange(operation, parts, context, options, false);
    if (response.status === 401 && !isMfaRefusal(response.text)) {
      // A cached token the service no longer accepts (revoked, service restarted): one fresh token.
      // Not for 900421 (no MFA claim): a fresh token from the same sign-in has no MFA claim either.
      response = await this.exchange(operation, parts, context, options, true);
    }
    return this.read(operation, context, response);
  }

  private async exchange(
    operation: Operation<unknown>,
    parts: RequestParts,
    context: CallContext,
    options: CallOptions,
    forceRefresh: boolean,
  ): Promise<Answer> {
    if (options.signal?.aborted)
      throw this.error(context, { code: 'aborted', description: 'The call was cancelled' });
    let token: string;
    try {
      token = await this.config.tokens.getToken(operation.auth, {
        forceRefresh,
        correlationId: context.correlationId,
      });
    } catch (error) {
      const description = error instanceof AuthFailure ? error.description : 'Token acquisition failed';
      const unreachable = error instanceof AuthFailure && error.unreachable;
      throw this.error(context, { code: unreachable ? 'network' : 'auth', description });
    }
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'MS-RequestId': context.requestId,
      'MS-CorrelationId': context.correlationId,
      'MS-Contract-Version': 'v1',
      'MS-PartnerCenter-Application': this.config.applicationName,
      'X-Locale': context.locale,
      ...parts.headers,
    };
    const hasBody = parts.body !== undefined;
    if (hasBody) headers['Content-Type'] = 'application/json';
    try {
      return await this.config.limiter.schedule(
        operation.family,
        () =>
          exchangeText(this.pool, context.url, {
            method: operation.method,
            headers,
            body: hasBody ? JSON.stringify(parts.body) : operation.method === 'GET' ? undefined : '',
            signal: options.signal,
            // A person waiting: the attempt ends with the deadline.
            timeoutMs: attemptTimeoutMs(this.config.timeoutMs, context.deadlineAt),
          }),
        context.deadlineAt !== undefined ? { deadlineAt: context.deadlineAt } : {},
      );
    } catch (error) {
      throw this.failedExchange(context, error);
    }
  }

  private read<T>(operation: Operation<T>, context: CallContext, response: Answer): PcResponse<T> {
    const { headers, status } = response;
    if (status < 200 || status >= 300)
      throw this.httpError(operation, context, status, response.text, headers);
    const base = { status, headers, requestId: context.requestId, correlationId: context.correlationId };
    const bodyless = status === 204 || operation.bodylessStatuses?.includes(status) === true;
    if (!operation.response || bodyless) return { ...base, body: undefined };
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw this.error(context, {
        code: 'schema',
        status,
        description: response.text ? 'The body is not JSON' : 'The body is empty',
        schemaPath: '',
      });
    }
    const parsed = operation.response.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const schemaPath = issue.path.join('.');
      throw this.error(context, {
        code: 'schema',
        status,
        description: `${operation.name}: the answer does not match the documented shape at "${schemaPath}": ${issue.message}`,
        schemaPath,
      });
    }
    return { ...base, body: parsed.data };
  }

  private httpError(
    operation: Operation<unknown>,
    context: CallContext,
    status: number,
    text: string,
    headers: Record<string, string>,
  ): PartnerCenterError {
    const json = safeJson(text);
    const retryAfterSeconds = parseRetryAfter(headers['retry-after']);
    if (status === 429) {
      const throttling = throttlingBodySchema.safeParse(json);
      const message = throttling.success ? throttling.data.message : 'Rate limit is exceeded.';
      return markRetryable(
        this.error(context, {
          code: '429',
          status,
          description: message,
          retryAfterSeconds: retryAfterSeconds ?? secondsInMessage(message) ?? 1,
        }),
        'throttled',
      );
    }
    const body = pcErrorBodySchema.safeParse(json);
    const code = body.success ? body.data.code : status === 401 || status === 403 ? 'auth' : 'unknown';
    const error = this.error(context, {
      code,
      status,
      description: body.success ? (body.data.description ?? '') : `HTTP ${status}`,
      data: body.success ? (body.data.data ?? []) : [],
      retryAfterSeconds,
    });
    if (status >= 500) return markRetryable(error, 'server');
    if (operation.retryOnCodes?.includes(code)) return markRetryable(error, 'busyCode');
    return error;
  }

  private failedExchange(context: CallContext, error: unknown): PartnerCenterError {
    if (error instanceof PartnerCenterError) return error;
    if (error instanceof LimiterWaitExceededError) {
      // Never sent: our own limiter had no room before the deadline. Not retried within the call.
      return this.error(context, {
        code: 'busy',
        description: error.message,
        retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000),
      });
    }
    if (error instanceof LimiterStoppedError) {
      return this.error(context, {
        code: 'aborted',
        description: 'The client was closed before the call was sent',
      });
    }
    if (!(error instanceof TransportFailure)) return this.unexpected(context, error);
    return transportError(error, this.config.timeoutMs, (details) => this.error(context, details));
  }

  private outcomeUnknown(context: CallContext, cause: PartnerCenterError): PartnerCenterError {
    return this.error(context, {
      code: 'outcomeUnknown',
      status: cause.status,
      description: `The request may or may not have been carried out (${cause.code}: ${cause.description}); it was not repeated`,
    });
  }

  private unexpected(context: CallContext, error: unknown): PartnerCenterError {
    const description = error instanceof Error ? error.message : 'Unexpected failure';
    return this.error(context, { code: 'unknown', description });
  }

  private error(
    context: CallContext,
    details: {
      code: string;
      description: string;
      status?: number;
      retryAfterSeconds?: number;
      data?: readonly unknown[];
      schemaPath?: string;
    },
  ): PartnerCenterError {
    return new PartnerCenterError({
      ...details,
      method: context.method,
      path: context.path,
      requestId: context.requestId,
      correlationId: context.correlationId,
    });
  }
}

/** A 401 whose Partner Center error code is 900421: the App+User token carries no MFA claim. */
function isMfaRefusal(text: string): boolean {
  const body = pcErrorBodySchema.safeParse(safeJson(text));
  return body.success && body.data.code === MFA_REQUIRED_CODE;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds, or as an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function secondsInMessage(message: string): number | undefined {
  const match = /(\d+)\s*second/i.exec(message);
  return match ? Number(match[1]) : undefined;
}
