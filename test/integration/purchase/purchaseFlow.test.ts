import {
  APPROVALS_CHANNEL,
  APPROVER,
  OUTSIDER,
  REQUESTER,
  TENANT_ID,
  cardAction,
  type TeamsUser,
} from '../../support/teamsActivities';
import { startPurchaseHarness, type PurchaseHarness } from './harness';
import { requestPurchase } from '../bot/purchaseThroughTeams';
import { TeamsThread, actionOf, choicesOf, inputOf, textOf, type InvokeAnswer } from './teamsDriver';

const AZURE_PLAN = 'DZH318Z0BPS6';
const COMMERCIAL = 'DZH318Z0BML6';

describe('buying an Azure plan in Teams (HTTP, simulator, SQLite)', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    // Megan and Lee may buy (two people buying in one thread); Adele approves (sandbox default).
    harness = await startPurchaseHarness({
      orderCompletionDelayMs: 1_000,
      env: { ROLE_REQUESTERS: `${REQUESTER.aadObjectId},${OUTSIDER.aadObjectId}` },
    });
  });

  beforeEach(async () => {
    await harness.simulator.reseed();
  });

  afterEach(async () => {
    await harness.settle();
  });

  afterAll(async () => {
    await harness.close();
  });

  const thread = () => new TeamsThread(harness);

  /** `buy <query>` by Megan; returns the card the bot posted and its activity id. */
  async function startBuying(t: TeamsThread, query: string, user: TeamsUser = REQUESTER) {
    const sent = await t.say(user, `buy ${query}`);
    expect(sent).toHaveLength(1);
    const [first] = sent;
    if (!first.card) throw new Error(`expected a card, got ${JSON.stringify(first)}`);
    return { cardId: first.id, card: first.card };
  }

  /** Drives a customer (one match) through the catalog to a submitted request. */
  async function submitRequest(t: TeamsThread, customer: string, requester: TeamsUser = REQUESTER) {
    // The Azure plan is the only product on sale (the legacy offer is not): the first card asks
    // for the availability.
    const { cardId, card: availabilityPicker } = await startBuying(t, customer, requester);
    const confirm = required(
      (
        await t.click(
          requester,
          cardId,
          actionOf(availabilityPicker, { action: 'select' }),
          { choice: COMMERCIAL },
          'availability picked',
        )
      ).card,
    );
    const submitted = await t.click(
      requester,
      cardId,
      actionOf(confirm, { action: 'submit' }),
      {},
      'submitted',
    );
    const requestId = String(actionOf(required(submitted.card), { verb: 'request.cancel' }).requestId);
    return { cardId, requestId, requesterCard: required(submitted.card) };
  }

  async function customerId(name: string): Promise<string> {
    return (await harness.simulator.customer(name)).id;
  }

  /** A request card's action as the card showing the request's current version carries it. */
  async function requestAction(
    verb: string,
    requestId: string,
  ): Promise<Record<string, unknown> & { verb: string }> {
    const request = await harness.requests.get(requestId);
    return { verb, requestId, version: request?.version ?? 0, origin: 'card' };
  }

  it('takes a purchase from "buy contoso" to a completed Azure plan, as two Teams users', async () => {
    const t = thread();
    await t.say(APPROVER, 'requests'); // Adele has talked to the bot: her MRI is known

    // Several customers match: the picker offers them.
    const { cardId, card: picker } = await startBuying(t, 'contoso');
    expect(textOf(picker)).toContain('Several customers match');
    const pharma = await customerId('Contoso Pharmaceuticals');
    expect(choicesOf(picker, 'customerId')).toEqual(
      expect.arrayContaining([pharma, await customerId('Contoso France')]),
    );
    expect(inputOf(picker, 'customerId')['choices.data']).toEqual({
      type: 'Data.Query',
      dataset: 'customers',
    });

    // Each step answers the invoke with the next card: the same card, updated in place.
    const products = await t.click(
      REQUESTER,
      cardId,
      actionOf(picker, { action: 'select' }),
      { customerId: pharma },
      'customer picked',
    );
    // The Azure plan is the only product on sale: taken and shown, with why the legacy offer is not.
    const availabilityPicker = required(products.card);
    expect(textOf(availabilityPicker)).toContain('Microsoft Azure plan (the only choice)');
    expect(textOf(availabilityPicker)).toContain('Microsoft Azure (MS-AZR-0145P) is not offered');
    expect(choicesOf(availabilityPicker, 'choice')).toContain(COMMERCIAL);
    const confirmation = await t.click(
      REQUESTER,
      cardId,
      actionOf(availabilityPicker, { action: 'select' }),
      { choice: COMMERCIAL },
      'availability picked',
    );
    const confirm = required(confirmation.card);
    for (const expected of [
      'Contoso Pharmaceuticals',
      'US',
      'USD',
      'Microsoft Azure plan',
      `${AZURE_PLAN}:0001:${COMMERCIAL}`,
      'One-time purchase',
      'Submit for approval',
    ]) {
      expect(textOf(confirm)).toContain(expected);
    }
    expect(t.sentHere().filter((s) => s.method === 'POST')).toHaveLength(2); // "requests" answer + the picker

    // Submit: the confirmation card becomes the request card, for everyone.
    const submitted = await t.click(
      REQUESTER,
      cardId,
      actionOf(confirm, { action: 'submit' }),
      {},
      'submitted',
    );
    const requesterView = required(submitted.card);
    const requestId = String(actionOf(requesterView, { verb: 'request.cancel' }).requestId);
    expect(() => actionOf(requesterView, { verb: 'request.approve' })).toThrow();
    const shared = t.sentHere().filter((s) => s.method === 'PUT' && s.id === cardId);
    expect(shared).toHaveLength(1);
    const sharedCard = required(shared[0].card);
    expect(sharedCard.refresh?.action.verb).toBe('request.refresh');
    expect(sharedCard.refresh?.userIds).toEqual([REQUESTER.id, APPROVER.id]);
    expect((await harness.requests.get(requestId))?.activityId).toBe(cardId);

    // Adele's client refreshes: she sees Approve and Reject; Lee (not an approver) reads only.
    const refresh = required(sharedCard.refresh).action;
    const adeleView = required(
      (await t.click(APPROVER, cardId, { verb: refresh.verb, ...refresh.data }, {}, 'refresh (approver)'))
        .card,
    );
    actionOf(adeleView, { verb: 'request.approve' });
    actionOf(adeleView, { verb: 'request.reject' });
    const leeView = required(
      (await t.click(OUTSIDER, cardId, { verb: 'request.refresh', requestId }, {}, 'refresh (reader)')).card,
    );
    expect(() => actionOf(leeView, { verb: 'request.approve' })).toThrow();

    // Adele approves; the domain executes in the background.
    const approved = await t.click(
      APPROVER,
      cardId,
      actionOf(adeleView, { verb: 'request.approve' }),
      {},
      'approved',
    );
    expect(textOf(approved.card)).toContain('Approved. I am carrying it out with Partner Center.');
    await harness.settle();
    const placed = await harness.requests.get(requestId);
    expect(placed?.state).toBe('executing');
    expect(t.sentHere().some((s) => s.method === 'POST' && /Order .* placed/.test(s.text ?? ''))).toBe(true);

    // The order completes (simulated time), the next poll notices, everyone's card says so.
    await harness.simulator.advanceClock(5_000);
    const done = await harness.until(requestId, (r) => r.state === 'succeeded');
    expect(done.state).toBe('succeeded');
    const result = done.result as { planSubscriptionId: string; azureSubscriptionIds: string[] };
    const completion = t.sentHere().find((s) => s.method === 'POST' && (s.text ?? '').includes('is ready'));
    expect(completion?.text).toContain(result.planSubscriptionId);
    // It @mentions the requester and says where to see the result.
    expect(completion?.text).toMatch(/^<at>Megan Bowen<\/at> /);
    const body = harness.connector.calls.find((c) => c.body?.text === completion?.text)?.body;
    expect(body?.entities).toEqual([
      { type: 'mention', text: '<at>Megan Bowen</at>', mentioned: { id: REQUESTER.id, name: 'Megan Bowen' } },
    ]);
    expect(completion?.text).toContain(
      `[Open the customer in Partner Center](https://partner.microsoft.com/dashboard/v2/customers/${pharma}/account)`,
    );
    for (const id of result.azureSubscriptionIds) {
      expect(completion?.text).toContain(
        `https://portal.azure.com/#@${pharma}/resource/subscriptions/${id}/overview`,
      );
    }
    const lastUpdate = t
      .sentHere()
      .filter((s) => s.method === 'PUT' && s.id === cardId)
      .pop();
    expect(textOf(lastUpdate?.card)).toContain('Completed');
    expect(textOf(lastUpdate?.card)).toContain(result.planSubscriptionId);

    // Exactly one cart, one checkout, one order in Partner Center.
    const log = await harness.simulator.requests();
    const mine = log.filter((r) => r.path.toLowerCase().includes(pharma.toLowerCase()));
    expect(mine.filter((r) => r.method === 'POST' && /\/carts$/i.test(r.path))).toHaveLength(1);
    expect(mine.filter((r) => r.method === 'POST' && /\/checkout$/i.test(r.path))).toHaveLength(1);
    const orderIds = new Set(mine.flatMap((r) => /\/orders\/([^/?]+)/i.exec(r.path)?.[1] ?? []));
    expect(orderIds.size).toBe(1);
    const [orderId] = [...orderIds];

    // `orders`: Partner Center does not list the new order yet; our records do, marked as such.
    const [list] = await t.say(REQUESTER, 'orders Contoso Pharmaceuticals');
    expect(textOf(list.card)).toContain(orderId);
    expect(textOf(list.card)).toContain('Partner Center does not list it yet');
    // `order <id>`: found by id (the customer from our records), with its line and provisioning.
    const [order] = await t.say(REQUESTER, `order ${orderId}`);
    expect(textOf(order.card)).toContain('"Completed"');
    expect(textOf(order.card)).not.toContain('"completed"');
    expect(textOf(order.card)).toContain('#1 ');
    expect(textOf(order.card)).toContain(result.planSubscriptionId);
    expect(textOf(order.card)).toContain('Provisioning');
  });

  it('executes one order when an approver clicks Approve ten times at once', async () => {
    const t = thread();
    await t.say(APPROVER, 'requests');
    const { cardId, requestId } = await submitRequest(t, 'Contoso France');
    const approve = await requestAction('request.approve', requestId);
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.click(APPROVER, cardId, approve)));
    expect(answers.every((a) => a.status === 200 && a.card)).toBe(true);
    expect(answers.filter((a) => textOf(a.card).includes('Approved. I am carrying it out'))).toHaveLength(1);
    // The nine others acted on a card that no longer showed the request as it was.
    expect(
      answers.filter((a) => /no longer waiting for a decision|card was out of date/.test(textOf(a.card))),
    ).toHaveLength(9);
    await harness.settle();
    const france = await customerId('Contoso France');
    const log = await harness.simulator.requests();
    const checkouts = log.filter(
      (r) => r.method === 'POST' && /\/checkout$/i.test(r.path) && r.path.includes(france),
    );
    expect(checkouts).toHaveLength(1);
    const audit = await harness.store.audit.list({ requestId });
    expect(audit.filter((a) => a.action === 'request.approve')).toHaveLength(1);
  });

  it('answers the approver’s click before it updates the other cards, and updates them once Teams answers', async () => {
    const t = thread();
    await t.say(APPROVER, 'requests');
    const { cardId, requestId } = await submitRequest(t, 'Contoso France');
    const before = t.sentHere().filter((s) => s.method === 'PUT' && s.id === cardId).length;
    const release = harness.connector.hold(); // Teams does not answer the bot's calls for now
    try {
      const approved = await t.click(APPROVER, cardId, await requestAction('request.approve', requestId));
      expect(approved.status).toBe(200);
      expect(textOf(approved.card)).toContain('Approved. I am carrying it out with Partner Center.');
      expect(t.sentHere().filter((s) => s.method === 'PUT' && s.id === cardId)).toHaveLength(before);
    } finally {
      release();
    }
    await harness.settle();
    const updates = t.sentHere().filter((s) => s.method === 'PUT' && s.id === cardId);
    expect(updates.length).toBeGreaterThan(before);
    expect(textOf(updates.at(-1)?.card)).toContain('Adele Vance');
  });

  it('refuses the requester approving their own request, even an approver, and a non-approver approving', async () => {
    const t = thread();
    await t.say(REQUESTER, 'requests');
    const { cardId, requestId } = await submitRequest(t, 'Contoso France', APPROVER);
    const approve = await requestAction('request.approve', requestId);

    const own = await t.click(APPROVER, cardId, approve, {}, 'own approval (refused)');
    expect(own.status).toBe(200);
    expect(textOf(own.card)).toContain('You cannot approve or reject your own request.');
    for (const user of [REQUESTER, OUTSIDER]) {
      const refused = await t.click(user, cardId, approve, {}, 'non-approver (refused)');
      expect(textOf(refused.card)).toContain('You need the Approver role');
    }
    expect((await harness.requests.get(requestId))?.state).toBe('requested');
    // Each refusal is audited (who, why), and nothing else happened to the request.
    const audit = await harness.store.audit.list({ requestId });
    expect(audit.map((a) => [a.action, a.outcome, a.actorName]).reverse()).toEqual([
      ['request.create', 'requested', 'Adele Vance'],
      ['request.approve.refused', 'own-request', 'Adele Vance'],
      ['request.approve.refused', 'not-approver', 'Megan Bowen'],
      ['request.approve.refused', 'not-approver', 'Lee Gu'],
    ]);
  });

  it('rejects with a reason the approver types on the card', async () => {
    const t = thread();
    await t.say(APPROVER, 'requests');
    const { cardId, requestId } = await submitRequest(t, 'Contoso France');
    const asked = await t.click(
      APPROVER,
      cardId,
      await requestAction('request.reject', requestId),
      {},
      'reject (asks reason)',
    );
    const reasonCard = required(asked.card);
    expect(inputOf(reasonCard, 'reason').type).toBe('Input.Text');
    expect((await harness.requests.get(requestId))?.state).toBe('requested');

    const rejected = await t.click(
      APPROVER,
      cardId,
      actionOf(reasonCard, { verb: 'request.rejectConfirm' }),
      { reason: 'Wrong customer' },
      'reject confirmed',
    );
    expect(textOf(rejected.card)).toContain('Rejected');
    const stored = await harness.requests.get(requestId);
    expect(stored?.state).toBe('rejected');
    expect(stored?.reason).toBe('Wrong customer');
    await harness.settle(); // the other cards are updated after the click is answered
    const update = t
      .sentHere()
      .filter((s) => s.method === 'PUT' && s.id === cardId)
      .pop();
    expect(textOf(update?.card)).toContain('Wrong customer');
    expect(update?.card?.refresh).toBeUndefined();
    const told = t.sentHere().find((s) => s.method === 'POST' && (s.text ?? '').includes('rejected'));
    expect(told?.text).toBe(
      'Adele Vance rejected Azure plan purchase for Contoso France: Wrong customer. Nothing was changed.',
    );
  });

  it('lets the requester cancel their request', async () => {
    const t = thread();
    const { cardId, requestId, requesterCard } = await submitRequest(t, 'Contoso France');
    const cancelled = await t.click(
      REQUESTER,
      cardId,
      actionOf(requesterCard, { verb: 'request.cancel' }),
      {},
      'cancelled',
    );
    expect(textOf(cancelled.card)).toContain('Cancelled');
    expect((await harness.requests.get(requestId))?.state).toBe('cancelled');
    const again = await t.click(APPROVER, cardId, await requestAction('request.approve', requestId));
    expect(textOf(again.card)).toContain('no longer waiting for a decision');
  });

  it('refuses forged and replayed picker submissions and changes nothing', async () => {
    const t = thread();
    const { cardId, card: customerPicker } = await startBuying(t, 'contoso');
    const select = actionOf(customerPicker, { action: 'select' });
    const france = await customerId('Contoso France');
    // Refused in words to the one who clicked; the card (maybe someone else's) stays as it is.
    const refused = (answer: InvokeAnswer) => {
      expect(answer.status).toBe(200);
      expect(answer.card).toBeUndefined();
      expect(answer.message).toContain('nothing was changed.');
    };

    refused(
      await t.click(
        REQUESTER,
        cardId,
        { ...select, token: 'forged-token' },
        { customerId: france },
        'forged token',
      ),
    );
    refused(await t.click(REQUESTER, cardId, select, { customerId: 'NOT-OFFERED' }, 'choice not offered'));
    refused(
      await t.click(
        REQUESTER,
        cardId,
        { ...select, action: 'submit' },
        { customerId: france },
        'action not offered',
      ),
    );
    refused(await t.click(APPROVER, cardId, select, { customerId: france }, "someone else's card"));

    const next = await t.click(REQUESTER, cardId, select, { customerId: france }, 'customer picked');
    const availabilityPicker = required(next.card);
    refused(await t.click(REQUESTER, cardId, select, { customerId: france }, 'replayed submission'));
    const availabilitySelect = actionOf(availabilityPicker, { action: 'select' });
    refused(await t.click(REQUESTER, cardId, availabilitySelect, { choice: france }, 'old step value'));

    const confirm = await t.click(
      REQUESTER,
      cardId,
      availabilitySelect,
      { choice: COMMERCIAL },
      'availability picked',
    );
    expect(textOf(confirm.card)).toContain('Confirm the purchase');
    expect(t.sentHere()).toHaveLength(1); // nothing but the first card was ever posted or updated
  });

  it('lists open requests and lets an approver approve from the list', async () => {
    const t = thread();
    await t.say(APPROVER, 'whoami');
    const { cardId, requestId } = await submitRequest(t, 'Contoso France');
    const [list] = await t.say(APPROVER, 'requests');
    const listCard = required(list.card);
    expect(textOf(listCard)).toContain('Azure plan purchase for Contoso France');
    const approve = actionOf(listCard, { verb: 'request.approve' });
    expect(approve.requestId).toBe(requestId);
    const [megansList] = await t.say(REQUESTER, 'demandes');
    expect(actionOf(required(megansList.card), { verb: 'request.cancel' }).requestId).toBe(requestId);
    expect(() => actionOf(required(megansList.card), { verb: 'request.approve' })).toThrow();

    const answer = await t.click(APPROVER, list.id, approve, {}, 'approved from the list');
    expect(textOf(answer.card)).toContain('Open requests');
    expect(textOf(answer.card)).toContain('Approved. I am carrying it out with Partner Center.');
    expect((await harness.requests.get(requestId))?.state).not.toBe('requested');
    await harness.settle();
    // The request's own card is updated for everyone too.
    expect(
      t
        .sentHere()
        .some((s) => s.method === 'PUT' && s.id === cardId && textOf(s.card).includes('Adele Vance')),
    ).toBe(true);
  });

  it('accepts an Action.Submit (no Universal Actions) and updates the submitted card', async () => {
    const t = thread();
    const { cardId, card: availabilityPicker } = await startBuying(t, 'Contoso France');
    const { verb: _verb, ...data } = actionOf(availabilityPicker, { action: 'select' });
    expect(await t.submit(REQUESTER, cardId, { ...data, choice: COMMERCIAL })).toBe(200);
    const update = t.sentHere().filter((s) => s.method === 'PUT' && s.id === cardId);
    expect(update).toHaveLength(1);
    expect(textOf(update[0].card)).toContain('Confirm the purchase');
    expect(await t.submit(REQUESTER, cardId, { ...data, choice: COMMERCIAL })).toBe(200);
    const refusal = t.sentHere().pop();
    expect(refusal?.method).toBe('POST');
    expect(refusal?.text).toContain('nothing was changed');
  });

  it('speaks French to a French client', async () => {
    const t = new TeamsThread(harness, { locale: 'fr-FR' });
    const [first] = await t.say(REQUESTER, 'acheter contoso');
    expect(textOf(first.card)).toContain('Plusieurs clients correspondent à « contoso »');
    const france = await customerId('Contoso France');
    const next = await t.click(REQUESTER, first.id, actionOf(required(first.card), { action: 'select' }), {
      customerId: france,
    });
    expect(textOf(next.card)).toContain('Choisissez la disponibilité');
    const [wingtip] = await t.say(REQUESTER, 'acheter Wingtip Toys');
    expect(textOf(wingtip.card)).toContain('ne peut pas acheter de plan Azure');
  });

  it('creates one request when Submit is clicked twice at once', async () => {
    const t = thread();
    const { cardId, card: availabilityPicker } = await startBuying(t, 'Contoso France');
    const confirm = required(
      (
        await t.click(REQUESTER, cardId, actionOf(availabilityPicker, { action: 'select' }), {
          choice: COMMERCIAL,
        })
      ).card,
    );
    const before = (await harness.store.requests.list({ customerId: await customerId('Contoso France') }))
      .length;
    const submit = actionOf(confirm, { action: 'submit' });
    const answers = await Promise.all([1, 2, 3].map(() => t.click(REQUESTER, cardId, submit)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.filter((a) => a.card !== undefined)).toHaveLength(1);
    expect(answers.filter((a) => (a.message ?? '').includes('nothing was changed'))).toHaveLength(2);
    const after = await harness.store.requests.list({ customerId: await customerId('Contoso France') });
    expect(after.length - before).toBe(1);
  });

  it('keeps two people buying in the same channel thread apart', async () => {
    const t = thread();
    const megan = await startBuying(t, 'Contoso France');
    const lee = await startBuying(t, 'Contoso Pharmaceuticals', OUTSIDER);
    const meganSelect = actionOf(megan.card, { action: 'select' });
    const leeSelect = actionOf(lee.card, { action: 'select' });
    expect(meganSelect.token).not.toBe(leeSelect.token);

    const leeNext = await t.click(OUTSIDER, lee.cardId, leeSelect, { choice: COMMERCIAL });
    expect(textOf(leeNext.card)).toContain('Contoso Pharmaceuticals');
    const meganNext = await t.click(REQUESTER, megan.cardId, meganSelect, { choice: COMMERCIAL });
    expect(textOf(meganNext.card)).toContain('Contoso France');
    expect(textOf(meganNext.card)).not.toContain('Contoso Pharmaceuticals');
    // Neither can drive the other's card: the one who tried is told, Lee's card stays as it is.
    const meddling = await t.click(
      REQUESTER,
      lee.cardId,
      actionOf(required(leeNext.card), { action: 'submit' }),
      {},
    );
    expect(meddling.card).toBeUndefined();
    expect(meddling.message).toContain('nothing was changed');
  });

  it('offers the customer picker when an orders look-up matches several, then shows the orders', async () => {
    const t = thread();
    const [several] = await t.say(REQUESTER, 'orders contoso');
    const picker = required(several.card);
    expect(textOf(picker)).toContain('Several customers match');
    const france = await customerId('Contoso France');
    expect(choicesOf(picker, 'customerId')).toEqual(expect.arrayContaining([france]));
    const orders = await t.click(REQUESTER, several.id, actionOf(picker, { action: 'select' }), {
      customerId: france,
    });
    expect(textOf(orders.card)).toContain('Orders of Contoso France');
    const [none] = await t.say(REQUESTER, 'orders zzz-nobody');
    expect(textOf(none.card)).toContain('No customer matches');
    expect(textOf(none.card)).toContain('zzz-nobody');
  });

  it('offers the near misses of a typo ("Contso") as "Did you mean"', async () => {
    const t = thread();
    const [answer] = await t.say(REQUESTER, 'buy Contso');
    const picker = required(answer.card);
    expect(textOf(picker)).toContain('No customer matches \\"Contso\\". Did you mean one of these?');
    expect(choicesOf(picker, 'customerId').sort()).toEqual(
      [await customerId('Contoso France'), await customerId('Contoso Pharmaceuticals')].sort(),
    );
    const [nothing] = await t.say(REQUESTER, 'orders zzzzzzzz');
    expect(textOf(nothing.card)).toContain('No customer matches');
  });

  it('understands "buy <product> for <customer>": says it sells Azure plans only, and goes on for that customer', async () => {
    const t = thread();
    const [notice, picker] = await t.say(REQUESTER, 'buy Microsoft 365 E3 for Contoso France');
    expect(textOf(notice.card)).toContain(
      'I buy Azure plans only: \\"Microsoft 365 E3\\" is not something I can order.',
    );
    expect(textOf(picker.card)).toContain('Contoso France');
    expect(textOf(picker.card)).toContain('Choose the availability');
    const [plain] = await t.say(REQUESTER, 'buy an Azure plan for Contoso France');
    expect(textOf(plain.card)).toContain('Choose the availability');
  });

  it('sends a customer with a legacy MS-AZR-0145P subscription to the upgrade flow', async () => {
    const t = thread();
    const { card } = await startBuying(t, 'Wingtip Toys');
    expect(textOf(card)).toContain('MS-AZR-0145P');
    expect(textOf(card)).toContain('upgrade Wingtip Toys');
    expect(card.actions ?? []).toHaveLength(0);
  });

  it('answers the customer typeahead and accepts a customer it offered', async () => {
    const t = thread();
    const { cardId, card: picker } = await startBuying(t, 'zzz-nobody');
    expect(textOf(picker)).toContain('No customer matches');
    // No static choice to show: the typeahead and the search box remain.
    expect(() => inputOf(picker, 'customerId')).toThrow();
    const france = await customerId('Contoso France');
    const select = actionOf(picker, { action: 'select' });
    // A customer neither the picker nor a search offered is refused, even a real one.
    const unoffered = await t.click(
      REQUESTER,
      cardId,
      select,
      { customerId: france },
      'customer not offered',
    );
    expect(unoffered.card).toBeUndefined();
    expect(unoffered.message).toContain('did not come from a card I showed you');
    const search = await harness.post({
      ...cardAction(
        'unused',
        {},
        {
          serviceUrl: harness.connector.serviceUrl,
          user: REQUESTER,
          conversationType: 'channel',
          conversationId: t.conversationId,
        },
      ),
      name: 'application/search',
      value: { queryText: 'contoso fr', queryOptions: { skip: 0, top: 15 }, dataset: 'customers' },
    });
    expect(search.json).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.search.searchResponse',
    });
    const results = (search.json as { value: { results: Array<{ title: string; value: string }> } }).value
      .results;
    expect(results).toEqual([{ title: 'Contoso France (contosofrance.onmicrosoft.com)', value: france }]);

    const picked = await t.click(
      REQUESTER,
      cardId,
      select,
      { customerId: france },
      'typeahead customer picked',
    );
    expect(choicesOf(required(picked.card), 'choice')).toContain(COMMERCIAL);
  });

  it('tells a customer without the MCA so and lets an operator record the attestation', async () => {
    const t = thread();
    const { cardId, card } = await startBuying(t, 'Woodgrove Bank');
    expect(textOf(card)).toContain('has not accepted the Microsoft Customer Agreement');
    const attested = await t.click(
      REQUESTER,
      cardId,
      actionOf(card, { action: 'attest' }),
      {
        firstName: 'Amelia',
        lastName: 'Clarke',
        email: 'amelia.clarke@woodgrovebank.onmicrosoft.com',
        phoneNumber: '',
        dateAgreed: '2025-01-15',
      },
      'MCA attestation recorded',
    );
    expect(textOf(attested.card)).toContain('Attestation recorded for Woodgrove Bank.');
    expect(choicesOf(required(attested.card), 'choice')).toContain(COMMERCIAL);
    const audit = await harness.store.audit.list({ customerId: await customerId('Woodgrove Bank') });
    expect(audit.some((a) => a.action === 'mca.attest' && a.outcome === 'ok')).toBe(true);
  });

  it('reports a checkout refused for a missing MCA (13605) with the localized reason', async () => {
    const t = thread();
    await t.say(APPROVER, 'requests');
    const woodgrove = await customerId('Woodgrove Bank');
    // The MCA look-up cannot be made (no App+User): the dialog goes on and checkout decides.
    await harness.simulator.fault({
      method: 'GET',
      path: `/v1/customers/${woodgrove}/agreements`,
      status: 403,
      code: '900329',
    });
    const { cardId, requestId } = await submitRequest(t, 'Woodgrove Bank');
    await t.click(APPROVER, cardId, await requestAction('request.approve', requestId));
    await harness.settle();
    const failed = await harness.requests.get(requestId);
    expect(failed?.state).toBe('failed');
    expect(failed?.error?.code).toBe('13605');
    const message = t.sentHere().find((s) => s.method === 'POST' && (s.text ?? '').includes('failed'));
    expect(message?.text).toContain('The customer has not accepted the Microsoft Customer Agreement');
    expect(message?.text).toContain('13605');
  });
});

