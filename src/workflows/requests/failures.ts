import { PartnerCenterError } from '../../partnercenter';
import { RequestFailure } from './kind';

/** Codes of a change that is still being processed elsewhere: wait, then look again. */
export const BUSY_CODES: ReadonlySet<string> = new Set(['800060', '800064', '800082']);
/** The credential cannot make this call and retrying will not change that (MFA, app-only on an App+User route). */
export const CREDENTIAL_CODES: ReadonlySet<string> = new Set(['900421', '900329']);

/**
 * Partner Center answered, and the answer refuses this change (13605, 400013, 900115…): not a sign
 * that it is busy, throttling, failing or unreachable.
 */
export function isDefinitePcRefusal(error: unknown): boolean {
  if (!(error instanceof PartnerCenterError)) return false;
  if (CREDENTIAL_CODES.has(error.code)) return true;
  return (
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 408 &&
    error.status !== 429 &&
    !BUSY_CODES.has(error.code) &&
    !error.transient
  );
}

export type FailureVerdict =
  | { type: 'fail'; failure: RequestFailure }
  | { type: 'retry'; code: string; message: string; retryAfterMs?: number; pcRequestId?: string };

/**
 * What a step's error means for its request: a refusal or a bug fails it (and says why); a service
 * that is busy, throttling or unreachable leaves it waiting for another try.
 */
export function judgeFailure(error: unknown): FailureVerdict {
  if (error instanceof RequestFailure) return { type: 'fail', failure: error };
  if (error instanceof PartnerCenterError) {
    if (isDefinitePcRefusal(error)) {
      return {
        type: 'fail',
        failure: new RequestFailure(error.code, error.description || error.message, {
          ...(error.requestId ? { pcRequestId: error.requestId } : {}),
        }),
      };
    }
    return {
      type: 'retry',
      code: error.code,
      message: error.description || error.message,
      ...(error.retryAfterSeconds !== undefined ? { retryAfterMs: error.retryAfterSeconds * 1000 } : {}),
      ...(error.requestId ? { pcRequestId: error.requestId } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'fail', failure: new RequestFailure('internal', message) };
}
