import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { stableGuid } from '../state/ids';

/**
 * Shared access signatures for the simulated blob storage of the Graph billing exports, shaped
 * like the directory SAS of the documented manifest (`skoid=…&sv=…&se=…&sr=d&sp=rl&sdd=…&sig=…`).
 * The signature is an HMAC over the permissions, the expiry and the signed directory with a key
 * made per instance, so only SAS this instance issued verify. Expiry uses simulated time.
 */

const STORAGE_VERSION = '2021-08-06';
const SIGNING_OBJECT_ID = stableGuid('simulator-storage-signing-key');
const SIGNING_TENANT_ID = stableGuid('simulator-storage-tenant');

export type SasCheck = { ok: true } | { ok: false; detail: string };

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function depthOf(directory: string): number {
  return directory.split('/').filter(Boolean).length;
}

export class SasSigner {
  private readonly key = randomBytes(32);

  private signature(
    fields: { sp: string; se: string; sr: string; sdd: string; sv: string },
    directory: string,
  ) {
    const toSign = [fields.sp, fields.se, `/blob${directory}`, fields.sr, fields.sdd, fields.sv].join('\n');
    return createHmac('sha256', this.key).update(toSign).digest('base64');
  }

  /** A read/list SAS for `directory` (a path such as `/blobs/<container>/…`) valid until `expiresAt`. */
  sign(directory: string, issuedAt: number, expiresAt: number): string {
    const fields = {
      sp: 'rl',
      se: isoSeconds(expiresAt),
      sr: 'd',
      sdd: String(depthOf(directory)),
      sv: STORAGE_VERSION,
    };
    const params = new URLSearchParams({
      skoid: SIGNING_OBJECT_ID,
      sktid: SIGNING_TENANT_ID,
      skt: isoSeconds(issuedAt),
      ske: isoSeconds(expiresAt),
      sks: 'b',
      skv: STORAGE_VERSION,
      sv: fields.sv,
      se: fields.se,
      sr: fields.sr,
      sp: fields.sp,
      sdd: fields.sdd,
      sig: this.signature(fields, directory),
    });
    // Azure percent-encodes the colons of the dates too (`2023-12-13T12%3A37%3A17Z`).
    return params.toString();
  }

  /** Whether `query` is a valid, unexpired read SAS for a blob directly under `directory`. */
  check(query: URLSearchParams, directory: string, now: number): SasCheck {
    const fields = {
      sp: query.get('sp') ?? '',
      se: query.get('se') ?? '',
      sr: query.get('sr') ?? '',
      sdd: query.get('sdd') ?? '',
      sv: query.get('sv') ?? '',
    };
    const sig = query.get('sig');
    if (!sig || Object.values(fields).some((v) => v === '')) {
      return { ok: false, detail: 'Signature fields not well formed.' };
    }
    const expected = Buffer.from(this.signature(fields, directory), 'base64');
    const given = Buffer.from(sig, 'base64');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, detail: 'Signature did not match.' };
    }
    const expiry = Date.parse(fields.se);
    if (Number.isNaN(expiry) || expiry <= now) {
      return {
        ok: false,
        detail: `Signature not valid in the specified time frame: Expiry [${fields.se}] - Current [${isoSeconds(now)}]`,
      };
    }
    if (!fields.sp.includes('r')) {
      return {
        ok: false,
        detail: 'This request is not authorized to perform this operation using this permission.',
      };
    }
    return { ok: true };
  }
}
