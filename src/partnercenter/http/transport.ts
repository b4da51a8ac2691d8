import type { Dispatcher } from 'undici';

/**
 * What the Partner Center pipeline and the Graph client share about an HTTP exchange over undici:
 * the answer as read, its headers, how a failure is classified, and an attempt's time limit.
 */

/** An answer, whatever its status: the body read whole as text. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Failures before the request left: safe to send again whatever the operation. */
export const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** Out of time: the attempt's limit, or undici's connect, headers or body timeout. */
export const TIMEOUT_CODES = new Set([
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
