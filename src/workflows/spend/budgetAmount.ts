/**
 * A budget amount as a person types it ("5000", "5 000,50 €", "1,250.75 EUR"), checked before
 * anything is asked of Partner Center: a positive number of at most two decimals, below a sane
 * ceiling, and in the customer's currency when the text names one.
 */

export const MAX_BUDGET_AMOUNT = 1_000_000_000;

export type BudgetAmountRefusal =
  'empty' | 'not-a-number' | 'not-positive' | 'too-precise' | 'too-large' | 'wrong-currency';

export type BudgetAmount = { ok: true; amount: number } | { ok: false; reason: BudgetAmountRefusal };

const SYMBOLS: Readonly<Record<string, string>> = {
  '€': 'EUR',
  $: 'USD',
  '£': 'GBP',
  '¥': 'JPY',
  CHF: 'CHF',
};

/**
 * `decimalComma`: the writer's locale uses a comma for decimals (French): "1.250" and "1 250"
 * are then thousands, "12,5" twelve and a half. A lone separator of the other kind followed by one
 * or two digits is read as decimals in either locale.
 */
export function parseBudgetAmount(
  text: string,
  options: { currency?: string; decimalComma: boolean },
): BudgetAmount {
  let rest = text.trim();
  if (rest === '') return { ok: false, reason: 'empty' };
  const named = currencyIn(rest);
  if (named) {
    rest = named.rest;
    if (options.currency && named.code !== options.currency.toUpperCase()) {
      return { ok: false, reason: 'wrong-currency' };
    }
  }
  if (rest.startsWith('-')) return { ok: false, reason: 'not-positive' };
  const number = toNumber(rest.replace(/[\s\u00a0\u202f']/g, ''), options.decimalComma);
  if (number === undefined) return { ok: false, reason: 'not-a-number' };
  if (!(number.value > 0)) return { ok: false, reason: 'not-positive' };
  if (number.decimals > 2) return { ok: false, reason: 'too-precise' };
  if (number.value > MAX_BUDGET_AMOUNT) return { ok: false, reason: 'too-large' };
  return { ok: true, amount: number.value };
}

function currencyIn(text: string): { code: string; rest: string } | undefined {
  const code = /^([A-Za-z]{3})\s*(.*)$/.exec(text) ?? /^(.*?)\s*([A-Za-z]{3})$/.exec(text);
  if (code) {
    const [, a, b] = code;
    const isPrefix = /^[A-Za-z]{3}$/.test(a) && !/^[A-Za-z]{3}$/.test(b);
    const letters = isPrefix ? a : b;
    const rest = isPrefix ? b : a;
    if (/^[A-Za-z]{3}$/.test(letters) && /\d/.test(rest))
      return { code: letters.toUpperCase(), rest: rest.trim() };
  }
  for (const [symbol, iso] of Object.entries(SYMBOLS)) {
    if (!/\d/.test(text)) break;
    if (text.startsWith(symbol)) return { code: iso, rest: text.slice(symbol.length).trim() };
    if (text.endsWith(symbol)) return { code: iso, rest: text.slice(0, -symbol.length).trim() };
  }
  return undefined;
}

function toNumber(text: string, decimalComma: boolean): { value: number; decimals: number } | undefined {
  if (!/^\d[\d.,]*$/.test(text) || /[.,]$/.test(text)) return undefined;
  let decimal = decimalComma ? ',' : '.';
  let group = decimalComma ? '.' : ',';
  // One separator of the other kind followed by one or two digits can only be decimals ("12.5" in
  // French, "12,50" in English); followed by three it stays a thousands separator.
  if (!text.includes(decimal) && new RegExp(`^\\d+\\${group}\\d{1,2}$`).test(text)) {
    [decimal, group] = [group, decimal];
  }
  const parts = text.split(decimal);
  if (parts.length > 2) return undefined;
  const [whole, fraction = ''] = parts;
  if (fraction.includes(group)) return undefined;
  const groups = whole.split(group);
  if (groups.length > 1 && (groups[0].length > 3 || groups.slice(1).some((g) => g.length !== 3))) {
    return undefined;
  }
  const value = Number(`${groups.join('')}${fraction ? `.${fraction}` : ''}`);
  return Number.isFinite(value) ? { value, decimals: fraction.length } : undefined;
}
