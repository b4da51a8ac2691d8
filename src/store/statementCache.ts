import type SqliteDatabase from 'better-sqlite3';

/** Distinct statements kept per database (the repositories use a few hundred). */
const MAX_STATEMENTS = 500;

const caches = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

/**
 * better-sqlite3 compiles a statement on every `prepare`; Kysely and `atomically` asked for it on
 * every query, which was the largest single cost of a store call. A compiled statement is reused
 * for the same SQL (least recently used ones dropped past MAX_STATEMENTS). A statement still in
 * use (an `iterate` not run to its end) is never handed out twice: that call gets a fresh one.
 */
export function prepareCached(database: SqliteDatabase.Database, sql: string): SqliteDatabase.Statement {
  let cache = caches.get(database);
  if (!cache) {
    cache = new Map();
    caches.set(database, cache);
  }
  const known = cache.get(sql);
  if (known?.busy) return database.prepare(sql);
  if (known) {
    cache.delete(sql);
    cache.set(sql, known);
    return known;
  }
  const statement = database.prepare(sql);
  cache.set(sql, statement);
  if (cache.size > MAX_STATEMENTS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return statement;
}

/** The database as Kysely's SQLite dialect sees it, preparing through the cache. */
export function withStatementCache(database: SqliteDatabase.Database): {
  prepare(sql: string): SqliteDatabase.Statement;
  close(): void;
} {
  return {
    prepare: (sql) => prepareCached(database, sql),
    close: () => database.close(),
  };
}
