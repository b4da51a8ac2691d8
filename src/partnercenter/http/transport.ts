import { Agent, request, type Dispatcher } from 'undici';
import type { PartnerCenterError } from '../errors';
import { markRetryable } from './retryPolicy';

/**
 * What the Partner Center pipeline, the Graph client and MSAL's network client share about an HTTP
 * exchange over undici: the connection pool, the exchange read whole as text within a time limit
 * and the caller's signal, and how a failure is classified.
 */

/**
 * How long an idle keep-alive connection is kept (unless the server says less): calls and export
 * polls a few seconds apart should not pay a new TLS handshake each.
 */
const KEEP_ALIVE_MS = 60_000;

/** A pool of keep-alive connections per origin; `connectTimeoutMs` bounds opening one. */
export function connectionPool(connectTimeoutMs?: number): Agent {
  return new Agent({
    keepAliveTimeout: KEEP_ALIVE_MS,
    ...(connectTimeoutMs !== undefined ? { connect: { timeout: connectTimeoutMs } } : {}),
  });
}

/** An answer, whatever its status: the body read whole as text. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Failures before the request left: safe to send again whatever the operation. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Out of time: the attempt's limit, or undici's connect, headers or body timeout. */
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** undici's headers (lower-case names; a repeated header as an array) as one string each. */
export function flatHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/**
 * The codes of a transport failure: undici's own (UND_ERR_*) or the socket's (ECONNREFUSED...),
 * on the error, on its causes, or on the attempts of an AggregateError (one per address tried).
 */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (typeof value !== 'object' || value === null || depth > 3) return;
    const { code, cause, errors } = value as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    visit(cause, depth + 1);
    if (Array.isArray(errors)) for (const inner of errors as unknown[]) visit(inner, depth + 1);
  };
  visit(error, 0);
  return codes;
}

/**
 * One attempt's signal: the caller's cancel, and the attempt's own time limit, which runs until
 * `answered()` when the caller says the answer's headers are in (a Graph body then has an idle
 * timeout of its own), or else until `end()`, which also lets go of the caller's signal.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private readonly caller: AbortSignal | undefined;
  private readonly timer: NodeJS.Timeout;
  private expired = false;
  private readonly cancel = () => this.controller.abort();

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.caller = caller;
    this.timer = setTimeout(() => {
      if (this.controller.signal.aborted) return;
      this.expired = true;
      this.controller.abort();
    }, timeoutMs);
    if (caller?.aborted) this.controller.abort();
    else caller?.addEventListener('abort', this.cancel, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The attempt's own time ran out (and the caller had not cancelled before). */
  get timedOut(): boolean {
    return this.expired;
  }

  /** The caller cancelled the attempt. */
  get cancelled(): boolean {
    return !this.expired && this.caller?.aborted === true;
  }

  answered(): void {
    clearTimeout(this.timer);
  }

  end(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.cancel);
  }
}

/**
 * How an exchange failed: cancelled by the caller; out of time; refused before the request left
 * (safe to send again whatever the operation); or broken off, the request perhaps acted on. `code`:
 * the transport's own code, for the description.
 */
export type FailureKind = 'aborted' | 'timeout' | 'notSent' | 'transport';

export class TransportFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`transport failure (${kind}${code ? `: ${code}` : ''})`, { cause });
  }
}

/** undici's error classified, given how the attempt ended. */
export function transportFailure(error: unknown, attempt: AttemptSignal): TransportFailure {
  const codes = errorCodes(error);
  const kind: FailureKind = attempt.cancelled
    ? 'aborted'
    : attempt.timedOut || codes.some((code) => TIMEOUT_CODES.has(code))
      ? 'timeout'
      : codes.some((code) => NOT_SENT_CODES.has(code))
        ? 'notSent'
        : 'transport';
  return new TransportFailure(kind, codes[0], error);
}

/**
 * One exchange, the answer read whole as text, all within `timeoutMs` or until the caller's signal;
 * a failure is a TransportFailure. Redirects are not followed, nothing is decompressed.
 */
export async function exchangeText(
  pool: Dispatcher,
  url: string,
  init: {
    method: Dispatcher.HttpMethod;
    headers?: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
    timeoutMs: number;
  },
): Promise<Answer> {
  const attempt = new AttemptSignal(init.timeoutMs, init.signal);
  try {
    const answer = await request(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: attempt.signal,
      dispatcher: pool,
    });
    return {
      status: answer.statusCode,
      headers: flatHeaders(answer.headers),
      text: await answer.body.text(),
    };
  } catch (error) {
    throw transportFailure(error, attempt);
  } finally {
    attempt.end();
  }
}

/**
 * A failed exchange as the client reports it: 'aborted' (not retried), 'timeout' (retried as a
 * transport failure), or 'network' (retried; safe to repeat only when it was never sent).
 */
export function transportError(
  failure: TransportFailure,
  timeoutMs: number,
  fail: (details: { code: string; description: string }) => PartnerCenterError,
): PartnerCenterError {
  if (failure.kind === 'aborted') return fail({ code: 'aborted', description: 'The call was cancelled' });
  if (failure.kind === 'timeout')
    return markRetryable(
      fail({ code: 'timeout', description: `No answer within ${timeoutMs} ms` }),
      'transport',
    );
  const description = `Connection failed (${failure.code ?? 'unknown cause'})`;
  return markRetryable(fail({ code: 'network', description }), failure.kind);
}
