import type { Kysely } from 'kysely';
import type { Engine } from './migrations';
import type { Database } from './schema';

/**
 * What every repository needs: the query layer, the engine it talks to, and the clock.
 *
 * Repositories make each operation a single statement (compare-and-set UPDATEs, INSERT … ON
 * CONFLICT) rather than a transaction spanning several awaits: that is atomic on both engines,
 * and with better-sqlite3 a lock held across an await would make a second connection in the
 * same process wait synchronously on the event loop the first one needs to finish.
 */
export interface RepositoryContext {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  readonly now: () => number;
}

/** `undefined` becomes SQL NULL; repositories keep `undefined` out of their return values. */
export function nullable<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

export function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}
