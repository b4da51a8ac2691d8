import type { Locale } from './index';

/** Numbers, money, shares and dates as people of the reader's language write them. */

/**
 * Intl formatters are costly to build and free to reuse: one per language and options (a few
 * dozen in all: the currencies seen and the styles below).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cachedFormatter<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let format = formatters.get(key) as F | undefined;
  if (!format) {
    format = make();
    formatters.set(key, format);
  }
  return format;
}

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return cachedFormatter(
    `number|${locale}|${JSON.stringify(options)}`,
    () => new Intl.NumberFormat(intlLocale(locale), options),
  );
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cachedFormatter(
    `date|${locale}|${JSON.stringify(options)}`,
    () => new Intl.DateTimeFormat(intlLocale(locale), options),
  );
}

function intlLocale(locale: Locale): string {
  return locale === 'fr' ? 'fr-FR' : 'en-US';
}

export function formatMoney(amount: number, currency: string, locale: Locale): string {
  try {
    return numberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    return `${numberFormat(locale, { maximumFractionDigits: 2 }).format(amount)} ${currency}`;
  }
}

/** A plain number (default: up to three decimals, as Intl does). */
export function formatNumber(value: number, locale: Locale, maximumFractionDigits = 3): string {
  return numberFormat(locale, { maximumFractionDigits }).format(value);
}

/** An amount in its currency, or as a plain number when the currency is not known. */
export function formatAmount(amount: number, currency: string | null | undefined, locale: Locale): string {
  return currency
    ? formatMoney(amount, currency, locale)
    : numberFormat(locale, { maximumFractionDigits: 2 }).format(amount);
}

/** A moment, in UTC, as people of that language write it. */
export function formatInstant(at: number | string | undefined, locale: Locale = 'en'): string {
  if (at === undefined) return '—';
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const text = dateFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(date);
  return `${text} UTC`;
}

/** A share in percent (62.5 → "62.5%" / "62,5 %"). */
export function formatPercent(percent: number, locale: Locale): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(percent / 100);
}

/** A calendar day, in UTC ("Nov 24, 2026" / "24 nov. 2026"); none known: "—". */
export function formatDay(at: number | string | undefined, locale: Locale): string {
  if (at === undefined) return '—';
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return dateFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A short day for a chart's axis ("Nov 24" / "24 nov."). */
export function formatShortDay(at: number | string, locale: Locale): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return dateFormat(locale, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}
