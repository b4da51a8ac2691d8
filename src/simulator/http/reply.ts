import type { PcError } from '../state/errors';

/** What a route answers; the pipeline adds the standard headers and writes it. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });

export function errorBody(code: string, description: string, data: unknown[] = []) {
  return { code, description, data, source: 'PartnerCenter' };
}

export function errorReply(error: PcError): Reply {
  return { status: error.status, body: errorBody(error.code, error.description, error.data) };
}

/** The documented 429 body: it does not follow the PC error schema. */
export function throttledReply(retryAfterSeconds: number): Reply {
  return {
    status: 429,
    body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  };
}
