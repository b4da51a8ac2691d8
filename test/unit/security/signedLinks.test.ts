import { randomBytes } from 'node:crypto';
import { LinkSigner, newLinkId } from '../../../src/security/signedLinks';

const NOW = Date.UTC(2026, 10, 24, 9, 0, 0);

describe('signed links (HMAC-SHA256, expiry)', () => {
  const key = randomBytes(32);
  const signer = new LinkSigner(key, 'download');
  const id = newLinkId();
  const query = signer.sign(id, NOW + 15 * 60_000);

  it('accepts its own link until it expires, then calls it expired', () => {
    expect(signer.verify(id, query, NOW)).toBe('valid');
    expect(signer.verify(id, query, NOW + 15 * 60_000 - 1_000)).toBe('valid');
    expect(signer.verify(id, query, NOW + 15 * 60_000)).toBe('expired');
  });

  it('carries no secret: the link is the id, the expiry and a MAC, nothing of the key', () => {
    expect(Object.keys(query).sort()).toEqual(['expires', 'signature']);
    expect(query.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.signature).not.toContain(key.toString('base64url'));
    expect(query.expires).toBe(String((NOW + 15 * 60_000) / 1000));
  });

  it.each([
    [
      'another signature',
      (q: { expires: string; signature: string }) => ({ ...q, signature: flip(q.signature) }),
    ],
    [
      'a later expiry',
      (q: { expires: string; signature: string }) => ({ ...q, expires: String(Number(q.expires) + 3600) }),
    ],
    ['no signature', (q: { expires: string; signature: string }) => ({ expires: q.expires })],
    ['no expiry', (q: { expires: string; signature: string }) => ({ signature: q.signature })],
    [
      'a signature that is not base64url',
      (q: { expires: string; signature: string }) => ({ ...q, signature: '!'.repeat(43) }),
    ],
    [
      'a truncated signature',
      (q: { expires: string; signature: string }) => ({ ...q, signature: q.signature.slice(0, 42) }),
    ],
    [
      'an expiry that is not a number',
      (q: { expires: string; signature: string }) => ({ ...q, expires: '1e12' }),
    ],
  ])('calls a link with %s forged', (_what, tamper) => {
    expect(signer.verify(id, tamper(query), NOW)).toBe('forged');
  });

  it('calls a link to another id forged, and an expired link with a bad signature forged, not expired', () => {
    expect(signer.verify(newLinkId(), query, NOW)).toBe('forged');
    expect(signer.verify(id, { ...query, signature: flip(query.signature) }, NOW + 3_600_000)).toBe('forged');
  });

  it('does not accept a link signed with another key or for another purpose', () => {
    expect(new LinkSigner(randomBytes(32), 'download').verify(id, query, NOW)).toBe('forged');
    expect(new LinkSigner(key, 'report').verify(id, query, NOW)).toBe('forged');
    expect(new LinkSigner(Buffer.from(key), 'download').verify(id, query, NOW)).toBe('valid');
  });

  it('refuses short keys and ids that are not base64url', () => {
    expect(() => new LinkSigner(randomBytes(16), 'download')).toThrow(/32 bytes/);
    expect(() => signer.sign('../etc/passwd', NOW)).toThrow();
    expect(signer.verify('../etc/passwd', query, NOW)).toBe('forged');
  });
});

function flip(signature: string): string {
  const last = signature[signature.length - 2];
  return `${signature.slice(0, -2)}${last === 'A' ? 'B' : 'A'}${signature.slice(-1)}`;
}
