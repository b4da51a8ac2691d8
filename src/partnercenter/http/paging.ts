import { randomUUID } from 'node:crypto';
import type { CallOptions } from '../callOptions';
import { PartnerCenterError } from '../errors';
import type { Collection } from '../schemas';
import type { Operation, RequestParts } from './operation';
import type { PcResponse, Pipeline } from './pipeline';

export const CONTINUATION_TOKEN_HEADER = 'MS-ContinuationToken';

/**
 * Every item of a collection, page after page: follows `links.next` (its uri relative to /v1, its
 * headers sent as headers, which is how MS-ContinuationToken travels) to the end. Operations that
 * declare a seek parameter also page with `?<param>=Next` + MS-ContinuationToken when a page has
 * a continuation token but no next link. All pages share one correlation id.
 *
 * A next link that is not a path relative to /v1 (an absolute URL, another host, unparsable) and
 * a continuation token or next link already followed end the listing with a PartnerCenterError
 * (code 'schema'): following them would leave Partner Center or loop forever.
 */
export async function* paginate<T>(
  pipeline: Pipeline,
  operation: Operation<Collection<T>>,
  parts: RequestParts,
  options: CallOptions = {},
): AsyncGenerator<T, void, undefined> {
  // Each page is its own logical call with its own MS-RequestId.
  const pageOptions: CallOptions = {
    ...options,
    requestId: undefined,
    correlationId: options.correlationId ?? randomUUID(),
  };
  const guard = new PagingGuard(parts);
  let request: RequestParts | undefined = parts;
  while (request) {
    const page: PcResponse<Collection<T>> = await pipeline.send(operation, request, pageOptions);
    const body = page.body;
    if (!body) return;
    yield* body.items;
    const where: PageContext = { page, path: pipeline.target(operation, request).path };
    request = nextPage(operation, parts, body, where);
    if (request) guard.admit(request, where);
  }
}

interface PageContext {
  page: PcResponse<unknown>;
  /** Path of the request whose answer holds the link. */
  path: string;
}

function pagingError(where: PageContext, schemaPath: string, description: string): PartnerCenterError {
  return new PartnerCenterError({
    code: 'schema',
    description,
    method: 'GET',
    path: where.path,
    status: where.page.status,
    requestId: where.page.requestId,
    correlationId: where.page.correlationId,
    schemaPath,
  });
}

function tokenOf(headers: Readonly<Record<string, string>> | undefined): string | undefined {
  const name = Object.keys(headers ?? {}).find(
    (key) => key.toLowerCase() === CONTINUATION_TOKEN_HEADER.toLowerCase(),
  );
  return name === undefined ? undefined : headers?.[name];
}

/** Refuses a page request that was already made or whose continuation token was already sent. */
class PagingGuard {
  private readonly tokens = new Set<string>();
  private readonly requests = new Set<string>();

  constructor(first: RequestParts) {
    const token = tokenOf(first.headers);
    if (token !== undefined) this.tokens.add(token);
  }

  admit(request: RequestParts, where: PageContext): void {
    const token = tokenOf(request.headers);
    const key = JSON.stringify([
      request.rawPath ?? '',
      request.params ?? {},
      request.query ?? {},
      token ?? '',
    ]);
    if (token !== undefined && this.tokens.has(token)) {
      throw pagingError(
        where,
        'continuationToken',
        'Partner Center sent a continuation token it had already sent; paging stopped instead of looping',
      );
    }
    if (this.requests.has(key)) {
      throw pagingError(
        where,
        'links.next',
        'Partner Center sent a next link it had already sent; paging stopped instead of looping',
      );
    }
    if (token !== undefined) this.tokens.add(token);
    this.requests.add(key);
  }
}

const PROBE_ORIGIN = 'https://partner-center.invalid';

/** Why a next link's uri cannot be followed, or undefined when it is a path relative to /v1. */
export function invalidNextLink(uri: string): string | undefined {
  if (uri.trim() === '') return 'is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) return 'contains white space or control characters';
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) return 'is an absolute URL, not a path relative to /v1';
  if (/^[/\\]{2}/.test(uri) || uri.includes('\\')) return 'points to another host';
  try {
    decodeURI(uri);
    const resolved = new URL(uri, `${PROBE_ORIGIN}/v1/`);
    if (resolved.origin !== PROBE_ORIGIN) return 'points to another host';
  } catch {
    return 'cannot be parsed';
  }
  return undefined;
}

function nextPage<T>(
  operation: Operation<Collection<T>>,
  first: RequestParts,
  page: Collection<T>,
  where: PageContext,
): RequestParts | undefined {
  const token = page.continuationToken ?? undefined;
  const next = page.links?.next;
  if (next?.uri !== undefined && next.uri !== null) {
    const problem = invalidNextLink(next.uri);
    if (problem) throw pagingError(where, 'links.next.uri', `The next page link ${problem}; not followed`);
    const headers: Record<string, string> = {};
    for (const header of next.headers ?? []) if (header.value != null) headers[header.key] = header.value;
    if (token && tokenOf(headers) === undefined) headers[CONTINUATION_TOKEN_HEADER] = token;
    return { rawPath: next.uri, headers };
  }
  if (operation.seekParameter && token && page.items.length > 0) {
    return {
      params: first.params,
      query: { ...first.query, [operation.seekParameter]: 'Next' },
      headers: { ...first.headers, [CONTINUATION_TOKEN_HEADER]: token },
    };
  }
  return undefined;
}

/** All items of an async iterable, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
