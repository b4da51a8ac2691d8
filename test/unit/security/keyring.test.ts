import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  DecryptionError,
  EncryptionKeyError,
  Keyring,
  generateKeyText,
  keyIdOf,
  parseKey,
} from '../../../src/security/keyring';

const CONTEXT = 'partner-center:msal-token-cache';
const SECRET = '{"RefreshToken":{"x":{"secret":"refresh-token-value"}}}';

function failure(run: () => unknown): DecryptionError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptionError) return error;
    throw error;
  }
  throw new Error('expected a DecryptionError');
}

describe('keyring (AES-256-GCM with key ids)', () => {
  const current = randomBytes(32);
  const keyring = new Keyring(current);

  it('encrypts to an envelope naming the key, with no trace of the plaintext, and decrypts it back', () => {
    const envelope = keyring.encrypt(SECRET, CONTEXT);
    expect(envelope).toMatch(new RegExp(`^apo-enc:v1:${keyIdOf(current)}:`));
    expect(envelope).not.toContain('refresh-token-value');
    expect(Buffer.from(envelope.split(':')[4], 'base64url').toString('utf8')).not.toContain('secret');
    expect(keyring.decrypt(envelope, CONTEXT)).toEqual({
      plaintext: SECRET,
      keyId: keyring.currentKeyId,
      current: true,
    });
  });

  it('uses a fresh IV every time: the same plaintext never gives the same ciphertext', () => {
    expect(keyring.encrypt(SECRET, CONTEXT)).not.toBe(keyring.encrypt(SECRET, CONTEXT));
  });

  it('refuses an altered ciphertext, tag or key id', () => {
    const envelope = keyring.encrypt(SECRET, CONTEXT);
    const parts = envelope.split(':');
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    for (const index of [3, 4, 5]) {
      const altered = [...parts];
      altered[index] = flip(altered[index]);
      expect(failure(() => keyring.decrypt(altered.join(':'), CONTEXT)).reason).toBe('corrupt');
    }
    const otherId = [...parts];
    otherId[2] = '0123456789abcdef';
    expect(failure(() => keyring.decrypt(otherId.join(':'), CONTEXT))).toMatchObject({
      reason: 'unknown-key',
      keyId: '0123456789abcdef',
    });
  });

  it('refuses a ciphertext moved to another row (the context is authenticated)', () => {
    const envelope = keyring.encrypt(SECRET, CONTEXT);
    expect(failure(() => keyring.decrypt(envelope, 'graph:msal-token-cache')).reason).toBe('corrupt');
  });

  it('tells plain text from a damaged envelope', () => {
    expect(failure(() => keyring.decrypt(SECRET, CONTEXT)).reason).toBe('not-encrypted');
    expect(failure(() => keyring.decrypt('apo-enc:v1:nonsense', CONTEXT)).reason).toBe('corrupt');
  });

  it('reads values written under a previous key and says they are not current; writes only with the current key', () => {
    const old = randomBytes(32);
    const written = new Keyring(old).encrypt(SECRET, CONTEXT);
    const rotated = new Keyring(current, [old]);
    expect(rotated.previousKeyIds).toEqual([keyIdOf(old)]);
    expect(rotated.decrypt(written, CONTEXT)).toEqual({
      plaintext: SECRET,
      keyId: keyIdOf(old),
      current: false,
    });
    expect(rotated.encrypt(SECRET, CONTEXT).split(':')[2]).toBe(keyIdOf(current));
    // Without the previous key, the old value names a key we do not have.
    expect(failure(() => keyring.decrypt(written, CONTEXT))).toMatchObject({
      reason: 'unknown-key',
      keyId: keyIdOf(old),
    });
  });

  it('never prints its keys: JSON and inspect show key ids only', () => {
    const rotated = new Keyring(current, [randomBytes(32)]);
    const shown = `${JSON.stringify(rotated)} ${inspect(rotated)} ${JSON.stringify({ nested: { rotated } })}`;
    for (const encoding of ['base64', 'hex', 'base64url'] as const) {
      expect(shown).not.toContain(current.toString(encoding));
    }
    expect(shown).toContain(rotated.currentKeyId);
  });

  it('parses keys of exactly 32 bytes in base64 or base64url, and names the setting otherwise', () => {
    const text = generateKeyText();
    expect(parseKey(text, 'ENCRYPTION_KEY')).toHaveLength(32);
    expect(parseKey(Buffer.from(text, 'base64').toString('base64url'), 'ENCRYPTION_KEY')).toEqual(
      Buffer.from(text, 'base64'),
    );
    expect(() => parseKey(randomBytes(16).toString('base64'), 'ENCRYPTION_KEY')).toThrow(
      new EncryptionKeyError('ENCRYPTION_KEY: must be 32 bytes in base64 (got 16 bytes)'),
    );
    expect(() => parseKey('not a key!', 'ENCRYPTION_KEY')).toThrow(
      /^ENCRYPTION_KEY: must be 32 random bytes/,
    );
  });
});
