import { randomUUID } from 'node:crypto';
import type { CallOptions } from '../callOptions';
import type { Collection } from '../schemas';
import type { Operation, RequestParts } from './operation';
import type { PcResponse, Pipeline } from './pipeline';

export const CONTINUATION_TOKEN_HEADER = 'MS-ContinuationToken';

/**
 * Every item of a collection, page after page: follows `links.next` (its uri relative to /v1, its
 * headers sent as headers, which is how MS-ContinuationToken travels) to the end. Operations that
 * declare a seek parameter also page with `?<param>=Next` + MS-ContinuationToken when a page has
 * a continuation token but no next link. All pages share one correlation id.
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
  const requested = new Set<string>();
  let request: RequestParts | undefined = parts;
  while (request) {
    const page: PcResponse<Collection<T>> = await pipeline.send(operation, request, pageOptions);
    const body = page.body;
    if (!body) return;
    yield* body.items;
    request = nextPage(operation, parts, body);
    if (request) {
      // A server that keeps sending the same next link would otherwise loop forever.
      const key = `${request.rawPath ?? ''}|${JSON.stringify(request.query ?? {})}|${request.headers?.[CONTINUATION_TOKEN_HEADER] ?? ''}`;
      if (requested.has(key)) return;
      requested.add(key);
    }
  }
}

function nextPage<T>(
  operation: Operation<Collection<T>>,
  first: RequestParts,
  page: Collection<T>,
): RequestParts | undefined {
  const token = page.continuationToken ?? undefined;
  const next = page.links?.next;
  if (next?.uri) {
    const headers: Record<string, string> = {};
    for (const header of next.headers ?? []) if (header.value != null) headers[header.key] = header.value;
    const hasToken = Object.keys(headers).some(
      (name) => name.toLowerCase() === CONTINUATION_TOKEN_HEADER.toLowerCase(),
    );
    if (token && !hasToken) headers[CONTINUATION_TOKEN_HEADER] = token;
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