describe('the request card in an approvals channel', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness({ approvalsConversationId: APPROVALS_CHANNEL });
  });

  afterAll(async () => {
    await harness.close();
  });

  it("lists a channel's open request however many newer ones other channels and tenants have", async () => {
    const request = (customerName: string, conversationKey: string, tenantId = TENANT_ID) =>
      harness.store.requests.create({
        kind: 'purchase',
        customerId: `cust-${customerName}`,
        customerName,
        requesterId: REQUESTER.aadObjectId,
        requesterName: REQUESTER.name,
        payload: {},
        correlationId: `corr-${customerName}`,
        conversationKey,
        tenantId,
      });
    const channel = '19:capacity-planning@thread.tacv2';
    await request('Oldest Channel Customer', `${channel};messageid=1`);
    for (let i = 0; i < 120; i++) await request(`Elsewhere ${i}`, `19:elsewhere@thread.tacv2;messageid=${i}`);
    for (let i = 0; i < 30; i++) await request(`Foreign ${i}`, `${channel};messageid=f${i}`, 'other-tenant');
    const [list] = await new TeamsThread(harness, { channelId: channel }).say(REQUESTER, 'requests');
    const text = textOf(list.card);
    expect(text).toContain('Oldest Channel Customer');
    expect(text).not.toContain('Elsewhere');
    expect(text).not.toContain('Foreign');
  });

  it('opens a thread there and keeps both cards current', async () => {
    const approvals = new TeamsThread(harness, { channelId: APPROVALS_CHANNEL });
    await approvals.say(APPROVER, 'requests'); // the bot knows the approvals channel and Adele
    const general = new TeamsThread(harness);
    const { cardId: pickerId, card: picker } = await buyOne(general, 'Contoso France');
    const confirm = required(
      (
        await general.click(REQUESTER, pickerId, actionOf(picker, { action: 'select' }), {
          choice: COMMERCIAL,
        })
      ).card,
    );
    const submitted = await general.click(REQUESTER, pickerId, actionOf(confirm, { action: 'submit' }));
    const requestId = String(actionOf(required(submitted.card), { verb: 'request.cancel' }).requestId);

    const created = harness.connector.calls.find(
      (c) => c.method === 'POST' && c.path === '/v3/conversations',
    );
    expect(created?.body).toMatchObject({ channelData: { channel: { id: APPROVALS_CHANNEL } } });
    const threadActivity = harness.connector.calls.filter((c) => c.method !== 'PUT').indexOf(created!) + 1;
    const thread = new TeamsThread(harness, {
      conversationId: `${APPROVALS_CHANNEL};messageid=activity-${threadActivity}`,
      channelId: APPROVALS_CHANNEL,
    });
    const approved = await thread.click(APPROVER, `activity-${threadActivity}`, {
      verb: 'request.approve',
      requestId,
      version: (await harness.requests.get(requestId))?.version ?? 0,
    });
    expect(textOf(approved.card)).toContain('Approved');
    await harness.settle();
    const inThread = thread
      .sentHere()
      .filter((s) => s.method === 'PUT' && s.id === `activity-${threadActivity}`);
    const inGeneral = general.sentHere().filter((s) => s.method === 'PUT' && s.id === pickerId);
    expect(textOf(inThread.pop()?.card)).toContain('In progress with Partner Center');
    expect(textOf(inGeneral.pop()?.card)).toContain('In progress with Partner Center');
    // The outcome is reported where the request was made.
    expect(general.sentHere().some((s) => s.method === 'POST' && /Order .* placed/.test(s.text ?? ''))).toBe(
      true,
    );
  });

  /** `buy` for a one-match customer whose catalog leaves one step to pick (the availability). */
  async function buyOne(t: TeamsThread, customer: string) {
    const [first] = await t.say(REQUESTER, `buy ${customer}`);
    return { cardId: first.id, card: required(first.card) };
  }
});

