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

  it("its buttons run the customer's budget and usage commands, and the budget card's lead to a change", async () => {
    const thread = new TeamsThread(harness);
    const commandButton = (card: Card, command: string, argEnd = '') => {
      const found = (card.actions ?? []).find(
        (a) =>
          a.verb === 'command.run' &&
          a.data?.command === command &&
          String(a.data?.argText ?? '').endsWith(argEnd),
      );
      if (!found?.verb) throw new Error(`no ${command} button in ${JSON.stringify(card.actions)}`);
      return { verb: found.verb, ...(found.data ?? {}) };
    };
    const clickAndRead = async (
      card: Card,
      replyToId: string,
      button: Record<string, unknown> & { verb: string },
    ) => {
      const before = thread.sentHere().length;
      const answer = await thread.click(REQUESTER, replyToId, button);
      expect(answer.statusCode).toBe(200);
      const [next] = thread.sentHere().slice(before);
      if (!next?.card) throw new Error(`nothing shown after ${JSON.stringify(button)}`);
      return next as { id: string; card: Card };
    };

    const [usageMessage] = await thread.say(REQUESTER, 'usage Alpine Ski House');
    const usageCardShown = usageMessage.card as Card;
    const budget = await clickAndRead(
      usageCardShown,
      usageMessage.id,
      commandButton(usageCardShown, 'budget'),
    );
    expect(textOf(budget.card)).toContain('Spending budget of Alpine Ski House');
    const refreshed = await clickAndRead(
      usageCardShown,
      usageMessage.id,
      commandButton(usageCardShown, 'usage'),
    );
    expect(textOf(refreshed.card)).toContain('Azure spend of Alpine Ski House');

    const change = await clickAndRead(budget.card, budget.id, commandButton(budget.card, 'budget', ' set'));
    expect(textOf(change.card)).toContain('New budget (EUR)');
  });

  it('draws the daily trend from the readings of earlier days', async () => {
    const customerId = (await harness.simulator.customer('Alpine Ski House')).id;
    const dayOf = (date: string | null | undefined) => (date ?? '').slice(0, 10);
    let summary = await harness.pc.usage.customerSummary(customerId);
    // The card files today's reading under the day Partner Center last changed the figures; on the
    // 1st of a period there is no earlier day yet, so the simulated clock moves a few days on.
    if (dayOf(summary.lastModifiedDate) === dayOf(summary.billingStartDate)) {
      await harness.simulator.advanceClock(3 * 86_400_000);
      summary = await harness.pc.usage.customerSummary(customerId);
    }
    const period = dayOf(summary.billingStartDate).slice(0, 7);
    const lastReported = Date.parse(`${dayOf(summary.lastModifiedDate)}T00:00:00Z`);
    const dayBefore = new Date(lastReported - 86_400_000).toISOString().slice(0, 10);
    expect(dayBefore.slice(0, 7)).toBe(period);
    const total = summary.totalCost ?? 0;
    await harness.store.spend.record({
      customerId,
      day: dayBefore,
      periodKey: period,
      totalCost: total - 50,
      currency: 'EUR',
      recordedAt: lastReported - 86_400_000,
    });
    const card = await usage('usage Alpine Ski House');
    const text = textOf(card);
    expect(text).toContain('"type":"Chart.VerticalBar"');
    expect(text).toContain('€50.00');
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
