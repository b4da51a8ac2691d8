/**
 * Money added up exactly: amounts are summed as integers of millionths (bigint), so thousands of
 * line items add up to the cent whatever the order, and compared with an invoice total at the
 * currency's own precision.
 */

const MICROS_PER_UNIT = 1_000_000;

/** An amount in millionths of the currency unit. */
export function toMicros(amount: number | null | undefined): bigint {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return 0n;
  return BigInt(Math.round(amount * MICROS_PER_UNIT));
}

export function fromMicros(micros: bigint): number {
  const whole = micros / BigInt(MICROS_PER_UNIT);
  const rest = micros % BigInt(MICROS_PER_UNIT);
  return Number(whole) + Number(rest) / MICROS_PER_UNIT;
}

/** Digits after the decimal point of a currency (USD 2, JPY 0, BHD 3); 2 when unknown. */
export function currencyDigits(currency: string | null | undefined): number {
  if (!currency || !/^[A-Za-z]{3}$/.test(currency)) return 2;
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** Whether two amounts are the same once rounded to the currency's smallest unit. */
export function sameAmount(a: number, b: number, currency: string | null | undefined): boolean {
  const scale = 10 ** currencyDigits(currency);
  return Math.round(a * scale) === Math.round(b * scale);
}