// Where a request waiting for a decision goes: test/integration/bot/approvalRouting.test.ts.

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

describe('a second request for what is already asked', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness();
  });

  afterAll(async () => {
    await harness.close();
  });

  async function confirmationFor(customer: string) {
    const t = new TeamsThread(harness);
    const [first] = await t.say(REQUESTER, `buy ${customer}`);
    const picker = required(first.card);
    const confirm = await t.click(REQUESTER, first.id, actionOf(picker, { action: 'select' }), {
      choice: choicesOf(picker, 'choice')[0],
    });
    return { t, cardId: first.id, card: required(confirm.card) };
  }

  it('warns on the confirmation who asked, when and which request, and lets the person go on', async () => {
    const first = await requestPurchase(harness, 'Contoso France');
    const again = await confirmationFor('Contoso France');
    const text = textOf(again.card);
    expect(text).toContain('Megan Bowen already asked for this on');
    expect(text).toContain(`request ${first.requestId}, Waiting for approval`);
    expect(text).toContain('Type `requests` to see it');

    const submitted = await again.t.click(
      REQUESTER,
      again.cardId,
      actionOf(again.card, { action: 'submit' }),
    );
    expect(submitted.statusCode).toBe(200);
    const open = await harness.requests.listOpen({ kind: 'purchase' });
    expect(open).toHaveLength(2);

    // An open purchase for this customer in another tenant, and an open change of another kind,
    // are not duplicates of a purchase here.
    const pharma = await harness.simulator.customer('Contoso Pharmaceuticals');
    for (const [kind, tenantId] of [
      ['purchase', 'another-tenant'],
      ['suspend', TENANT_ID],
    ] as const) {
      await harness.store.requests.create({
        kind,
        customerId: pharma.id,
        customerName: 'Contoso Pharmaceuticals',
        requesterId: 'someone-else',
        requesterName: 'Someone Else',
        payload: {},
        correlationId: `corr-${kind}`,
        tenantId,
      });
    }
    const other = await confirmationFor('Contoso Pharmaceuticals');
    expect(textOf(other.card)).not.toContain('already asked for this');
    expect(textOf(other.card)).not.toContain('Someone Else');
  });
});
