import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from './statementCache';
import { Pool, types as pgTypes, type CustomTypesConfig } from 'pg';
import { StoreConfigError } from './errors';
import type { Engine } from './migrations';
import { CurrentSchemaPostgresDialect } from './pgDialect';
import type { Database } from './schema';

export interface ConnectionOptions {
  /** A postgres:// or postgresql:// URL; when set, PostgreSQL serves the store. */
  databaseUrl?: string;
  /** SQLite file path, or ':memory:' (the default when no databaseUrl is given). */
  sqlitePath?: string;
  /** PostgreSQL only: the schema to work in (set as search_path on every connection). */
  postgresSchema?: string;
  /** PostgreSQL only: pool size (default 10). */
  poolMax?: number;
}

export interface Connection {
  engine: Engine;
  db: Kysely<Database>;
  /** SQLite only: the connection itself, for synchronous multi-statement transactions. */
  sqlite?: SqliteDatabase.Database;
  /** Where the data lives, without credentials, for logs. */
  describe: string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function connect(options: ConnectionOptions): Connection {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options);
  return connectSqlite(options.sqlitePath ?? ':memory:');
}

function connectSqlite(path: string): Connection {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new SqliteDatabase(inMemory ? ':memory:' : path);
  if (!inMemory) {
    database.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
    database.pragma('synchronous = NORMAL');
  }
  // Other processes (and other Store instances on the same file) wait for a lock instead of failing.
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return {
    engine: 'sqlite',
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
    sqlite: database,
    describe: inMemory ? 'sqlite::memory:' : `sqlite:${resolve(path)}`,
  };
}

function connectPostgres(databaseUrl: string, options: ConnectionOptions): Connection {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new StoreConfigError('DATABASE_URL is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StoreConfigError(`DATABASE_URL must be a postgres:// URL, not ${url.protocol}`);
  }
  const schema = options.postgresSchema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreConfigError(`Invalid PostgreSQL schema name "${schema}"`);
  }
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.poolMax ?? 10,
    types: bigintAsNumber,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  return {
    engine: 'postgres',
    db: new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) }),
    describe: `postgres://${url.host}${url.pathname}${schema ? `#${schema}` : ''}`,
  };
}

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return value;
}

// Timestamps are BIGINT epoch milliseconds; pg returns int8 as strings unless told otherwise. Scoped
// to our pool rather than set globally, so other pg users in the process keep their defaults.
const bigintAsNumber: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pgTypes.builtins.INT8 && format !== 'binary'
      ? parseInt8
      : pgTypes.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};
