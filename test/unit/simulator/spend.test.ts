import { DAY_MS } from '../../../src/simulator/state/clock';
import { generatedSpend } from '../../../src/simulator/state/generatedSpend';
import {
  SEED_RUN_DAYS,
  dailySeries,
  dailyUsage,
  lastModifiedAt,
  linesOver,
  reportedDays,
  seedSpend,
  setPeriodSpend,
  totalOf,
} from '../../../src/simulator/state/spend';
import type { Meter, UsageResource } from '../../../src/simulator/state/types';
import { budgetCentsOf } from '../../../src/simulator/state/usage';

const meter: Meter = {
  id: 'm',
  name: 'm',
  category: 'c',
  subcategory: 's',
  unit: '1 Hour',
  resourceType: 'virtualMachines',
  resourceProvider: 'Microsoft.Compute',
  unitPriceCents: 11,
};
const resource = (name: string, weight: number): UsageResource => ({
  subscriptionId: 'sub',
  entitlementId: 'ent',
  entitlementName: 'Azure',
  resourceGroup: 'rg',
  resourceName: name,
  meter,
  weight,
});
const RESOURCES = [resource('a', 3), resource('b', 1), resource('c', 7)];
const MARCH = Date.UTC(2027, 2, 1);
const at = (day: number, hour = 12) => MARCH + (day - 1) * DAY_MS + hour * 3_600_000;

describe('reported days', () => {
  it('reports a day one day after it ends', () => {
    expect(reportedDays(MARCH, at(1))).toBe(0);
    expect(reportedDays(MARCH, at(2, 23))).toBe(0);
    expect(reportedDays(MARCH, at(3, 0))).toBe(1);
    expect(reportedDays(MARCH, at(15))).toBe(13);
    expect(reportedDays(MARCH, Date.UTC(2027, 5, 1))).toBe(31);
  });
});

describe('seeded spend', () => {
  it('reports the seed figure on any day of the month, then about figure / 20 a day', () => {
    for (const day of [1, 2, 16, 31]) {
      const state = seedSpend(7, RESOURCES, at(day, 0), 85_000, true);
      expect(totalOf(dailySeries(state, MARCH, at(day)))).toBe(85_000);
      expect(state.ledgers[0].dailyCents).toBe(85_000 / SEED_RUN_DAYS);
    }
    const state = seedSpend(7, RESOURCES, at(16, 0), 85_000, true);
    const nextDay = totalOf(dailySeries(state, MARCH, at(17, 1))) - 85_000;
    expect(nextDay).toBeGreaterThanOrEqual(Math.round(4_250 * 0.6));
    expect(nextDay).toBeLessThanOrEqual(Math.round(4_250 * 1.32));
  });

  it('does not grow when nothing accrues, and restarts from nothing in the next period', () => {
    const idle = seedSpend(7, RESOURCES, at(16, 0), 1_240, false);
    expect(totalOf(dailySeries(idle, MARCH, at(30)))).toBe(1_240);
    const state = seedSpend(7, RESOURCES, at(16, 0), 85_000, true);
    const april = Date.UTC(2027, 3, 1);
    expect(dailySeries(state, april, april + 3_600_000)).toEqual([]);
    expect(lastModifiedAt(state, april, april + 3_600_000)).toBe(april);
    expect(totalOf(dailySeries(state, april, april + 2 * DAY_MS + 60_000))).toBeGreaterThan(0);
  });
});

describe('setting the spend', () => {
  it('spreads a figure over the reported days and keeps the days before its period', () => {
    const state = seedSpend(7, RESOURCES, at(16, 0), 85_000, true);
    const april = Date.UTC(2027, 3, 1);
    const marchBefore = dailySeries(state, MARCH, april + 5 * DAY_MS);
    setPeriodSpend(state, april + 9 * DAY_MS + 3_600_000, 12_345, 1_000);
    const series = dailySeries(state, april, april + 9 * DAY_MS + 3_600_000);
    expect(series).toHaveLength(8);
    expect(totalOf(series)).toBe(12_345);
    expect(dailySeries(state, MARCH, april + 5 * DAY_MS)).toEqual(marchBefore);
    expect(lastModifiedAt(state, april, april + 9 * DAY_MS + 7_200_000)).toBe(april + 9 * DAY_MS + 3_600_000);
  });

  it('splits each day over the resources so that lines, days and total agree to the cent', () => {
    const state = seedSpend(7, RESOURCES, at(20, 0), 61_230, true);
    const now = at(25);
    const series = dailySeries(state, MARCH, now);
    const lines = linesOver(RESOURCES, series);
    const daily = dailyUsage(state, MARCH, now);
    const total = totalOf(series);
    expect(lines.reduce((s, l) => s + l.cents, 0)).toBe(total);
    expect(daily.reduce((s, d) => s + d.line.cents, 0)).toBe(total);
    for (const line of lines) {
      const days = daily.filter((d) => d.line.resourceName === line.resourceName);
      expect(days.reduce((s, d) => s + d.line.cents, 0)).toBe(line.cents);
    }
  });
});

describe('generated spend', () => {
  it('gives every key a budget and a spend, with a share past each threshold', () => {
    const profiles = Array.from({ length: 2_000 }, (_, i) => generatedSpend(`generated-${i}`));
    expect(profiles.every((p) => p.budgetCents > 0 && p.usageCents > 0)).toBe(true);
    const share = (t: number) => profiles.filter((p) => p.usageCents >= t * p.budgetCents).length / 2_000;
    expect(share(0.5)).toBeGreaterThan(0.4);
    expect(share(0.8)).toBeGreaterThan(0.18);
    expect(share(1)).toBeGreaterThan(0.06);
    expect(share(1)).toBeLessThan(0.14);
    expect(generatedSpend('generated-42')).toEqual(generatedSpend('generated-42'));
  });
});

describe('budget amounts', () => {
  it.each([
    [100, 10_000],
    [0.01, 1],
    ['250.50', 25_050],
    [999_999_999.99, 99_999_999_999],
    [null, null],
  ])('accepts %p', (amount, cents) => {
    expect(budgetCentsOf(amount)).toBe(cents);
  });

  it.each([[-1], [0], [1.005], [1e9], ['1e3'], ['-5'], [''], [true], [undefined], [Number.NaN]])(
    'refuses %p with 800002',
    (amount) => {
      expect(() => budgetCentsOf(amount)).toThrow(expect.objectContaining({ status: 400, code: '800002' }));
    },
  );
});
