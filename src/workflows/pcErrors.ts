import { PartnerCenterError } from '../partnercenter';

/**
 * The call could not be made with the credentials we have: no App+User credential configured
 * ('auth'), an app-only token on an App+User route (900329), or a delegated token refused (401,
 * e.g. 900421 without MFA). The feature is unavailable, not broken.
 */
export function isAuthLimitation(error: PartnerCenterError): boolean {
  return error.code === 'auth' || error.code === '900329' || error.code === '900421' || error.status === 401;
}

/** Not found answers Partner Center gives for a customer id we cannot see. */
export function isCustomerNotFound(error: unknown): boolean {
  return (
    error instanceof PartnerCenterError &&
    (error.status === 404 || ['20002', '60003', '900118', '900159'].includes(error.code))
  );
}

/** What a request records about a Partner Center failure (no token, no stack). */
export function errorSummary(error: unknown): { code: string; message: string; pcRequestId?: string } {
  if (error instanceof PartnerCenterError) {
    return {
      code: error.code,
      message: error.description || error.message,
      ...(error.requestId ? { pcRequestId: error.requestId } : {}),
    };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
