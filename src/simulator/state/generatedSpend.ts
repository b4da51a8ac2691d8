import { seededRandom } from './ids';

/** Budgets of generated customers, in units of their currency. */
const BUDGETS = [500, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 25_000] as const;

/**
 * Share of the budget spent at (re)seed, by bucket: half the customers under 50 %, a quarter at
 * 50-80 %, 15 % at 80-100 % and 10 % over budget (100-150 %), so that a budget sweep over any few
 * hundred generated customers finds some past each of the 50/80/100 % thresholds.
 */
const SPREAD: readonly { upTo: number; from: number; to: number }[] = [
  { upTo: 0.5, from: 0.03, to: 0.5 },
  { upTo: 0.75, from: 0.5, to: 0.8 },
  { upTo: 0.9, from: 0.8, to: 1 },
  { upTo: 1, from: 1, to: 1.5 },
];

export interface GeneratedSpend {
  budgetCents: number;
  usageCents: number;
  usageResources: number;
}

/** The budget and current-period spend of a generated customer, derived from its key alone. */
export function generatedSpend(key: string): GeneratedSpend {
  const rand = seededRandom(`${key}:spend-profile`);
  const budgetCents = BUDGETS[Math.floor(rand() * BUDGETS.length)] * 100;
  const pick = rand();
  const bucket = SPREAD.find((b) => pick < b.upTo) ?? SPREAD[SPREAD.length - 1];
  const share = bucket.from + (bucket.to - bucket.from) * rand();
  return {
    budgetCents,
    usageCents: Math.max(1, Math.round(budgetCents * share)),
    usageResources: 2 + Math.floor(rand() * 4),
  };
}
