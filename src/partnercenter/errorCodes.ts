/**
 * Partner Center error codes the product knows, plus the client's own codes for failures that
 * never reached a Partner Center answer. Each maps to a message key `errors.pc.<code>` (texts in
 * src/i18n/locales/{en,fr}/partnercenter.json) and says whether trying again later may succeed.
 */
export interface ErrorCodeInfo {
  /** Trying the same thing again later may succeed (throttling, service hiccup, work in progress). */
  readonly transient: boolean;
}

/** Codes produced by the client itself (no Partner Center error body). */
export const CLIENT_ERROR_CODES = {
  '429': { transient: true },
  timeout: { transient: true },
  network: { transient: true },
  schema: { transient: false },
  auth: { transient: false },
  aborted: { transient: false },
  outcomeUnknown: { transient: false },
  pending: { transient: true },
  /** Our own limiter had no room for the call before its deadline (a person was waiting). */
  busy: { transient: true },
  unknown: { transient: false },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Partner Center's own codes (the `code` of its error body), from the reference's tables. */
export const PARTNER_CENTER_ERROR_CODES = {
  // authentication and authorisation
  '400': { transient: false },
  '800001': { transient: false },
  '900421': { transient: false },
  '900329': { transient: false },
  '20002': { transient: false },
  '900159': { transient: false },
  '900150': { transient: false },
  '900308': { transient: false },
  '900309': { transient: false },
  // generic
  '800002': { transient: false },
  '800003': { transient: true },
  '900192': { transient: true },
  // catalog
  '400013': { transient: false },
  '400018': { transient: false },
  '400019': { transient: true },
  '400030': { transient: false },
  '400036': { transient: false },
  // carts and checkout
  '13605': { transient: false },
  '800008': { transient: false },
  '800009': { transient: false },
  '800060': { transient: true },
  '800064': { transient: true },
  '800065': { transient: false },
  '800066': { transient: false },
  '800067': { transient: false },
  '800068': { transient: false },
  '800069': { transient: false },
  '900116': { transient: false },
  '900121': { transient: false },
  '900203': { transient: false },
  '900206': { transient: false },
  // orders
  '20000': { transient: false },
  '800007': { transient: true },
  // subscriptions
  '20003': { transient: false },
  '2055': { transient: true },
  '2011': { transient: false },
  '800082': { transient: true },
  '800091': { transient: false },
  '800096': { transient: false },
  '900115': { transient: false },
  '900277': { transient: false },
  '900278': { transient: true },
  '900321': { transient: false },
  // Azure entitlements
  '800111': { transient: false },
  '900118': { transient: false },
  '900307': { transient: false },
  '900335': { transient: false },
  '900337': { transient: false },
  // product upgrades (legacy Azure → Azure plan)
  '900105': { transient: false },
  '900106': { transient: false },
  '900107': { transient: false },
  '900108': { transient: false },
  '900109': { transient: true },
  '900110': { transient: false },
  '900111': { transient: false },
  '900112': { transient: true },
  '900113': { transient: true },
  '900114': { transient: false },
  '900119': { transient: false },
  '900120': { transient: false },
  '900130': { transient: true },
} as const satisfies Record<string, ErrorCodeInfo>;

export const ERROR_CODES: Readonly<Record<string, ErrorCodeInfo>> = {
  ...PARTNER_CENTER_ERROR_CODES,
  ...CLIENT_ERROR_CODES,
};

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;
export type KnownErrorCode = keyof typeof PARTNER_CENTER_ERROR_CODES | ClientErrorCode;

export function isKnownErrorCode(code: string): code is KnownErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** The i18n key that explains a code to an operator; unknown codes share the generic text. */
export function errorMessageKey(code: string): string {
  return `errors.pc.${isKnownErrorCode(code) ? code : 'unknown'}`;
}

export function isTransientCode(code: string): boolean {
  return isKnownErrorCode(code) ? ERROR_CODES[code].transient : false;
}
