import type { Logger } from '../logging';
import type { TokenCacheStore } from '../partnercenter';
import { DecryptionError, Keyring } from './keyring';

/** Where the encrypted text lives: a row of the store's kv table in production. */
export interface TextStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface EncryptedTokenCacheOptions {
  store: TextStore;
  /** The row's name; also authenticated with the ciphertext, so a value moved to another row fails. */
  key: string;
  keyring: Keyring;
  logger: Logger;
}

/**
 * An MSAL token cache (access tokens, the rotated App+User refresh token) stored encrypted with the
 * keyring's current key, for any client that persists one (Partner Center, Graph billing).
 *
 * Reading: a value written under a previous key is read and written again under the current key at
 * the next save (MSAL saves whenever a token changes, at least hourly); a value from before
 * encryption (plain JSON) is read once the same way. A value no configured key can open (the key was
 * dropped too early, or the row was altered) is ignored with an error in the log: the cache starts
 * empty and is rebuilt from the configured refresh token, and the next save replaces it.
 */
export function encryptedTokenCache(options: EncryptedTokenCacheOptions): TokenCacheStore {
  const { store, key, keyring, logger } = options;
  return {
    async load() {
      const stored = await store.get(key);
      if (stored === undefined || stored === '') return null;
      if (!Keyring.isEncrypted(stored)) {
        logger.warn({ cacheKey: key }, 'token cache stored unencrypted: it is encrypted at its next save');
        return stored;
      }
      try {
        const opened = keyring.decrypt(stored, key);
        if (!opened.current) {
          logger.info(
            { cacheKey: key, keyId: opened.keyId, currentKeyId: keyring.currentKeyId },
            'token cache encrypted with a previous key: it is encrypted with the current key at its next save',
          );
        }
        return opened.plaintext;
      } catch (error) {
        if (!(error instanceof DecryptionError)) throw error;
        logger.error(
          { cacheKey: key, reason: error.reason, keyId: error.keyId, currentKeyId: keyring.currentKeyId },
          'token cache cannot be decrypted with the configured keys: starting from an empty cache',
        );
        return null;
      }
    },
    async save(serialized: string) {
      await store.set(key, keyring.encrypt(serialized, key));
    },
  };
}
