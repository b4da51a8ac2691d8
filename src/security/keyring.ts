import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { inspect } from 'node:util';

/**
 * AES-256-GCM for secrets kept at rest (the MSAL token cache and the refresh token in it).
 *
 * An encrypted value is one line of text, `apo-enc:v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url
 * parts): the key id says which key wrote it, so a value written under a key that has since been
 * replaced is still read with that key (kept among the previous ones) and written again under the
 * current one. The context (for example the kv row's name) is authenticated with the value: a
 * ciphertext copied to another row does not decrypt.
 */
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'apo-enc';
const VERSION = 'v1';
const ENVELOPE = /^apo-enc:v1:([0-9a-f]{16}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;

export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

export type DecryptFailure = 'not-encrypted' | 'unknown-key' | 'corrupt';

export class DecryptionError extends Error {
  constructor(
    readonly reason: DecryptFailure,
    /** The key id the value names (safe to log: a hash prefix, not the key). */
    readonly keyId?: string,
  ) {
    super(`the value could not be decrypted (${reason}${keyId ? `, key ${keyId}` : ''})`);
    this.name = 'DecryptionError';
  }
}

/** Decodes base64 or base64url text of exactly 32 bytes; `name` says where it came from in errors. */
export function parseKey(text: string, name: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new EncryptionKeyError(`${name}: must be ${KEY_BYTES} random bytes in base64`);
  }
  const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new EncryptionKeyError(`${name}: must be ${KEY_BYTES} bytes in base64 (got ${bytes.length} bytes)`);
  }
  return bytes;
}

/** A new random key, base64: what to put in ENCRYPTION_KEY or in the key file. */
export function generateKeyText(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** A key's id: a hash prefix, the same on every instance that has the key, telling nothing of it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('azure-plan-ops:encryption-key-id:')
    .update(key)
    .digest('hex')
    .slice(0, 16);
}

export interface Decrypted {
  plaintext: string;
  keyId: string;
  /** False: written under a previous key; write it again to move it to the current one. */
  current: boolean;
}

/** The current key (writes) and the previous ones (reads only). Holds no key in a printable field. */
export class Keyring {
  readonly currentKeyId: string;
  readonly previousKeyIds: readonly string[];
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    if (current.length !== KEY_BYTES) throw new EncryptionKeyError(`the key must be ${KEY_BYTES} bytes`);
    const keys = new Map<string, KeyObject>();
    this.currentKeyId = keyIdOf(current);
    keys.set(this.currentKeyId, createSecretKey(current));
    const previousIds: string[] = [];
    for (const key of previous) {
      if (key.length !== KEY_BYTES) throw new EncryptionKeyError(`a previous key must be ${KEY_BYTES} bytes`);
      const id = keyIdOf(key);
      if (keys.has(id)) continue;
      keys.set(id, createSecretKey(key));
      previousIds.push(id);
    }
    this.keys = keys;
    this.previousKeyIds = previousIds;
  }

  static isEncrypted(value: string): boolean {
    return value.startsWith(`${PREFIX}:`);
  }

  encrypt(plaintext: string, context: string): string {
    const key = this.keys.get(this.currentKeyId);
    if (!key) throw new EncryptionKeyError('the current key is missing');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.currentKeyId, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [PREFIX, VERSION, this.currentKeyId, b64(iv), b64(ciphertext), b64(tag)].join(':');
  }

  /** Throws DecryptionError: not one of our envelopes, written under a key we do not have, or altered. */
  decrypt(envelope: string, context: string): Decrypted {
    const match = ENVELOPE.exec(envelope);
    if (!match) {
      throw new DecryptionError(Keyring.isEncrypted(envelope) ? 'corrupt' : 'not-encrypted');
    }
    const [, keyId, iv, ciphertext, tag] = match;
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptionError('unknown-key', keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad(keyId, context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
      return { plaintext, keyId, current: keyId === this.currentKeyId };
    } catch {
      throw new DecryptionError('corrupt', keyId);
    }
  }

  /** What a log line or a debugger may show: the key ids, never the keys. */
  toJSON(): { currentKeyId: string; previousKeyIds: readonly string[] } {
    return { currentKeyId: this.currentKeyId, previousKeyIds: this.previousKeyIds };
  }

  [inspect.custom](): string {
    return `Keyring ${JSON.stringify(this.toJSON())}`;
  }
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${PREFIX}:${VERSION}:${keyId}:${context}`, 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
