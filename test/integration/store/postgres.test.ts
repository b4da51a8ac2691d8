import { sql } from 'kysely';
import { createStore, StoreConfigError } from '../../../src/store';
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
