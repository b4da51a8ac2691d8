import type { z } from 'zod';
import type { AuthMode } from '../auth/credentials';
import type { LimiterFamily } from './rateLimiter';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One Partner Center operation, declared once; the pipeline does the rest (URL, headers, token,
 * limiter, retries, parsing, errors).
 */
export interface Operation<T> {
  /** e.g. 'orders.get', for logs. */
  readonly name: string;
  readonly method: HttpMethod;
  /** Relative to `/v1`, with `{param}` placeholders: '/customers/{customerId}/orders/{orderId}'. */
  readonly path: string;
  /** From the reference's Prerequisites: App-only works, or a partner user (App+User) is required. */
  readonly auth: AuthMode;
  /** Which client-side rate limit the call counts against. */
  readonly family: LimiterFamily;
  /** The success body; undefined when the operation answers without one. */
  readonly response?: z.ZodType<T, z.ZodTypeDef, unknown>;
  /** Repeating the request cannot do the work twice (reads, PUT/PATCH of a full state, checkout per cart). */
  readonly idempotent: boolean;
  /**
   * A create that Partner Center deduplicates by MS-RequestId: repeated with the same id (as every
   * retry of one logical call is), it returns the first result instead of acting twice. After an
   * unclear failure (timeout, reset, 5xx) it is retried like an idempotent operation; a caller's
   * guard, when given, is asked first.
   */
  readonly idempotentByRequestId?: boolean;
  /** Success statuses that carry no body to parse (202 + Location, 204 "not ready"). */
  readonly bodylessStatuses?: readonly number[];
  /** Partner Center codes that mean "busy, try again" for this operation. */
  readonly retryOnCodes?: readonly string[];
  /** Seek paging by query parameter + MS-ContinuationToken when a page has a token but no next link. */
  readonly seekParameter?: string;
}

export function defineOperation<T>(operation: Operation<T>): Operation<T> {
  return Object.freeze(operation);
}

export type QueryValue = string | number | boolean | undefined | null;

/** The per-call parts of a request. */
export interface RequestParts {
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
  /** A link's `uri` (relative to /v1) used instead of the operation's path and query: paging, artifacts. */
  rawPath?: string;
}

export function expandPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === '')
      throw new TypeError(`Missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(value);
  });
}

export function queryString(query: Readonly<Record<string, QueryValue>> = {}): string {
  const pairs = Object.entries(query)
    .filter(
      (entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== null,
    )
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}
