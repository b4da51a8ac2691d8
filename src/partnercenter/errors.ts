import { errorMessageKey, isTransientCode } from './errorCodes';

export interface PartnerCenterErrorInit {
  code: string;
  description: string;
  method: string;
  path: string;
  status?: number;
  requestId?: string;
  correlationId?: string;
  retryAfterSeconds?: number;
  data?: readonly unknown[];
  schemaPath?: string;
}

/**
 * The one error the client throws. `code` is Partner Center's code (e.g. "13605") when the service
 * answered with its error body, otherwise one of the client's codes: '429', 'timeout', 'network',
 * 'schema', 'auth', 'aborted', 'outcomeUnknown', 'pending', 'unknown'. It never carries a token.
 */
export class PartnerCenterError extends Error {
  override readonly name = 'PartnerCenterError';
  readonly code: string;
  readonly description: string;
  readonly status?: number;
  readonly requestId?: string;
  readonly correlationId?: string;
  readonly retryAfterSeconds?: number;
  readonly data: readonly unknown[];
  readonly method: string;
  readonly path: string;
  /** For code 'schema': where the body stopped matching, e.g. `items.0.id`. */
  readonly schemaPath?: string;

  constructor(init: PartnerCenterErrorInit) {
    super(
      `Partner Center ${init.method} ${init.path} failed: ${init.code}${init.description ? ` ${init.description}` : ''}`,
    );
    this.code = init.code;
    this.description = init.description;
    this.status = init.status;
    this.requestId = init.requestId;
    this.correlationId = init.correlationId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.data = init.data ?? [];
    this.method = init.method;
    this.path = init.path;
    this.schemaPath = init.schemaPath;
  }

  /** The i18n key that explains this error to an operator (`errors.pc.<code>`). */
  get messageKey(): string {
    return errorMessageKey(this.code);
  }

  /** Trying again later may succeed. */
  get transient(): boolean {
    return isTransientCode(this.code) || (this.status !== undefined && this.status >= 500);
  }

  /** A log-friendly view (no stack, no token: there never is one). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      description: this.description,
      status: this.status,
      method: this.method,
      path: this.path,
      requestId: this.requestId,
      correlationId: this.correlationId,
      retryAfterSeconds: this.retryAfterSeconds,
      schemaPath: this.schemaPath,
    };
  }
}

export function isPartnerCenterError(value: unknown): value is PartnerCenterError {
  return value instanceof PartnerCenterError;
}

/** Partner Center's code for an App+User call whose token carries no MFA claim (enforced from 2026). */
export const MFA_REQUIRED_CODE = '900421';

/**
 * Partner Center refused an App+User call because the token has no MFA claim: the partner service
 * account must sign in again with MFA (secure application model consent). Retrying cannot help.
 */
export function isMfaRequired(value: unknown): value is PartnerCenterError {
  return value instanceof PartnerCenterError && value.code === MFA_REQUIRED_CODE;
}
