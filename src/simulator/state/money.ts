import type { Currency } from './types';

/** Amounts are kept in integer cents so that sums are exact; they become decimals only in views. */
export function centsToAmount(cents: number): number {
  return Math.round(cents) / 100;
}

export function amountToCents(amount: number): number {
  return Math.round(amount * 100);
}

export const CURRENCY_SYMBOL: Record<Currency, string> = { USD: '$', EUR: '€', GBP: '£' };

/** Fixed rates so that `usdTotalCost` is deterministic. */
export const USD_PER_UNIT: Record<Currency, number> = { USD: 1, EUR: 1.08, GBP: 1.27 };

export function toUsd(cents: number, currency: Currency): number {
  return centsToAmount(Math.round(cents * USD_PER_UNIT[currency]));
}

/** Splits a total into parts proportional to the weights; the parts add up to the total exactly. */
export function splitCents(totalCents: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((totalCents * w) / sum));
  let rest = totalCents - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; rest > 0; i = (i + 1) % parts.length, rest--) parts[i] += 1;
  return parts;
}
