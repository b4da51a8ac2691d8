import { join } from 'node:path';
import { createStore } from '../../../src/store';
import { describeStoreContract } from './storeContract';
import { createTempDir } from './testDatabases';

describeStoreContract('sqlite file', async () => {
  const dir = createTempDir();
  // A nested path: the store creates missing folders, as it does for ./data on first start.
  const sqlitePath = join(dir.path, 'data', 'azure-plan-ops.sqlite');
  return {
    sharedDatabase: true,
    open: (now) => createStore({ sqlitePath, now }),
    dispose: async () => dir.remove(),
  };
});
