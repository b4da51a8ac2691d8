import { SANDBOX_IDENTITIES } from '../../../src/config';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread, actionOf, type Card } from '../purchase/teamsDriver';
import { APPROVER, REQUESTER, cardAction } from '../../support/teamsActivities';
import { requestPurchase } from './purchaseThroughTeams';

/** The simulator's commercial availability of the Azure plan. */
const COMMERCIAL = 'DZH318Z0BML6';

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

/** `buy` as Megan, through the availability picker to a request waiting for a decision. */
async function buyAsMegan(thread: TeamsThread, customer = 'Contoso France'): Promise<string> {
  const [first] = await thread.say(REQUESTER, `buy ${customer}`);
  const confirm = await thread.click(
    REQUESTER,
    first.id,
    actionOf(required(first.card), { action: 'select' }),
    {
      choice: COMMERCIAL,
    },
  );
  const submitted = await thread.click(
    REQUESTER,
    first.id,
    actionOf(required(confirm.card as Card | undefined), { action: 'submit' }),
  );
  return String(actionOf(required(submitted.card as Card | undefined), { verb: 'request.cancel' }).requestId);
}

/** The conversations the bot opened (POST /v3/conversations) and what it asked for. */
function openedConversations(harness: PurchaseHarness) {
  return harness.connector.calls
    .filter((call) => call.method === 'POST' && /^\/v3\/conversations\/?$/.test(call.path))
    .map((call) => call.body ?? {});
}

describe('a request waiting for a decision reaches those who may decide it', () => {
  let harness: PurchaseHarness;

  afterEach(async () => {
    await harness?.close();
  });

  it('opens a thread in an approvals channel the bot has never heard from, through the requester’s service, and says so', async () => {
    harness = await startPurchaseHarness({ approvalsConversationId: '19:never-seen-approvals@thread.tacv2' });
    const general = new TeamsThread(harness);
    const requestId = await buyAsMegan(general);

    const [thread] = openedConversations(harness);
    expect(thread).toMatchObject({
      isGroup: true,
      channelData: { channel: { id: '19:never-seen-approvals@thread.tacv2' } },
    });
    expect(JSON.stringify(thread.activity)).toContain('Request');
    expect(
      general.sentHere().some((s) => (s.text ?? '').includes('posted this request in the approvals channel')),
    ).toBe(true);
    expect((await harness.requests.get(requestId))?.state).toBe('requested');
  });

  it('without an approvals channel, sends the card to each approver the bot knows in a personal chat; she approves there', async () => {
    harness = await startPurchaseHarness({ env: { APPROVALS_CONVERSATION_ID: 'none' } });
    const purchase = await requestPurchase(harness); // Adele spoke first: her Teams id is known

    const [personal] = openedConversations(harness);
    expect(personal).toMatchObject({ isGroup: false, members: [{ id: APPROVER.id }] });
    expect(
      purchase.thread
        .sentHere()
        .some((s) => (s.text ?? '').includes('sent this request to an approver in a personal chat')),
    ).toBe(true);
    // The card in her personal chat: the request's card, whose approve action works from there.
    const opened = required(
      harness.connector.calls.find(
        (call) => call.method === 'POST' && /^\/v3\/conversations\/?$/.test(call.path),
      )?.conversationId,
    );
    const sentToHer = harness.connector
      .sent()
      .filter((s) => s.path.startsWith(`/v3/conversations/${encodeURIComponent(opened)}/`));
    expect(sentToHer).toHaveLength(1);
    // The request's own card: it refreshes for her (Universal Actions) into one with Approve.
    const herCard = JSON.stringify(sentToHer[0].attachments);
    expect(herCard).toContain(`"verb":"request.refresh","data":{"requestId":"${purchase.requestId}"`);
    expect(herCard).toContain(JSON.stringify(APPROVER.id));
    const request = required(await harness.requests.get(purchase.requestId));
    const approved = await harness.post(
      cardAction(
        'request.approve',
        { requestId: purchase.requestId, version: request.version, origin: 'card' },
        { serviceUrl: harness.connector.serviceUrl, user: APPROVER, conversationType: 'personal' },
      ),
    );
    expect(approved.status).toBe(200);
    expect((approved.json as { statusCode?: number }).statusCode).toBe(200);
    await harness.until(purchase.requestId, (r) => ['approved', 'executing', 'succeeded'].includes(r.state));
  });

  it("in the requester's personal chat, the card updated after the submission is still her view (Cancel), not the shared one", async () => {
    harness = await startPurchaseHarness();
    const personal = new TeamsThread(harness, { conversationId: `a:personal-${REQUESTER.aadObjectId}` });
    const requestId = await buyAsMegan(personal);
    await harness.settle();
    const request = required(await harness.requests.get(requestId));
    const updates = personal.sentHere().filter((s) => s.method === 'PUT' && s.id === request.activityId);
    expect(updates.length).toBeGreaterThan(0);
    const last = required(updates[updates.length - 1].card as Card | undefined);
    expect(actionOf(last, { verb: 'request.cancel' }).requestId).toBe(requestId);
    expect(() => actionOf(last, { verb: 'request.approve' })).toThrow();
  });

  it('when no approver can be reached, tells the requester plainly and keeps the request open', async () => {
    harness = await startPurchaseHarness({ env: { APPROVALS_CONVERSATION_ID: 'none' } });
    const general = new TeamsThread(harness);
    const requestId = await buyAsMegan(general); // Adele never spoke to the bot: no Teams id for her

    expect(openedConversations(harness)).toEqual([]);
    expect(general.sentHere().some((s) => (s.text ?? '').includes('No approver could be reached'))).toBe(
      true,
    );
    expect((await harness.requests.get(requestId))?.state).toBe('requested');
  });
});

