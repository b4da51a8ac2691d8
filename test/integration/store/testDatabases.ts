import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DEFAULT_TEST_DATABASE_URL, PROBLEM_VARIABLE } from '../../support/postgres/testPostgres';

/**
 * The run's PostgreSQL, chosen by the jest global set-up (test/support/postgres): the server at
 * TEST_DATABASE_URL when it answers, else a private one it started for the run.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;

/** A clock the test moves by hand; stores and schedulers share it. */
export class TestClock {
  constructor(private current = Date.UTC(2026, 10, 24, 9, 0, 0)) {}
  readonly now = (): number => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface PgSchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/**
 * Creates a schema of its own for one suite, so suites running in parallel on the same database
 * never see each other's rows. Fails loudly (never skips) when PostgreSQL is not there, saying
 * what was tried and how to fix it.
 */
export async function createPgSchema(prefix = 'store'): Promise<PgSchema> {
  const problem = process.env[PROBLEM_VARIABLE];
  if (problem) throw new Error(problem);
  const schema = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query(`create schema "${schema}"`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is needed by this suite and is not usable at ${TEST_DATABASE_URL} ` +
        `(${(error as Error).message}). Run the tests with \`npm test\` (its global set-up starts a ` +
        'private PostgreSQL when none answers), or set TEST_DATABASE_URL to a PostgreSQL server ' +
        'this user may create schemas in.',
    );
  }
  await client.end();
  return {
    url: TEST_DATABASE_URL,
    schema,
    async drop() {
      const dropper = new Client({ connectionString: TEST_DATABASE_URL });
      await dropper.connect();
      try {
        await dropper.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export interface TempDir {
  path: string;
  remove(): void;
}

export function createTempDir(prefix = 'azure-plan-ops-store-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
