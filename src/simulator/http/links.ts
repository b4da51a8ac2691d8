import { invalidInput } from '../state/errors';

export interface Link {
  uri: string;
  method: string;
  headers: { key: string; value: string }[];
}

/** Links are relative to `/v1`, as in every documented sample. */
export const link = (uri: string, method = 'GET', headers: Link['headers'] = []): Link => ({
  uri,
  method,
  headers,
});

export interface CollectionOptions {
  next?: Link;
  continuationToken?: string;
  totalCount?: number;
}

export function collection(items: unknown[], selfUri: string | undefined, options: CollectionOptions = {}) {
  return {
    ...(options.continuationToken ? { continuationToken: options.continuationToken } : {}),
    totalCount: options.totalCount ?? items.length,
    items,
    links: {
      ...(selfUri ? { self: link(selfUri) } : {}),
      ...(options.next ? { next: options.next } : {}),
    },
    attributes: { objectType: 'Collection' },
  };
}

/** Opaque seek token: which collection it belongs to and where the next page starts. */
export function encodeSeekToken(kind: string, offset: number): string {
  return Buffer.from(JSON.stringify({ k: kind, o: offset })).toString('base64');
}

export function decodeSeekToken(kind: string, token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'k' in parsed &&
      'o' in parsed &&
      parsed.k === kind &&
      typeof parsed.o === 'number' &&
      parsed.o >= 0
    ) {
      return parsed.o;
    }
  } catch {
    // falls through to the error below
  }
  throw invalidInput('The continuation token is not valid for this request.');
}

export interface SeekRequest {
  kind: string;
  size: number;
  /** The MS-ContinuationToken header of a `seekOperation=Next` call; undefined for the first page. */
  token: string | undefined;
  /** URI of this collection with its query (relative to /v1), without the seek parameter. */
  selfUri: string;
  /** Query parameter the next link carries: `seekOperation` (most lists) or `seek_operation` (utilization). */
  seekParameter: string;
}

/** Seek-based paging: `continuationToken` plus `links.next` carrying the token as MS-ContinuationToken. */
export function seekPage<T>(all: readonly T[], request: SeekRequest) {
  const offset = request.token === undefined ? 0 : decodeSeekToken(request.kind, request.token);
  const items = all.slice(offset, offset + request.size);
  const nextOffset = offset + items.length;
  const hasMore = nextOffset < all.length;
  const token = hasMore ? encodeSeekToken(request.kind, nextOffset) : undefined;
  const separator = request.selfUri.includes('?') ? '&' : '?';
  return {
    items,
    totalCount: items.length,
    continuationToken: token,
    next: token
      ? link(`${request.selfUri}${separator}${request.seekParameter}=Next`, 'GET', [
          { key: 'MS-ContinuationToken', value: token },
        ])
      : undefined,
  };
}
