import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging';
import { encryptedTokenCache } from '../../../src/security/encryptedTokenCache';
import { Keyring } from '../../../src/security/keyring';
import { createStore, type Store } from '../../../src/store';

const KEY = 'partner-center:msal-token-cache';
const CACHE = JSON.stringify({
  AccessToken: { a: { secret: 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJwYyJ9.c2ln' } },
  RefreshToken: { r: { secret: 'sim-rt-refresh-token-value' } },
});

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), lines };
}

describe('encrypted token cache (kv row)', () => {
  let store: Store;
  beforeEach(async () => {
    store = await createStore({ sqlitePath: ':memory:' });
  });
  afterEach(() => store.close());

  it('stores only ciphertext and gives MSAL its cache back', async () => {
    const { logger } = capture();
    const cache = encryptedTokenCache({
      store: store.kv,
      key: KEY,
      keyring: new Keyring(randomBytes(32)),
      logger,
    });
    expect(await cache.load()).toBeNull();
    await cache.save(CACHE);
    const raw = await store.kv.get(KEY);
    expect(raw).toMatch(/^apo-enc:v1:/);
    expect(raw).not.toContain('sim-rt-refresh-token-value');
    expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    expect(await cache.load()).toBe(CACHE);
  });

  it('after a key rotation, reads the value under the previous key and writes it under the new one', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const { logger, lines } = capture();
    await encryptedTokenCache({ store: store.kv, key: KEY, keyring: new Keyring(oldKey), logger }).save(
      CACHE,
    );

    const rotated = new Keyring(newKey, [oldKey]);
    const cache = encryptedTokenCache({ store: store.kv, key: KEY, keyring: rotated, logger });
    expect(await cache.load()).toBe(CACHE);
    expect(lines.join('')).toContain('encrypted with a previous key');
    await cache.save(CACHE);
    expect((await store.kv.get(KEY))?.split(':')[2]).toBe(rotated.currentKeyId);
    // The old key can go now: the new key alone reads it.
    const newOnly = encryptedTokenCache({ store: store.kv, key: KEY, keyring: new Keyring(newKey), logger });
    expect(await newOnly.load()).toBe(CACHE);
  });

  it('reads a cache stored before encryption once, then encrypts it at the next save', async () => {
    const { logger, lines } = capture();
    await store.kv.set(KEY, CACHE);
    const cache = encryptedTokenCache({
      store: store.kv,
      key: KEY,
      keyring: new Keyring(randomBytes(32)),
      logger,
    });
    expect(await cache.load()).toBe(CACHE);
    expect(lines.join('')).toContain('stored unencrypted');
    await cache.save(CACHE);
    expect(await store.kv.get(KEY)).toMatch(/^apo-enc:v1:/);
  });

  it('starts from an empty cache, with an error naming the key id, when no configured key opens the value', async () => {
    const { logger, lines } = capture();
    const lost = new Keyring(randomBytes(32));
    await encryptedTokenCache({ store: store.kv, key: KEY, keyring: lost, logger }).save(CACHE);
    const cache = encryptedTokenCache({
      store: store.kv,
      key: KEY,
      keyring: new Keyring(randomBytes(32)),
      logger,
    });
    expect(await cache.load()).toBeNull();
    const log = lines.join('');
    expect(log).toContain('cannot be decrypted');
    expect(log).toContain(lost.currentKeyId);
    expect(log).not.toContain('sim-rt-refresh-token-value');
  });
});