describe('act as (sandbox only)', () => {
  let harness: PurchaseHarness;

  afterEach(async () => {
    await harness?.close();
  });

  it('lets the Playground’s one user approve as Adele, audited as Adele, until "act as me"', async () => {
    harness = await startPurchaseHarness({ bot: { actAs: { people: SANDBOX_IDENTITIES.people } } });
    const general = new TeamsThread(harness);
    const first = await buyAsMegan(general);
    const second = await buyAsMegan(general);

    const [now] = await general.say(REQUESTER, 'act as Adele');
    expect(now.text).toContain('you act as Adele Vance');
    const whoami = await general.say(REQUESTER, 'whoami');
    expect(JSON.stringify(whoami[0].card)).toContain('Adele Vance');

    const request = required(await harness.requests.get(first));
    const approved = await general.click(REQUESTER, 'card', {
      verb: 'request.approve',
      requestId: first,
      version: request.version,
      origin: 'card',
    });
    expect(approved.statusCode).toBe(200);
    const decided = await harness.until(first, (r) => r.state !== 'requested');
    expect(decided.state).not.toBe('rejected');
    const audit = await harness.store.audit.list({ requestId: first });
    expect(audit.some((e) => e.action === 'request.approve' && e.actorId === APPROVER.aadObjectId)).toBe(
      true,
    );

    const [back] = await general.say(REQUESTER, 'act as me');
    expect(back.text).toContain('yourself again');
    const other = required(await harness.requests.get(second));
    await general.click(REQUESTER, 'card', {
      verb: 'request.approve',
      requestId: second,
      version: other.version,
      origin: 'card',
    });
    // Megan is herself again: her own request is not hers to approve.
    expect((await harness.requests.get(second))?.state).toBe('requested');
  });

  it('is not a command of a bot not given the book (production config gives none: see config.test.ts)', async () => {
    harness = await startPurchaseHarness();
    const general = new TeamsThread(harness);
    const [answer] = await general.say(REQUESTER, 'act as Adele');
    expect(JSON.stringify(answer)).toContain('I don\'t know \\"act as Adele\\"');
    await buyAsMegan(general);
    const [who] = await general.say(REQUESTER, 'whoami');
    expect(JSON.stringify(who.card)).toContain('Megan Bowen');
    expect(JSON.stringify(who.card)).not.toContain('Adele Vance');
  });
});
