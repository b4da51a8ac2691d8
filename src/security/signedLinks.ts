import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived links that carry their own proof: `…/<id>?expires=<unix seconds>&signature=<HMAC>`.
 * The signature is HMAC-SHA256 over the link's purpose, id and expiry with a key only the bot's
 * instances hold (the key never appears in a link); every instance configured with the same key
 * accepts the links any of them made. Verification compares in constant time and tells only
 * whether the link is valid, forged or expired, never why a forged one failed.
 */

const LINK_KEY_BYTES = 32;
const SIGNATURE_BYTES = 32;
const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const EXPIRES_PATTERN = /^[0-9]{1,12}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export type LinkCheck = 'valid' | 'forged' | 'expired';

export interface SignedLinkQuery {
  expires: string;
  signature: string;
}

/** A random id for something a link will name: 16 bytes, base64url (22 characters). */
export function newLinkId(): string {
  return randomBytes(16).toString('base64url');
}

export class LinkSigner {
  private readonly key: Buffer;

  /** `purpose` binds a signature to one kind of link: a download link is not valid elsewhere. */
  constructor(
    key: Buffer,
    private readonly purpose: string,
  ) {
    if (key.length < LINK_KEY_BYTES) throw new Error(`a link signing key needs ${LINK_KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  /** The query of a link to `id` valid until `expiresAtMs` (rounded down to the second). */
  sign(id: string, expiresAtMs: number): SignedLinkQuery {
    if (!ID_PATTERN.test(id)) throw new Error('a signed link id is 16 to 64 base64url characters');
    const expires = String(Math.floor(expiresAtMs / 1000));
    return { expires, signature: this.mac(id, expires).toString('base64url') };
  }

  /**
   * Whether a link is one of ours and still valid. Anything malformed or altered (id, expiry or
   * signature) is `forged`; a genuine link past its expiry is `expired`.
   */
  verify(id: string, query: Partial<SignedLinkQuery>, nowMs: number): LinkCheck {
    const { expires, signature } = query;
    if (
      !ID_PATTERN.test(id) ||
      expires === undefined ||
      !EXPIRES_PATTERN.test(expires) ||
      signature === undefined ||
      !SIGNATURE_PATTERN.test(signature)
    ) {
      return 'forged';
    }
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(id, expires);
    if (given.length !== SIGNATURE_BYTES || !timingSafeEqual(given, expected)) return 'forged';
    return Number(expires) * 1000 <= nowMs ? 'expired' : 'valid';
  }

  private mac(id: string, expires: string): Buffer {
    return createHmac('sha256', this.key)
      .update(`azure-plan-ops:signed-link:v1\n${this.purpose}\n${id}\n${expires}`)
      .digest();
  }
}
