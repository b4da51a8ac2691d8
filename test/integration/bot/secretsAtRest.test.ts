import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { silentLogger } from '../../../src/logging';
import type { TokenCacheStore } from '../../../src/partnercenter';
import { encryptedTokenCache } from '../../../src/security/encryptedTokenCache';
import { Keyring } from '../../../src/security/keyring';
import type { Store } from '../../../src/store';
import { startPurchaseHarness } from '../purchase/harness';
import { approveAndComplete, requestPurchase } from './purchaseThroughTeams';

/** The row main.ts keeps the Partner Center MSAL cache in. */
const TOKEN_CACHE_KEY = 'partner-center:msal-token-cache';
const JWT = /eyJ[A-Za-z0-9_-]+\.eyJ/;
/** The simulator's refresh tokens: the configured one and those it issues (rotated by MSAL). */
const REFRESH_TOKENS = [/sandbox-refresh-token/, /sim-rt-[0-9a-f-]{36}/];

/** What the database file holds, read twice: its bytes on disk, and every value of every table. */
function rawDatabase(file: string): { bytes: string; values: string[] } {
  const bytes = ['', '-wal', '-journal']
    .filter((suffix) => fs.existsSync(file + suffix))
    .map((suffix) => fs.readFileSync(file + suffix).toString('latin1'))
    .join('\n');
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{
      name: string;
    }>;
    const values = tables.flatMap(({ name }) =>
      (db.prepare(`select * from "${name}"`).all() as Array<Record<string, unknown>>).flatMap((row) =>
        Object.values(row).map((value) =>
          Buffer.isBuffer(value) ? value.toString('latin1') : String(value),
        ),
      ),
    );
    return { bytes, values };
  } finally {
    db.close();
  }
}

function secretsIn(text: string): string[] {
  return [JWT, ...REFRESH_TOKENS].filter((pattern) => pattern.test(text)).map(String);
}

/** A purchase through the real bot (HTTP, simulator, SQLite file), its token cache made by `cache`. */
async function purchaseWithTokenCache(file: string, cache: (store: Store) => TokenCacheStore): Promise<void> {
  const harness = await startPurchaseHarness({
    sqlitePath: file,
    partnerCenter: (simulator, store) => simulator.client({ credentials: { tokenCache: cache(store) } }),
  });
  try {
    const purchase = await requestPurchase(harness);
    await approveAndComplete(harness, purchase);
    expect(await harness.store.kv.get(TOKEN_CACHE_KEY)).toBeDefined();
  } finally {
    await harness.close();
  }
}

describe('secrets at rest after a purchase through the bot', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apo-at-rest-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves no JWT and no refresh token in the database: the token cache is encrypted', async () => {
    const file = path.join(dir, 'bot.sqlite');
    const keyring = new Keyring(randomBytes(32));
    await purchaseWithTokenCache(file, (store) =>
      encryptedTokenCache({ store: store.kv, key: TOKEN_CACHE_KEY, keyring, logger: silentLogger() }),
    );
    const { bytes, values } = rawDatabase(file);
    expect(values.some((value) => value.startsWith(`apo-enc:v1:${keyring.currentKeyId}:`))).toBe(true);
    expect(values.flatMap(secretsIn)).toEqual([]);
    expect(secretsIn(bytes)).toEqual([]);
    expect(bytes).not.toContain('"RefreshToken"');
  });

  it('(the scan itself) finds the tokens when the same cache is stored in plain text', async () => {
    const file = path.join(dir, 'plain.sqlite');
    await purchaseWithTokenCache(file, (store) => ({
      load: async () => (await store.kv.get(TOKEN_CACHE_KEY)) ?? null,
      save: (serialized) => store.kv.set(TOKEN_CACHE_KEY, serialized),
    }));
    const { bytes, values } = rawDatabase(file);
    expect(values.flatMap(secretsIn)).toEqual(
      expect.arrayContaining([String(JWT), String(REFRESH_TOKENS[1])]),
    );
    expect(secretsIn(bytes)).toEqual(expect.arrayContaining([String(JWT), String(REFRESH_TOKENS[1])]));
  });
});
