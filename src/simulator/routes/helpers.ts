import { z } from 'zod';
import { collection, seekPage } from '../http/links';
import { PcError, invalidInput } from '../state/errors';
import type { CustomerState } from '../state/types';
import type { RouteRequest, SimContext } from '../http/pipeline';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function param(req: RouteRequest, name: string): string {
  const value = req.params[name];
  if (value === undefined || value === '') throw invalidInput(`Missing path parameter ${name}.`);
  return decodeURIComponent(value);
}

/** The customer of `:customerId`: 400 900118 for a malformed id, 403 20002 for a tenant that is not ours. */
export function customerOf(req: RouteRequest, sim: SimContext): CustomerState {
  const id = param(req, 'customerId');
  if (!GUID.test(id)) throw new PcError(400, '900118', 'Invalid Customer ID');
  return sim.world.customer(id);
}

/** Validates a JSON body (keys already camel-cased) against a schema; 400 800002 when it does not fit. */
export function bodyOf<T extends z.ZodTypeAny>(req: RouteRequest, schema: T): z.infer<T> {
  const result = schema.safeParse(req.json());
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidInput(`Invalid request input: ${issue.path.join('.') || 'body'} ${issue.message}`.trim());
  }
  return result.data;
}

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

const searchFilterSchema = z.object({ field: z.string(), value: z.string(), operator: z.string() });
export type SearchFilter = z.infer<typeof searchFilterSchema>;

/**
 * The documented `filter` query parameter, `{"Field":…,"Value":…,"Operator":…}`, with its keys read
 * case-insensitively; undefined when absent. Each route decides which fields and operators it supports.
 */
export function searchFilterOf(raw: string | undefined): SearchFilter | undefined {
  if (raw === undefined || raw === '') return undefined;
  const malformed = () => invalidInput('The filter must be a JSON object {"Field","Value","Operator"}.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw malformed();
  }
  const lowered =
    typeof parsed === 'object' && parsed !== null
      ? Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v]))
      : parsed;
  const result = searchFilterSchema.safeParse(lowered);
  if (!result.success) throw malformed();
  return result.data;
}

export interface SeekCollectionOptions {
  kind: string;
  size: number;
  /** Path of the collection relative to /v1; the request's query (minus the seek parameter) is appended. */
  selfPath: string;
  /** `seekOperation` (most lists) or `seek_operation` (utilization). */
  seekParameter?: string;
}

/**
 * A seek-paged collection: the first page, or with `<seekParameter>=Next` the page the
 * MS-ContinuationToken header points to.
 */
export function seekCollection<T>(
  req: RouteRequest,
  all: readonly T[],
  view: (item: T) => unknown,
  options: SeekCollectionOptions,
) {
  const seekParameter = options.seekParameter ?? 'seekOperation';
  const seek = req.query.get(seekParameter)?.toLowerCase() === 'next';
  const token = req.header('ms-continuationtoken');
  if (seek && !token) throw invalidInput(`${seekParameter}=Next needs the MS-ContinuationToken header.`);
  const selfUri = `${options.selfPath}${req.query.without(seekParameter)}`;
  const page = seekPage(all, {
    kind: options.kind,
    size: options.size,
    token: seek ? token : undefined,
    selfUri,
    seekParameter,
  });
  return collection(page.items.map(view), selfUri, {
    continuationToken: page.continuationToken,
    next: page.next,
  });
}
