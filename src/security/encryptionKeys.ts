import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging';
import { EncryptionKeyError, Keyring, generateKeyText, parseKey } from './keyring';

/** Where the encryption keys come from (src/config.ts fills it from the environment). */
export interface EncryptionSettings {
  /** ENCRYPTION_KEY: 32 bytes, base64. */
  key?: string;
  /** ENCRYPTION_KEY_FILE: a file holding the key in base64 (a mounted secret). */
  keyFile?: string;
  /** ENCRYPTION_KEYS_PREVIOUS: keys that wrote values still stored; read, never written. */
  previousKeys: readonly string[];
  /** Sandbox only: create `keyFile` with a new random key when it does not exist yet. */
  generateKeyFile: boolean;
}

export interface LoadedKeyring {
  keyring: Keyring;
  /** Set when this start created the key file (sandbox). */
  generatedFile?: string;
}

/**
 * The keyring the settings describe. A key file the sandbox may create is written with mode 0600 in
 * its own directory; every other problem (no key, a key of the wrong size, an unreadable file) is an
 * EncryptionKeyError naming the setting, never the key. The log names the key ids only.
 */
export function loadKeyring(settings: EncryptionSettings, logger?: Logger): LoadedKeyring {
  const loaded = readKeys(settings);
  if (loaded.generatedFile)
    logger?.info({ file: loaded.generatedFile }, 'generated a sandbox encryption key');
  logger?.info(loaded.keyring.toJSON(), 'encryption keys loaded');
  return loaded;
}

function readKeys(settings: EncryptionSettings): LoadedKeyring {
  if (settings.key && settings.keyFile) {
    throw new EncryptionKeyError('ENCRYPTION_KEY and ENCRYPTION_KEY_FILE: set one of them, not both');
  }
  let generatedFile: string | undefined;
  let current: Buffer;
  if (settings.key) {
    current = parseKey(settings.key, 'ENCRYPTION_KEY');
  } else if (settings.keyFile) {
    const file = path.resolve(settings.keyFile);
    if (!fs.existsSync(file)) {
      if (!settings.generateKeyFile) {
        throw new EncryptionKeyError(`ENCRYPTION_KEY_FILE: no file at ${settings.keyFile}`);
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // 'wx': never overwrite a key another process has just written.
      try {
        fs.writeFileSync(file, `${generateKeyText()}\n`, { mode: 0o600, flag: 'wx' });
        generatedFile = file;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    current = parseKey(fs.readFileSync(file, 'utf8'), `ENCRYPTION_KEY_FILE (${settings.keyFile})`);
  } else {
    throw new EncryptionKeyError('ENCRYPTION_KEY: required (or ENCRYPTION_KEY_FILE)');
  }
  const previous = settings.previousKeys.map((text, index) =>
    parseKey(text, `ENCRYPTION_KEYS_PREVIOUS (entry ${index + 1})`),
  );
  return { keyring: new Keyring(current, previous), generatedFile };
}
