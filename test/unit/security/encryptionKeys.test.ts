import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../src/config';
import { loadKeyring } from '../../../src/security/encryptionKeys';
import { EncryptionKeyError, generateKeyText, keyIdOf, parseKey } from '../../../src/security/keyring';

describe('loading the encryption keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apo-keys-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes ENCRYPTION_KEY, with ENCRYPTION_KEYS_PREVIOUS for reading', () => {
    const key = generateKeyText();
    const old = generateKeyText();
    const { keyring, generatedFile } = loadKeyring({ key, previousKeys: [old], generateKeyFile: false });
    expect(keyring.currentKeyId).toBe(keyIdOf(parseKey(key, 'k')));
    expect(keyring.previousKeyIds).toEqual([keyIdOf(parseKey(old, 'k'))]);
    expect(generatedFile).toBeUndefined();
  });

  it('takes the key from ENCRYPTION_KEY_FILE (a mounted secret, trailing newline and all)', () => {
    const key = generateKeyText();
    const file = path.join(dir, 'key');
    fs.writeFileSync(file, `${key}\n`);
    expect(
      loadKeyring({ keyFile: file, previousKeys: [], generateKeyFile: false }).keyring.currentKeyId,
    ).toBe(keyIdOf(parseKey(key, 'k')));
  });

  it('in the sandbox, generates the key file once (mode 0600) and reuses it on the next start', () => {
    const file = path.join(dir, 'data', 'encryption.key');
    const first = loadKeyring({ keyFile: file, previousKeys: [], generateKeyFile: true });
    expect(first.generatedFile).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadKeyring({ keyFile: file, previousKeys: [], generateKeyFile: true });
    expect(second.generatedFile).toBeUndefined();
    expect(second.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
  });

  it('refuses a missing file outside the sandbox, no key at all, both settings, or a bad previous key', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        if (error instanceof EncryptionKeyError) return error.message;
        throw error;
      }
      return 'accepted';
    };
    expect(
      refusal(() =>
        loadKeyring({ keyFile: path.join(dir, 'none'), previousKeys: [], generateKeyFile: false }),
      ),
    ).toMatch(/^ENCRYPTION_KEY_FILE: no file at /);
    expect(refusal(() => loadKeyring({ previousKeys: [], generateKeyFile: false }))).toBe(
      'ENCRYPTION_KEY: required (or ENCRYPTION_KEY_FILE)',
    );
    expect(
      refusal(() =>
        loadKeyring({ key: generateKeyText(), keyFile: 'x', previousKeys: [], generateKeyFile: false }),
      ),
    ).toMatch(/not both/);
    expect(
      refusal(() => loadKeyring({ key: generateKeyText(), previousKeys: ['short'], generateKeyFile: false })),
    ).toMatch(/^ENCRYPTION_KEYS_PREVIOUS \(entry 1\): must be 32 bytes/);
  });

  it('is what the configuration asks for: the sandbox default is a generated key under ./data', () => {
    expect(parseConfig({}).encryption).toEqual({
      key: undefined,
      keyFile: './data/encryption.key',
      previousKeys: [],
      generateKeyFile: true,
    });
    const key = generateKeyText();
    expect(parseConfig({ ENCRYPTION_KEY: key }).encryption).toEqual({
      key,
      keyFile: undefined,
      previousKeys: [],
      generateKeyFile: false,
    });
  });
});
