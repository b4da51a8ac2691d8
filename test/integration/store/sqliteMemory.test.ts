import { createStore, StoreConfigError } from '../../../src/store';
import { describeStoreContract } from './storeContract';

describeStoreContract('sqlite :memory:', async () => ({
  sharedDatabase: false,
  open: (now) => createStore({ sqlitePath: ':memory:', now }),
  dispose: async () => undefined,
}));

describe('store configuration', () => {
  it('refuses a DATABASE_URL that is not PostgreSQL', async () => {
    await expect(createStore({ databaseUrl: 'mysql://localhost/db' })).rejects.toBeInstanceOf(
      StoreConfigError,
    );
  });

  it('serves SQLite in memory when no location is given', async () => {
    const store = await createStore();
    try {
      expect(store.engine).toBe('sqlite');
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
