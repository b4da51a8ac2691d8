import * as ACData from 'adaptivecards-templating';
import { strings, type Locale } from '../i18n';
import { templates, type CardName } from './templates';

/** Teams refuses messages over about 28 KB; keep cards well under it. */
export const MAX_CARD_BYTES = 28 * 1024;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  refresh?: unknown;
  [key: string]: unknown;
}

export class CardRenderError extends Error {
  constructor(
    readonly card: string,
    message: string,
  ) {
    super(`Card ${card}: ${message}`);
    this.name = 'CardRenderError';
  }
}

/**
 * Expands a template with data and the localized strings of its sections. In templates, data is at
 * `${field}` and strings at `${s.<section>.<key>}`; strings are interpolated with the same data.
 */
export function renderCard(name: CardName, data: Record<string, unknown>, locale: Locale): AdaptiveCard {
  const s: Record<string, unknown> = {};
  for (const [section, paths] of stringsReadBy(name)) s[section] = strings(locale, section, data, paths);
  const expanded: unknown = preparedTemplate(name).expand({ $root: { ...data, s, locale } });
  if (!isCard(expanded)) throw new CardRenderError(name, 'template did not expand to an AdaptiveCard');
  const size = Buffer.byteLength(JSON.stringify(expanded), 'utf8');
  if (size > MAX_CARD_BYTES)
    throw new CardRenderError(name, `${size} bytes is over the ${MAX_CARD_BYTES} limit`);
  return expanded;
}

/**
 * A template's expressions are parsed once, when it is first used: parsing (an ANTLR grammar) was
 * most of a card's cost. `expand` keeps no state between calls that matters (it is synchronous and
 * resets its context each time), so one prepared template serves every render.
 */
const prepared = new Map<CardName, ACData.Template>();

function preparedTemplate(name: CardName): ACData.Template {
  let template = prepared.get(name);
  if (!template) {
    template = new ACData.Template(templates[name].template);
    prepared.set(name, template);
  }
  return template;
}

/**
 * The catalog sections each template reads, with the strings it reads in each
 * (`${s.purchase.catalog.label}` → purchase: `catalog.label`): only those are interpolated on a
 * render. A section read any other way (whole, or by a computed key) maps to `undefined`: filled
 * whole.
 */
const stringsUsed = new Map<CardName, Map<string, string[] | undefined>>();

export function stringsReadBy(name: CardName): Map<string, string[] | undefined> {
  let used = stringsUsed.get(name);
  if (!used) {
    used = new Map();
    const text = JSON.stringify(templates[name].template);
    const whole = new Set<string>();
    for (const match of text.matchAll(/\bs\.([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)(.?)/g)) {
      const [, section, path, next] = match;
      if (path === '' || next === '[' || next === '(') whole.add(section);
      else used.set(section, [...(used.get(section) ?? []), path.slice(1)]);
    }
    for (const section of whole) used.set(section, undefined);
    stringsUsed.set(name, used);
  }
  return used;
}

function isCard(value: unknown): value is AdaptiveCard {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'AdaptiveCard';
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
