import axios from 'axios';
import { GENERAL_CHANNEL, APPROVER, REQUESTER, type TeamsUser } from '../../support/teamsActivities';
import { adaptiveCardProblems } from '../../support/cardValidation';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread, actionOf, inputOf, textOf, type Card } from '../purchase/teamsDriver';

/**
 * Budget alerts and budgets in Teams, as their users meet them: `alerts on` in a channel, the
 * monitor's sweep against the simulator's spend, alert cards posted once per threshold and period
 * (and once for the forecast), acknowledged and snoozed; budgets set and cleared with amounts
 * checked first. Real bot over HTTP, real simulator, real SQLite; the fake connector is Teams.
 */

const SECOND = 1_000;

/** The id of the request a request card shows. */
function requestIdIn(card: Card | undefined): string {
  const found = /"requestId":"([^"]+)"/.exec(textOf(card));
  if (!found) throw new Error(`no request in ${textOf(card).slice(0, 300)}`);
  return found[1];
}

describe('budget alerts and budgets in Teams (HTTP, simulator, SQLite)', () => {
  let harness: PurchaseHarness;
  let offset = 0;

  beforeAll(async () => {
    harness = await startPurchaseHarness({ now: () => Date.now() + offset });
  });

  // Each test talks in a channel of its own: alerts are once per conversation, customer and period.
  let channel = GENERAL_CHANNEL;
  let channels = 0;

  beforeEach(async () => {
    await harness.simulator.reseed();
    channels += 1;
    channel = `19:spend-${channels}@thread.tacv2`;
  });

  afterAll(async () => {
    await harness.close();
  });

  const thread = (locale?: string) => new TeamsThread(harness, { locale, channelId: channel });

  async function customerId(name: string): Promise<string> {
    return (await harness.simulator.customer(name)).id;
  }

  /** The alerts raised in this test's channel for a customer. */
  async function alertsHere(name: string) {
    return harness.store.alerts.alerts({ customerId: await customerId(name), conversationKey: channel });
  }

  /** The newest request of a kind (a request that needs no approver shows no buttons to read it from). */
  async function latestRequest(kind: string): Promise<string> {
    const [request] = await harness.store.requests.list({ kind, limit: 1 });
    if (!request) throw new Error(`no ${kind} request`);
    return request.id;
  }

  async function setSpend(name: string, percentOfBudget: number): Promise<void> {
    await axios.put(`${harness.simulator.baseUrl}/_sim/customers/${await customerId(name)}/spend`, {
      percentOfBudget,
      dailyCost: 0,
    });
  }

  /** One monitor tick: the sweep, its checks, then the posts they queued. */
  async function sweep(): Promise<void> {
    offset += 60 * SECOND;
    await harness.domain.monitor.startSweep(Date.now() + offset);
    await harness.domain.spendQueue.tick();
    await harness.settle();
  }

  /** Alert cards posted as new threads in the general channel, in order. */
  function channelPosts(): Card[] {
    return harness.connector.calls
      .filter((c) => c.method === 'POST' && /^\/v3\/conversations\/?$/.test(c.path))
      .filter(
        (c) => (c.body?.channelData as { channel?: { id?: string } } | undefined)?.channel?.id === channel,
      )
      .map((c) => {
        const activity = c.body?.activity as { attachments?: Array<{ content: Card }> };
        return activity.attachments?.[0]?.content as Card;
      });
  }

  async function say(t: TeamsThread, text: string, user: TeamsUser = REQUESTER) {
    const [first] = await t.say(user, text);
    return { id: first.id, card: first.card as Card, text: first.text };
  }

  it('posts the 50, 80 and 100 % thresholds once each, and the forecast once with its date, however often it sweeps', async () => {
    await setSpend('Alpine Ski House', 10);
    const t = thread();
    const on = await say(t, 'alerts on Alpine Ski House');
    expect(textOf(on.card)).toContain(
      'Budget alerts for Alpine Ski House are on in this conversation, at 50%, 80%, 100%',
    );

    await sweep();
    await sweep();
    const forecast = channelPosts();
    // 10 % spent this early in the period heads well past the budget: said once, with when.
    expect(forecast).toHaveLength(1);
    expect(textOf(forecast[0])).toContain('Alpine Ski House is on course to exceed its Azure budget');
    expect(textOf(forecast[0])).toMatch(
      /At this pace the budget is reached around [A-Z][a-z]{2} \d{1,2}, \d{4}/,
    );
    expect(adaptiveCardProblems(forecast[0])).toEqual([]);

    for (const [percent, title] of [
      [55, 'Alpine Ski House has used 55% of its Azure budget'],
      [82, 'Alpine Ski House has used 82% of its Azure budget'],
      [101, 'Alpine Ski House has used 101% of its Azure budget'],
    ] as const) {
      await setSpend('Alpine Ski House', percent);
      await sweep();
      await sweep();
      const posts = channelPosts();
      expect(textOf(posts[posts.length - 1])).toContain(title);
    }
    expect(channelPosts()).toHaveLength(4);
    const alerts = await alertsHere('Alpine Ski House');
    expect(alerts.map((a) => `${a.kind}:${a.threshold}:${a.state}`).sort()).toEqual([
      'forecast:0:posted',
      'threshold:100:posted',
      'threshold:50:posted',
      'threshold:80:posted',
    ]);
  });

  it('takes numbers that end a customer\'s name as part of it ("Proseware 00002"), and the ones after it as thresholds', async () => {
    await harness.simulator.reseed(1001);
    const t = thread();
    const named = await say(t, 'alerts on Proseware 00002');
    expect(textOf(named.card)).toContain(
      'Budget alerts for Proseware 00002 are on in this conversation, at 50%, 80%, 100%',
    );
    const withThreshold = await say(t, 'alerts on Proseware 00002 75');
    expect(textOf(withThreshold.card)).toContain(
      'Budget alerts for Proseware 00002 are on in this conversation, at 75%',
    );
    // A name without numbers keeps its numbers as thresholds.
    const alpine = await say(t, 'alerts on Alpine Ski House 60');
    expect(textOf(alpine.card)).toContain(
      'Budget alerts for Alpine Ski House are on in this conversation, at 60%',
    );
    // A number out of the thresholds' range that ends a name is the name's.
    const beyond = await say(t, 'alerts on Blue Yonder Airlines 01001');
    expect(textOf(beyond.card)).toContain(
      'Budget alerts for Blue Yonder Airlines 01001 are on in this conversation, at 50%, 80%, 100%',
    );
    // One search decides, and the lookup that follows takes its answer.
    await harness.simulator.clearRequests();
    await say(t, 'alerts on Lamna Healthcare 00003 90');
    const searches = (await harness.simulator.requests()).filter((r) => r.path === '/v1/customers');
    expect(searches).toHaveLength(1);
    const off = await say(t, 'alerts off Proseware 00002');
    expect(textOf(off.card)).toContain('Budget alerts for Proseware 00002 are off in this conversation.');
    const offWithNumber = await say(t, 'alerts off Alpine Ski House 50');
    expect(textOf(offWithNumber.card)).toContain('Type alerts on [customer|all]');
    expect(textOf(offWithNumber.card)).not.toContain('are off');
    const outOfRange = await say(t, 'alerts on Alpine Ski House 2000');
    expect(textOf(outOfRange.card)).not.toContain('are on');
  });

  it('posts only the highest threshold a jump crosses, and says nothing for a customer it does not follow', async () => {
    await setSpend('Alpine Ski House', 90);
    await setSpend('Coho Winery', 130);
    const t = thread();
    await say(t, 'alerts on Alpine Ski House 50 80');
    await sweep();
    const posts = channelPosts();
    expect(posts).toHaveLength(1);
    expect(textOf(posts[0])).toContain('Alpine Ski House has used 90% of its Azure budget');
    expect(textOf(posts[0])).toContain('"Threshold","value":"80%"');
    const states = (await alertsHere('Alpine Ski House')).map((a) => `${a.threshold}:${a.state}`);
    // The 80 % card shows the forecast too: the forecast alert is recorded without a card of its own.
    expect(states.sort()).toEqual(['0:suppressed', '50:suppressed', '80:posted']);
    await expect(alertsHere('Coho Winery')).resolves.toEqual([]);
  });

  it('retries a post that Teams refused on a later tick, and posts it once', async () => {
    await setSpend('Alpine Ski House', 85);
    const t = thread();
    await say(t, 'alerts on Alpine Ski House 80');
    // Teams refuses the post once (the bot not yet in the team, say): no card, the alert waits.
    harness.connector.failNext(403, 1);
    await sweep();
    expect(channelPosts()).toHaveLength(0);
    const pending = (await alertsHere('Alpine Ski House')).find((a) => a.threshold === 80);
    if (!pending) throw new Error('no 80 % alert');
    expect(pending.state).toBe('pending');
    // The work queue waits before trying again; a minute later it has.
    offset += 60 * SECOND;
    await harness.settle();
    expect(channelPosts()).toHaveLength(1);
    await sweep();
    expect(channelPosts()).toHaveLength(1);
    expect((await harness.store.alerts.alert(pending.id))?.state).toBe('posted');
  });

  it('shows who acknowledged an alert, keeps the first acknowledgement, and a snooze silences the rest of the period', async () => {
    await setSpend('Alpine Ski House', 60);
    const t = thread();
    await say(t, 'alerts on Alpine Ski House 50 80');
    await sweep();
    const [card] = channelPosts();
    const posted = (await alertsHere('Alpine Ski House')).find((a) => a.state === 'posted')?.posted;
    if (!posted) throw new Error('the alert was not posted');
    const alertThread = new TeamsThread(harness, { conversationId: posted.conversationKey });

    const acked = await alertThread.click(APPROVER, posted.activityId, actionOf(card, { verb: 'alert.ack' }));
    expect(textOf(acked.card)).toContain('Acknowledged by Adele Vance on');
    const again = await alertThread.click(
      REQUESTER,
      posted.activityId,
      actionOf(card, { verb: 'alert.ack' }),
    );
    expect(textOf(again.card)).toContain('Acknowledged by Adele Vance on');
    expect(textOf(again.card)).not.toContain('Megan Bowen');
    const audit = await harness.store.audit.list({ customerId: await customerId('Alpine Ski House') });
    expect(audit.filter((e) => e.action === 'alert.acknowledge')).toHaveLength(1);

    const snoozed = await alertThread.click(
      REQUESTER,
      posted.activityId,
      actionOf(card, { verb: 'alert.snooze' }),
    );
    expect(textOf(snoozed.card)).toContain('Snoozed for this billing period by Megan Bowen');
    await setSpend('Alpine Ski House', 95);
    await sweep();
    expect(channelPosts()).toHaveLength(1);
    const eighty = (await alertsHere('Alpine Ski House')).find((a) => a.threshold === 80);
    expect(eighty?.state).toBe('suppressed');

    // The same action sent from another conversation is refused: the card's data is not trusted.
    const other = new TeamsThread(harness, { channelId: '19:another-team-channel@thread.tacv2' });
    const elsewhere = await other.click(REQUESTER, 'activity-1', actionOf(card, { verb: 'alert.ack' }));
    expect(elsewhere.statusCode).toBe(403);
  });

  it('lists what the conversation follows and turns alerts off', async () => {
    const t = thread();
    await say(t, 'alerts on all 75');
    await say(t, 'alerts on Coho Winery');
    const list = await say(t, 'alerts list');
    expect(textOf(list.card)).toContain('every customer: 75%');
    expect(textOf(list.card)).toContain('Coho Winery: 50%, 80%, 100%');
    const off = await say(t, 'alerts off all');
    expect(textOf(off.card)).toContain('Budget alerts for every customer are off in this conversation.');
    const none = await say(t, 'alerts off all');
    expect(textOf(none.card)).toContain('This conversation had no budget alerts for every customer.');
    const bad = await say(t, 'alerts on all 0 80');
    expect(textOf(bad.card)).toContain('Thresholds are percentages from 1 to 1000');
  });

  it('in French: alertes activer, and the alert card in French', async () => {
    await setSpend('Alpine Ski House', 85);
    const t = thread('fr-FR');
    const on = await say(t, 'alertes activer Alpine Ski House 80');
    expect(textOf(on.card)).toContain('Les alertes de budget pour Alpine Ski House sont activées');
    await sweep();
    const [card] = channelPosts();
    expect(textOf(card)).toMatch(/Alpine Ski House a consommé 85\s?% de son budget Azure/);
    expect(textOf(card)).toContain('Prendre en compte');
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  describe('budgets', () => {
    it('refuses bad amounts under the field, then sets the budget without an approver', async () => {
      const t = thread();
      const first = await say(t, 'budget Alpine Ski House set -5');
      expect(textOf(first.card)).toContain('The budget must be more than zero.');
      expect(inputOf(first.card, 'amount').value).toBe('-5');
      let card = first.card;
      const id = first.id;
      for (const [typed, error] of [
        ['12.345', 'Use at most two decimals.'],
        ['1500 USD', 'The budget is in EUR, the customer'],
        ['lots', '\\"lots\\" is not an amount.'],
      ] as const) {
        const answer = await t.click(REQUESTER, id, actionOf(card, { action: 'submit' }), { amount: typed });
        card = answer.card as Card;
        expect(textOf(card)).toContain(error);
      }
      const confirm = await t.click(REQUESTER, id, actionOf(card, { action: 'submit' }), {
        amount: '1,500.50',
      });
      expect(textOf(confirm.card)).toContain('Set the spending budget of Alpine Ski House to €1,500.50?');
      const done = await t.click(REQUESTER, id, actionOf(confirm.card as Card, { action: 'submit' }));
      expect(textOf(done.card)).toContain('Spending budget of Alpine Ski House');
      const requestId = await latestRequest('set-budget');
      expect(requestId).not.toBe('');
      await harness.until(requestId, (r) => r.state === 'succeeded');
      const spend = await axios.get<{ budget: number | null }>(
        `${harness.simulator.baseUrl}/_sim/customers/${await customerId('Alpine Ski House')}/spend`,
      );
      expect(spend.data.budget).toBe(1500.5);
    });

    it('goes Back from the confirmation to the amount, asked again, and on to a new one', async () => {
      const t = thread();
      const made = async () => (await harness.store.requests.list({ kind: 'set-budget' })).length;
      const before = await made();
      const confirm = await say(t, 'budget Alpine Ski House set 2000');
      expect(textOf(confirm.card)).toContain('Step 3 of 3');
      expect(textOf(confirm.card)).toContain('€2,000.00');
      const back = await t.click(REQUESTER, confirm.id, actionOf(confirm.card, { action: 'back' }));
      const amount = back.card as Card;
      expect(textOf(amount)).toContain('Step 2 of 3');
      expect(inputOf(amount, 'amount').value).toBe('');
      const next = await t.click(REQUESTER, confirm.id, actionOf(amount, { action: 'submit' }), {
        amount: '2500',
      });
      expect(textOf(next.card)).toContain('Set the spending budget of Alpine Ski House to €2,500.00?');

      // Back from the amount is the customer, kept; kept again, then Back from the confirmation
      // is still the amount (not the customer: the earlier Back does not stick).
      const amount2 = await t.click(REQUESTER, confirm.id, actionOf(next.card as Card, { action: 'back' }));
      expect(textOf(amount2.card)).toContain('Step 2 of 3');
      const customer = await t.click(
        REQUESTER,
        confirm.id,
        actionOf(amount2.card as Card, { action: 'back' }),
      );
      const picker = customer.card as Card;
      expect(textOf(picker)).toContain('Step 1 of 3');
      const alpine = await customerId('Alpine Ski House');
      const kept = await t.click(REQUESTER, confirm.id, actionOf(picker, { action: 'select' }), {
        customerId: alpine,
      });
      const typed = await t.click(REQUESTER, confirm.id, actionOf(kept.card as Card, { action: 'submit' }), {
        amount: '3000',
      });
      const backToAmount = await t.click(
        REQUESTER,
        confirm.id,
        actionOf(typed.card as Card, { action: 'back' }),
      );
      expect(textOf(backToAmount.card)).toContain('Step 2 of 3');
      expect(inputOf(backToAmount.card as Card, 'amount').label).toContain('New budget');

      // Nothing was asked of anyone: no request until the confirmation is submitted.
      expect(await made()).toBe(before);
    });

    it('clears the budget after a confirmation', async () => {
      const t = thread();
      const shown = await say(t, 'budget Alpine Ski House');
      expect(textOf(shown.card)).toContain('€1,000.00');
      const confirm = await say(t, 'budget Alpine Ski House clear');
      expect(textOf(confirm.card)).toContain('Remove the spending budget of Alpine Ski House?');
      const done = await t.click(REQUESTER, confirm.id, actionOf(confirm.card, { action: 'submit' }));
      expect(textOf(done.card)).toContain('Spending budget of Alpine Ski House');
      const requestId = await latestRequest('set-budget');
      await harness.until(requestId, (r) => r.state === 'succeeded');
      const spend = await axios.get<{ budget: number | null }>(
        `${harness.simulator.baseUrl}/_sim/customers/${await customerId('Alpine Ski House')}/spend`,
      );
      expect(spend.data.budget).toBeNull();
    });

    it('raises the budget from an alert through an approver', async () => {
      await setSpend('Alpine Ski House', 85);
      const t = thread();
      await say(t, 'alerts on Alpine Ski House 80');
      await sweep();
      const [card] = channelPosts();
      const posted = (await alertsHere('Alpine Ski House')).find((a) => a.state === 'posted')?.posted;
      if (!posted) throw new Error('not posted');
      const alertThread = new TeamsThread(harness, { conversationId: posted.conversationKey });
      const before = alertThread.sentHere().length;
      await alertThread.click(REQUESTER, posted.activityId, actionOf(card, { verb: 'alert.raise' }));
      const prompt = alertThread
        .sentHere()
        .slice(before)
        .find((s) => s.method === 'POST');
      expect(textOf(prompt?.card)).toContain('At the current pace the period ends around');
      const confirm = await alertThread.click(
        REQUESTER,
        prompt?.id ?? '',
        actionOf(prompt?.card as Card, { action: 'submit' }),
        { amount: '2000' },
      );
      expect(textOf(confirm.card)).toContain(
        'Raise the spending budget of Alpine Ski House to €2,000.00? An approver decides.',
      );
      const requested = await alertThread.click(
        REQUESTER,
        prompt?.id ?? '',
        actionOf(confirm.card as Card, { action: 'submit' }),
      );
      const requestId = requestIdIn(requested.card);
      const request = await harness.requests.get(requestId);
      expect(request).toMatchObject({ kind: 'raise-budget', state: 'requested' });
      const approved = await alertThread.click(APPROVER, prompt?.id ?? '', {
        verb: 'request.approve',
        requestId,
        version: request?.version ?? 0,
        origin: 'card',
      });
      expect(textOf(approved.card)).toContain('Approved');
      await harness.until(requestId, (r) => r.state === 'succeeded');
      const spend = await axios.get<{ budget: number | null }>(
        `${harness.simulator.baseUrl}/_sim/customers/${await customerId('Alpine Ski House')}/spend`,
      );
      expect(spend.data.budget).toBe(2000);
    });
  });
});
