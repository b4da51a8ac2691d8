import i18next from 'i18next';
import enBot from './locales/en/bot.json';
import enGovernance from './locales/en/governance.json';
import enInvoices from './locales/en/invoices.json';
import enLifecycle from './locales/en/lifecycle.json';
import enPartnerCenter from './locales/en/partnercenter.json';
import enPurchase from './locales/en/purchase.json';
import enRequests from './locales/en/requests.json';
import enSpend from './locales/en/spend.json';
import frBot from './locales/fr/bot.json';
import frGovernance from './locales/fr/governance.json';
import frInvoices from './locales/fr/invoices.json';
import frLifecycle from './locales/fr/lifecycle.json';
import frPartnerCenter from './locales/fr/partnercenter.json';
import frPurchase from './locales/fr/purchase.json';
import frRequests from './locales/fr/requests.json';
import frSpend from './locales/fr/spend.json';

export type Locale = 'en' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'fr'];

/** The catalogs, one JSON file per area; deep-merged per locale. */
const catalogs: Record<Locale, readonly Record<string, unknown>[]> = {
  en: [enBot, enPartnerCenter, enRequests, enPurchase, enLifecycle, enInvoices, enSpend, enGovernance],
  fr: [frBot, frPartnerCenter, frRequests, frPurchase, frLifecycle, frInvoices, frSpend, frGovernance],
};

function deepMerge(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) deepMerge(existing, value);
    else target[key] = value;
  }
  return target;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  showSupportNotice: false,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LOCALES],
  interpolation: { escapeValue: false },
  returnNull: false,
  resources: Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      { translation: catalogs[locale].reduce((acc, c) => deepMerge(acc, structuredClone(c)), {}) },
    ]),
  ),
});

/** Teams sends e.g. `fr-FR`, `fr-CA`, `en-US`; anything French is French, everything else English. */
export function localeFrom(activityLocale: string | undefined | null): Locale {
  return activityLocale && /^fr(\b|[-_])/i.test(activityLocale) ? 'fr' : 'en';
}

const translators = Object.fromEntries(
  LOCALES.map((locale) => [locale, instance.getFixedT(locale)]),
) as Record<Locale, ReturnType<typeof instance.getFixedT>>;

/**
 * What needs no parameter is the same every time: translated once per language and kept (the
 * catalogs do not change while the process runs). A card's help text or button title used to go
 * through i18next's whole resolution on every render.
 */
const plain: Record<Locale, Map<string, string>> = { en: new Map(), fr: new Map() };
/**
 * How a catalog subtree is filled for a card: its constant strings translated once (frozen), and
 * the paths of the strings that take parameters, other keys or a count, filled on every call.
 * `null`: not a subtree (left to i18next).
 */
interface SubtreePlan {
  constant: Readonly<Record<string, unknown>>;
  dynamic: ReadonlyArray<{ path: readonly string[]; key: string }>;
}
const subtreePlans: Record<Locale, Map<string, SubtreePlan | null>> = { en: new Map(), fr: new Map() };

/**
 * A message whose only parameters are plain `{{name}}` placeholders, split once around them: filled
 * by concatenation (a value that is null gives '', anything else its string, as with i18next),
 * without i18next's resolution and regular expressions on every call. One difference, on purpose:
 * i18next fills each placeholder's first occurrence in the text as filled so far, so a value that
 * holds a later placeholder's text (`{{customerName}}` typed as a name) would be filled again; here
 * a value is kept as given. `null`: anything else (plural
 * forms, nesting, formats, a key missing in this language), left to i18next.
 */
interface Fill {
  parts: readonly string[];
  names: readonly string[];
}
const fills: Record<Locale, Map<string, Fill | null>> = { en: new Map(), fr: new Map() };

/** i18next's own options: a call that passes one of them is i18next's to answer. */
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'ordinal',
  'lng',
  'lngs',
  'fallbackLng',
  'ns',
  'defaultValue',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'skipInterpolation',
  'replace',
  'keyPrefix',
  'nsSeparator',
  'keySeparator',
  'nest',
]);

export function t(locale: Locale, key: string, params?: Record<string, unknown>): string {
  if (params === undefined || isEmpty(params)) {
    let text = plain[locale].get(key);
    if (text === undefined) {
      text = translators[locale](key);
      plain[locale].set(key, text);
    }
    return text;
  }
  return filled(fillOf(locale, key), params) ?? translators[locale](key, params);
}

/** i18next's answer, which `t` gives faster: for the tests that hold them equal. */
export function i18nextT(locale: Locale, key: string, params?: Record<string, unknown>): string {
  return translators[locale](key, params ?? {});
}

function fillOf(locale: Locale, key: string): Fill | null {
  let fill = fills[locale].get(key);
  if (fill === undefined) {
    fill = prepareFill(instance.getResource(locale, 'translation', key));
    fills[locale].set(key, fill);
  }
  return fill;
}

function prepareFill(raw: unknown): Fill | null {
  if (typeof raw !== 'string' || raw.includes('$t(')) return null;
  const parts: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const match of raw.matchAll(/\{\{(.+?)\}\}/g)) {
    const name = match[1].trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return null;
    parts.push(raw.slice(last, match.index));
    names.push(name);
    last = match.index + match[0].length;
  }
  parts.push(raw.slice(last));
  return { parts, names };
}

