import { sql } from 'kysely';
import { AUDIT_PURGE_SETTING, createStore, StoreConfigError } from '../../../src/store';
import { describeStoreContract } from './storeContract';
import { TEST_DATABASE_URL, createPgSchema } from './testDatabases';

describeStoreContract('postgres', async () => {
  const pg = await createPgSchema('store');
  return {
    sharedDatabase: true,
    open: (now) => createStore({ databaseUrl: pg.url, postgresSchema: pg.schema, poolMax: 4, now }),
    dispose: () => pg.drop(),
  };
});

describe('postgres start-up', () => {
  it('lets two instances migrate a fresh schema at the same time', async () => {
    const pg = await createPgSchema('startup');
    try {
      const stores = await Promise.all(
        [1, 2].map(() => createStore({ databaseUrl: pg.url, postgresSchema: pg.schema, poolMax: 2 })),
      );
      const created = await stores[0].kv.set('shared', 'yes').then(() => stores[1].kv.get('shared'));
      expect(created).toBe('yes');
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await pg.drop();
    }
  });

  it('migrates its own schema when another schema of the database already holds the store', async () => {
    const [first, second] = [await createPgSchema('startup'), await createPgSchema('startup')];
    try {
      const existing = await createStore({
        databaseUrl: first.url,
        postgresSchema: first.schema,
        poolMax: 1,
      });
      await existing.close();
      const fresh = await createStore({ databaseUrl: second.url, postgresSchema: second.schema, poolMax: 1 });
      try {
        const tables = await sql<{ table_name: string }>`
          select table_name from information_schema.tables where table_schema = ${second.schema}`.execute(
          fresh.kysely,
        );
        expect(tables.rows.map((r) => r.table_name)).toEqual(
          expect.arrayContaining(['action_requests', 'kysely_migration', 'kysely_migration_lock']),
        );
      } finally {
        await fresh.close();
      }
    } finally {
      await Promise.all([first.drop(), second.drop()]);
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(
      createStore({ databaseUrl: TEST_DATABASE_URL, postgresSchema: 'x; drop' }),
    ).rejects.toBeInstanceOf(StoreConfigError);
  });
});

describe('postgres: the audit trail is append-only in the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE; inside a purge, DELETE of rows older than the cutoff only', async () => {
    const pg = await createPgSchema('audit');
    const store = await createStore({ databaseUrl: pg.url, postgresSchema: pg.schema, poolMax: 2 });
    try {
      const now = Date.now();
      const old = await store.audit.append({ at: now - 10_000, actorId: 'a', action: 'old', outcome: 'ok' });
      await store.audit.append({ at: now, actorId: 'a', action: 'new', outcome: 'ok' });
      const db = store.kysely;
      await expect(sql`update audit_log set outcome = 'forged'`.execute(db)).rejects.toThrow(
        /audit_log is append-only: UPDATE refused/,
      );
      await expect(sql`delete from audit_log where id = ${old.id}`.execute(db)).rejects.toThrow(
        /audit_log is append-only: DELETE refused/,
      );
      await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only: TRUNCATE refused/);
      // The purge's own setting does not open more than its cutoff: a newer row stays refused.
      await expect(
        db.transaction().execute(async (trx) => {
          await sql`select set_config(${AUDIT_PURGE_SETTING}, ${String(now - 5_000)}, true)`.execute(trx);
          await sql`delete from audit_log`.execute(trx);
        }),
      ).rejects.toThrow(/append-only: DELETE refused/);
      // The setting is local to its transaction: afterwards a plain DELETE is refused again.
      await expect(sql`delete from audit_log where id = ${old.id}`.execute(db)).rejects.toThrow(
        /append-only/,
      );
      expect(await store.audit.purgeOlderThan(now - 5_000)).toBe(1);
      expect((await store.audit.list()).map((e) => e.action)).toEqual(['new']);
    } finally {
      await store.close();
      await pg.drop();
    }
  });
});
