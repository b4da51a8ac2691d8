import { adaptiveCardProblems } from '../../support/cardValidation';
import { REQUESTER } from '../../support/teamsActivities';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread, textOf, type Card } from '../purchase/teamsDriver';

/** `usage <customer>` in Teams: the period's estimate, the budget gauge, the lines, in both languages. */
describe('usage card in Teams (HTTP, simulator, SQLite)', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness();
  });

  beforeEach(async () => {
    await harness.simulator.reseed();
    await harness.simulator.configure({ appUserMfa: true });
  });

  afterAll(async () => {
    await harness.close();
  });

  async function usage(text: string, locale?: string): Promise<Card> {
    const [first] = await new TeamsThread(harness, { locale }).say(REQUESTER, text);
    if (!first?.card) throw new Error(`no card: ${first?.text ?? 'nothing sent'}`);
    return first.card;
  }

  it('shows the spend, the budget as a gauge with a text fallback, the plans and the top lines', async () => {
    const card = await usage('usage Alpine Ski House');
    const text = textOf(card);
    expect(text).toContain('Azure spend of Alpine Ski House');
    expect(text).toContain('€850.00');
    expect(text).toContain('€1,000.00 · 85% used');
    expect(text).toContain('"type":"Chart.Gauge"');
    expect(text).toContain('85% of the budget used (€850.00 of €1,000.00).');
    expect(text).toContain('Top meters');
    expect(text).toContain('Top resources');
    expect(text).toMatch(/Partner Center's estimate as of/);
    expect(adaptiveCardProblems(card)).toEqual([]);
    // One day of readings: the trend says it will come instead of a one-bar chart.
    expect(text).toContain('The daily trend appears once I have seen this customer');
  });

  it('draws the daily trend from the readings of earlier days', async () => {
    const customerId = (await harness.simulator.customer('Alpine Ski House')).id;
    const summary = await harness.pc.usage.customerSummary(customerId);
    const period = (summary.billingStartDate ?? '').slice(0, 7);
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    if (yesterday.slice(0, 7) === period) {
      await harness.store.spend.record({
        customerId,
        day: yesterday,
        periodKey: period,
        totalCost: 800,
        currency: 'EUR',
        recordedAt: Date.now() - 86_400_000,
      });
    }
    const card = await usage('usage Alpine Ski House');
    const text = textOf(card);
    if (yesterday.slice(0, 7) === period && today.slice(0, 7) === period) {
      expect(text).toContain('"type":"Chart.VerticalBar"');
      expect(text).toContain('€50.00');
    } else {
      expect(text).toContain('The daily trend appears once');
    }
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  it('speaks French with French numbers', async () => {
    const text = textOf(await usage('consommation Alpine Ski House', 'fr-FR'));
    expect(text).toContain('Consommation Azure de Alpine Ski House');
    expect(text).toMatch(/850,00\s€/);
    expect(text).toMatch(/85\s%/);
  });

  it('says a customer without a budget has none, and how to set one', async () => {
    const text = textOf(await usage('usage Northwind Traders'));
    expect(text).toContain('None (budget Northwind Traders set <amount>)');
    expect(text).not.toContain('Chart.Gauge');
  });

  it('shows the MFA card, without retrying, when the partner sign-in has no MFA claim', async () => {
    await harness.simulator.configure({ appUserMfa: false });
    await harness.simulator.clearRequests();
    const text = textOf(await usage('usage Alpine Ski House'));
    expect(text).toMatch(/MFA|multi-factor/i);
    const summaries = (await harness.simulator.requests()).filter((r) => r.path.endsWith('/usagesummary'));
    expect(summaries).toHaveLength(1);
  });
});

describe('a turn whose Partner Center calls cannot go out in time', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness({
      // Our own limiter allows one usage read a minute: the usage card needs four.
      partnerCenter: (simulator) => simulator.client({ limits: { perMinute: { usage: 1 } } }),
      env: { TURN_DEADLINE_MS: '1500' },
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('says Partner Center is busy and when to try again, instead of waiting for the window', async () => {
    await harness.simulator.clearRequests();
    const [answer] = await new TeamsThread(harness).say(REQUESTER, 'usage Alpine Ski House');
    expect(answer.text).toMatch(
      /^Partner Center is busy with other work of ours right now\. Try again in \d+ s\. Reference: [0-9a-f-]{36}\.$/,
    );
    const usageCalls = (await harness.simulator.requests()).filter((r) => r.path.includes('/usage'));
    expect(usageCalls.length).toBeLessThanOrEqual(1);
  });
});
