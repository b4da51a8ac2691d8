import type { CompiledQuery, Kysely } from 'kysely';
import type SqliteDatabase from 'better-sqlite3';
import type { Engine } from './migrations';
import { prepareCached } from './statementCache';
import type { Database } from './schema';

/**
 * What every repository needs: the query layer, the engine it talks to, and the clock.
 *
 * Repositories make each operation a single statement (compare-and-set UPDATEs, INSERT … ON
 * CONFLICT) rather than a transaction spanning several awaits: that is atomic on both engines,
 * and with better-sqlite3 a lock held across an await would make a second connection in the
 * same process wait synchronously on the event loop the first one needs to finish. Where several
 * statements must stand or fall together (a state change and its audit record), `atomically`
 * runs them as one transaction without awaiting between them on SQLite.
 */
export interface RepositoryContext {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  readonly now: () => number;
  readonly atomically: Atomic;
}

/**
 * Runs `first`, then, only if it returned rows, the statements `then` derives from those rows, all
 * in one transaction. Returns the rows of `first` (empty: nothing else ran).
 */
export type Atomic = <R>(
  first: CompiledQuery<R>,
  then: (rows: readonly R[]) => readonly CompiledQuery[],
) => Promise<R[]>;

export function atomicFor(db: Kysely<Database>, sqlite: SqliteDatabase.Database | undefined): Atomic {
  if (sqlite) {
    // better-sqlite3 is synchronous: the whole transaction runs without yielding to the event loop.
    return async <R>(first: CompiledQuery<R>, then: (rows: readonly R[]) => readonly CompiledQuery[]) =>
      sqlite.transaction(() => {
        const rows = runSqlite(sqlite, first) as R[];
        if (rows.length > 0) for (const query of then(rows)) runSqlite(sqlite, query);
        return rows;
      })();
  }
  return async <R>(first: CompiledQuery<R>, then: (rows: readonly R[]) => readonly CompiledQuery[]) =>
    db.transaction().execute(async (trx) => {
      const { rows } = await trx.executeQuery(first);
      if (rows.length > 0) for (const query of then(rows)) await trx.executeQuery(query);
      return rows;
    });
}

function runSqlite(sqlite: SqliteDatabase.Database, query: CompiledQuery): unknown[] {
  const statement = prepareCached(sqlite, query.sql);
  const parameters = query.parameters as unknown[];
  if (statement.reader) return statement.all(...parameters);
  statement.run(...parameters);
  return [];
}

/** `undefined` becomes SQL NULL; repositories keep `undefined` out of their return values. */
export function nullable<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

export function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}