/** The message filled with `params`, or undefined where i18next must answer (an option, a value missing). */
function filled(fill: Fill | null, params: Record<string, unknown>): string | undefined {
  if (!fill) return undefined;
  for (const name in params) if (I18NEXT_OPTIONS.has(name)) return undefined;
  let text = fill.parts[0];
  for (let i = 0; i < fill.names.length; i++) {
    const value = params[fill.names[i]];
    if (value === undefined) return undefined;
    text += (typeof value === 'string' ? value : value === null ? '' : String(value)) + fill.parts[i + 1];
  }
  return text;
}

/**
 * A subtree of the catalog with its strings interpolated (used to feed card templates). `only`:
 * the paths (`catalog.label`) the caller reads; strings that take parameters elsewhere in the
 * subtree are left empty rather than interpolated for nothing.
 */
export function strings(
  locale: Locale,
  key: string,
  params?: Record<string, unknown>,
  only?: readonly string[],
): Record<string, unknown> {
  const plan = subtreePlan(locale, key);
  if (!plan) {
    const value: unknown = translators[locale](key, { ...(params ?? {}), returnObjects: true });
    return isObject(value) ? value : {};
  }
  if (plan.dynamic.length === 0) return plan.constant;
  const filled = copyTree(plan.constant);
  for (const { path, key: leafKey } of plan.dynamic) {
    if (only && !only.some((wanted) => covers(wanted, path))) continue;
    let node = filled;
    for (const part of path.slice(0, -1)) node = node[part] as Record<string, unknown>;
    node[path[path.length - 1]] = t(locale, leafKey, params ?? {});
  }
  return filled;
}

/** Whether reading `wanted` (a dotted path) reads the leaf at `path`, or a subtree holding it. */
function covers(wanted: string, path: readonly string[]): boolean {
  const leaf = path.join('.');
  return leaf === wanted || leaf.startsWith(`${wanted}.`);
}

function subtreePlan(locale: Locale, key: string): SubtreePlan | null {
  const known = subtreePlans[locale].get(key);
  if (known !== undefined) return known;
  const raw: unknown = instance.getResource(locale, 'translation', key);
  let plan: SubtreePlan | null = null;
  if (isObject(raw)) {
    const dynamic: Array<{ path: string[]; key: string }> = [];
    const constant = planNode(locale, raw, key, [], dynamic);
    plan = { constant: deepFreeze(constant), dynamic };
  }
  subtreePlans[locale].set(key, plan);
  return plan;
}

function planNode(
  locale: Locale,
  node: Record<string, unknown>,
  key: string,
  path: string[],
  dynamic: Array<{ path: string[]; key: string }>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) {
    const at = [...path, name];
    const fullKey = `${key}.${name}`;
    if (isObject(value)) result[name] = planNode(locale, value, fullKey, at, dynamic);
    else if (typeof value === 'string' && takesParameters(name, value)) {
      dynamic.push({ path: at, key: fullKey });
      result[name] = '';
    } else result[name] = typeof value === 'string' ? translators[locale](fullKey) : value;
  }
  return result;
}

/** Interpolation, nesting, or a plural form (which i18next may resolve from the count). */
function takesParameters(name: string, value: string): boolean {
  return value.includes('{{') || value.includes('$t(') || /_(zero|one|two|few|many|other)$/.test(name);
}

function copyTree(node: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) copy[name] = isObject(value) ? copyTree(value) : value;
  return copy;
}

function deepFreeze<T extends Record<string, unknown>>(node: T): Readonly<T> {
  for (const value of Object.values(node)) if (isObject(value)) deepFreeze(value);
  return Object.freeze(node);
}

function isEmpty(params: Record<string, unknown>): boolean {
  for (const _ in params) return false;
  return true;
}

export function hasKey(locale: Locale, key: string): boolean {
  return instance.exists(key, { lng: locale, fallbackLng: false });
}

/** Every leaf key of a locale's catalog, for tests that check both languages say the same things. */
export function leafKeys(locale: Locale): string[] {
  const bundle = instance.getResourceBundle(locale, 'translation') as Record<string, unknown>;
  const keys: string[] = [];
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isObject(value)) walk(value, path);
      else keys.push(path);
    }
  };
  walk(bundle, '');
  return keys.sort();
}

/** A Partner Center billing cycle (`one_time`, `monthly`…) in words; an unknown value as it came. */
export function billingCycleLabel(locale: Locale, cycle: string): string {
  const key = `billingCycles.${cycle.toLowerCase()}`;
  return hasKey(locale, key) ? t(locale, key) : cycle;
}

export type StatusKind = 'order' | 'subscription' | 'provisioning';

/** A Partner Center status in words ("pending review", "prefulfillment_pending"…); an unknown one as it came. */
export function statusLabel(locale: Locale, kind: StatusKind, status: string): string {
  const key = `statuses.${kind}.${status.toLowerCase().replace(/[\s_-]/g, '')}`;
  return hasKey(locale, key) ? t(locale, key) : status;
}

/** Our words for a Partner Center error code when we have them in this language; else the error's own. */
export function pcErrorText(locale: Locale, error: { code: string; message: string }): string {
  const key = `errors.pc.${error.code}`;
  return hasKey(locale, key) ? t(locale, key) : error.message;
}
