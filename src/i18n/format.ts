import type { Locale } from './index';

/** Numbers, money, shares and dates as people of the reader's language write them. */

export function intlLocale(locale: Locale): string {
  return locale === 'fr' ? 'fr-FR' : 'en-US';
}

export function formatMoney(amount: number, currency: string, locale: Locale): string {
  try {
    return new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency }).format(amount);
  } catch {
    return `${new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }).format(amount)} ${currency}`;
  }
}

/** An amount in its currency, or as a plain number when the currency is not known. */
export function formatAmount(amount: number, currency: string | null | undefined, locale: Locale): string {
  return currency
    ? formatMoney(amount, currency, locale)
    : new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 2 }).format(amount);
}

/** A moment, in UTC, as people of that language write it. */
export function formatInstant(at: number | string | undefined, locale: Locale = 'en'): string {
  if (at === undefined) return '—';
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const text = new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(date);
  return `${text} UTC`;
}

/** A share in percent (62.5 → "62.5%" / "62,5 %"). */
export function formatPercent(percent: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 1 }).format(
    percent / 100,
  );
}

/** A calendar day, in UTC ("Nov 24, 2026" / "24 nov. 2026"); none known: "—". */
export function formatDay(at: number | string | undefined, locale: Locale): string {
  if (at === undefined) return '—';
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** A short day for a chart's axis ("Nov 24" / "24 nov."). */
export function formatShortDay(at: number | string, locale: Locale): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return new Intl.DateTimeFormat(intlLocale(locale), {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}
