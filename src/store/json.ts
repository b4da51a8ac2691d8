import { z } from 'zod';
import { StoreDataError } from './errors';

export interface JsonLocation {
  table: string;
  key: string;
  column: string;
}

export const jsonObject = z.record(z.unknown());
export type JsonObject = z.infer<typeof jsonObject>;

export function toJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('Value cannot be stored as JSON');
  return text;
}

export function parseJson<S extends z.ZodTypeAny>(text: string, schema: S, where: JsonLocation): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StoreDataError(where.table, where.key, where.column, [
      { path: [], message: `not JSON (${(e as Error).message})` },
    ]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new StoreDataError(where.table, where.key, where.column, parsed.error.issues);
  return parsed.data;
}

export function parseOptionalJson<S extends z.ZodTypeAny>(
  text: string | null,
  schema: S,
  where: JsonLocation,
): z.output<S> | undefined {
  return text === null ? undefined : parseJson(text, schema, where);
}

/** Validates a plain (non-JSON) column, such as an enum stored as text. */
export function parseColumn<S extends z.ZodTypeAny>(
  value: unknown,
  schema: S,
  where: JsonLocation,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StoreDataError(where.table, where.key, where.column, parsed.error.issues);
  return parsed.data;
}
