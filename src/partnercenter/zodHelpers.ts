import { z } from 'zod';

/**
 * Building blocks for reading Partner Center bodies leniently where the service is inconsistent
 * (enum casing, numbers sent as strings, PascalCase keys in some answers) and strictly where we
 * rely on a field.
 */

const squash = (value: string): string => value.toLowerCase().replace(/[\s_-]/g, '');

/**
 * An open string enum: a known value in any casing or separator style (`OneTime`, `onetime`,
 * `one_time`) becomes the documented wire value; an unknown value is kept as sent.
 */
export function openEnum<const T extends readonly string[]>(known: T) {
  const byKey = new Map(known.map((value) => [squash(value), value]));
  return z.string().transform((value): T[number] | (string & {}) => byKey.get(squash(value)) ?? value);
}

const NUMERIC_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** A number that may arrive as a JSON number or as its decimal text. */
export const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(NUMERIC_TEXT, 'Expected a number or numeric text')
    .transform((text) => Number(text)),
]);

/** An optional number: absent, null and the empty string all read as undefined. */
export const optionalNumeric = z.preprocess(
  (value) => (value === null || value === '' ? undefined : value),
  numeric.optional(),
);

/** A number that may legitimately be null (e.g. "no budget"); the empty string reads as null. */
export const nullableNumeric = z.preprocess((value) => (value === '' ? null : value), numeric.nullish());

export const optionalString = z.string().nullish();
export const optionalBoolean = z.boolean().nullish();

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function canonicalizeKeys(input: unknown, canonical: ReadonlyMap<string, string>): unknown {
  if (!isPlainObject(input)) return input;
  let output: Record<string, unknown> | undefined;
  for (const key of Object.keys(input)) {
    const target = canonical.get(key.toLowerCase());
    if (target === undefined || target === key || Object.prototype.hasOwnProperty.call(input, target))
      continue;
    output ??= { ...input };
    output[target] = output[key];
    delete output[key];
  }
  return output ?? input;
}

/**
 * A Partner Center resource: the keys we declare are matched case-insensitively (some answers
 * and the doc examples use PascalCase), every other field is kept untouched.
 */
export function resource<S extends z.ZodRawShape>(shape: S) {
  const canonical = new Map(Object.keys(shape).map((key) => [key.toLowerCase(), key]));
  return z.preprocess((input) => canonicalizeKeys(input, canonical), z.object(shape).passthrough());
}

/** A free-form dictionary whose keys are names (`self`, `next`…): first letter lower-cased. */
export function camelKeyedRecord<T extends z.ZodTypeAny>(value: T) {
  return z.preprocess(
    (input) => {
      if (!isPlainObject(input)) return input;
      const output: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(input)) {
        const camel = key.charAt(0).toLowerCase() + key.slice(1);
        if (!(camel in output) || camel === key) output[camel] = item;
      }
      return output;
    },
    z.record(z.string(), value),
  );
}
