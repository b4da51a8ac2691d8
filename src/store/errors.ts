import type { ZodIssue } from 'zod';

/**
 * A row whose JSON document no longer matches what the code expects (a schema drift, a hand edit,
 * a truncated write). Callers can catch it and answer with an error instead of crashing the turn.
 */
export class StoreDataError extends Error {
  override readonly name = 'StoreDataError';
  constructor(
    readonly table: string,
    readonly key: string,
    readonly column: string,
    readonly issues: readonly Pick<ZodIssue, 'path' | 'message'>[],
  ) {
    super(
      `Stored ${table}.${column} for "${key}" does not match its schema: ` +
        issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
}

/** Raised for a configuration the store cannot serve (for example an unsupported DATABASE_URL). */
export class StoreConfigError extends Error {
  override readonly name = 'StoreConfigError';
}
