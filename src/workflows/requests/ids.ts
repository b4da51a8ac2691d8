import { createHash } from 'node:crypto';

/**
 * A GUID derived from its parts: the same parts give the same id. A step that runs again after a
 * crash sends Partner Center the MS-RequestId it sent the first time, so the service (idempotent on
 * that header) answers with the first result instead of acting twice.
 */
export function stableRequestId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  // RFC 4122 layout: version 5 (name-based), variant 10xx.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
