import { forecastSpend, parseBudgetAmount, periodKeyOf, reachedThresholds } from '../../../src/workflows';
import { dailySpend } from '../../../src/dialogs/spendCards';
import { budgetPayloadSchema } from '../../../src/workflows/kinds/budget';

const DAY = 86_400_000;

describe('budget amounts as people type them', () => {
  it.each([
    ['5000', false, 5000],
    ['1,250.75', false, 1250.75],
    ['1,250.75 EUR', false, 1250.75],
    ['€ 300', false, 300],
    ['12,50', false, 12.5],
    ['5 000,50 €', true, 5000.5],
    ['1.250', true, 1250],
    ['12.5', true, 12.5],
    ['1 000 000', true, 1_000_000],
  ])('reads %p (decimal comma: %p) as %p', (text, decimalComma, amount) => {
    expect(parseBudgetAmount(text, { currency: 'EUR', decimalComma })).toEqual({ ok: true, amount });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['lots', 'not-a-number'],
    ['1,2,3', 'not-a-number'],
    ['12.', 'not-a-number'],
    ['-5', 'not-positive'],
    ['0', 'not-positive'],
    ['0.00', 'not-positive'],
    ['12.345', 'too-precise'],
    ['2000000000', 'too-large'],
    ['1500 USD', 'wrong-currency'],
    ['$100', 'wrong-currency'],
  ])('refuses %p as %s', (text, reason) => {
    expect(parseBudgetAmount(text, { currency: 'EUR', decimalComma: false })).toEqual({ ok: false, reason });
  });

  it('takes any currency code when the customer currency is unknown', () => {
    expect(parseBudgetAmount('100 USD', { decimalComma: false })).toEqual({ ok: true, amount: 100 });
  });
});

describe('a budget change request payload', () => {
  const payload = (amount: number) => ({ customerId: 'c', customerName: 'Contoso', amount, currency: 'EUR' });

  it.each(['19.99', '1.15', '0.29', '1,250.75'])(
    'accepts %p as read from the user (two decimals, whatever binary floating point makes of them)',
    (text) => {
      const read = parseBudgetAmount(text, { currency: 'EUR', decimalComma: false });
      if (!read.ok) throw new Error(`${text} was refused: ${read.reason}`);
      expect(budgetPayloadSchema.safeParse(payload(read.amount)).success).toBe(true);
    },
  );

  it('refuses three decimals', () => {
    expect(budgetPayloadSchema.safeParse(payload(12.345)).success).toBe(false);
  });
});

describe('the spend forecast', () => {
  const start = '2026-11-01T00:00:00Z';
  const end = '2026-12-01T00:00:00Z';

  it('projects the pace so far over the period and says when the budget is reached', () => {
    const asOf = Date.parse(start) + 10 * DAY;
    const forecast = forecastSpend({
      totalCost: 400,
      budget: 1000,
      periodStart: start,
      periodEnd: end,
      asOf,
    });
    expect(forecast).toMatchObject({
      percentUsed: 40,
      projectedTotal: 1200,
      projectedPercent: 120,
      periodDays: 30,
    });
    expect(forecast.projectedCrossing).toBe(Date.parse(start) + 25 * DAY);
  });

  it('has no crossing when the pace stays under the budget, nor when it is already spent', () => {
    const asOf = Date.parse(start) + 15 * DAY;
    expect(
      forecastSpend({ totalCost: 300, budget: 1000, periodStart: start, periodEnd: end, asOf })
        .projectedCrossing,
    ).toBeUndefined();
    expect(
      forecastSpend({ totalCost: 1100, budget: 1000, periodStart: start, periodEnd: end, asOf })
        .projectedCrossing,
    ).toBeUndefined();
  });

  it('gives no share without a budget', () => {
    const forecast = forecastSpend({
      totalCost: 50,
      periodStart: start,
      periodEnd: end,
      asOf: Date.parse(start) + DAY,
    });
    expect(forecast.percentUsed).toBeUndefined();
    expect(forecast.projectedTotal).toBe(1500);
  });

  it('names the thresholds reached, lowest first, and the period', () => {
    expect(reachedThresholds(85, [100, 50, 80])).toEqual([50, 80]);
    expect(reachedThresholds(undefined, [50])).toEqual([]);
    expect(periodKeyOf('2026-11-01T00:00:00Z')).toBe('2026-11');
  });
});

describe('spend per day', () => {
  it('turns the running totals into what each day added', () => {
    const snapshot = (day: string, totalCost: number) => ({
      customerId: 'c',
      day,
      periodKey: '2026-11',
      totalCost,
      currency: 'EUR',
      recordedAt: 0,
    });
    expect(
      dailySpend([snapshot('2026-11-03', 70), snapshot('2026-11-01', 20), snapshot('2026-11-02', 45.5)]),
    ).toEqual([
      { day: '2026-11-01', spent: 20 },
      { day: '2026-11-02', spent: 25.5 },
      { day: '2026-11-03', spent: 24.5 },
    ]);
  });
});
