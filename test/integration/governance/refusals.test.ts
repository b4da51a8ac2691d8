import { requestPurchase } from '../bot/purchaseThroughTeams';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread, textOf, type Card, type InvokeAnswer } from '../purchase/teamsDriver';
import {
  APPROVER,
  OUTSIDER,
  REQUESTER,
  TENANT_ID,
  cardAction,
  type TeamsUser,
} from '../../support/teamsActivities';
import type { AuditEntry } from '../../../src/store';

/**
 * Issue 11, item 5: card actions that cannot be forged or replayed. Each refusal goes through the
 * real bot over HTTP (simulator, SQLite), is audited as `<action>.refused` with its reason, changes
 * nothing, and is answered with the request's current card (another tenant's request excepted: it
 * is not shown at all).
 */

const ISAIAH: TeamsUser = {
  id: '29:isaiah-langer',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53',
  name: 'Isaiah Langer',
};
const OTHER_TENANT = '2b8e4f1a-6c3d-4a5b-9e7f-1a2b3c4d5e6f';
const HOUR = 3_600_000;

type Purchase = Awaited<ReturnType<typeof requestPurchase>>;

function action(verb: string, requestId: string, version: number, extra: Record<string, unknown> = {}) {
  return { verb, requestId, version, origin: 'card', ...extra };
}

function cardOf(answer: InvokeAnswer): Card {
  if (!answer.card) throw new Error(`expected a card, got ${answer.status} ${answer.message ?? ''}`);
  return answer.card;
}

/** The buttons of a card (Action.Execute verbs), to see which view it is. */
function verbsOf(card: Card): string[] {
  return (card.actions ?? []).map((a) => a.verb ?? a.type);
}

describe('refused card actions on requests (HTTP, simulator, SQLite)', () => {
  let harness: PurchaseHarness;
  /** The domain's clock runs this much ahead of real time (expiry). */
  let ahead = 0;

  beforeAll(async () => {
    harness = await startPurchaseHarness({
      now: () => Date.now() + ahead,
      env: {
        ALLOWED_TENANT_IDS: `${TENANT_ID},${OTHER_TENANT}`,
        ROLE_APPROVERS: `${APPROVER.aadObjectId},${ISAIAH.aadObjectId}`,
      },
    });
  });

  beforeEach(async () => {
    await harness.simulator.reseed(); // each test buys for a customer without an Azure plan
  });

  afterEach(async () => {
    ahead = 0;
    await harness.settle();
  });

  afterAll(async () => {
    await harness.close();
  });

  async function version(requestId: string): Promise<number> {
    return (await harness.requests.get(requestId))?.version ?? 0;
  }

  async function refusalsOf(requestId: string): Promise<Array<[string, string, string | undefined]>> {
    const rows = await harness.store.audit.list({ requestId });
    return rows
      .filter((r: AuditEntry) => r.action.endsWith('.refused'))
      .map((r): [string, string, string | undefined] => [r.action, r.outcome, r.actorName])
      .reverse();
  }

  /** Asserts the request is still waiting, unchanged, and only refusals were audited besides its creation. */
  async function unchanged(purchase: Purchase, expectedVersion: number): Promise<void> {
    const request = await harness.requests.get(purchase.requestId);
    expect(request?.state).toBe('requested');
    expect(request?.version).toBe(expectedVersion);
    const others = (await harness.store.audit.list({ requestId: purchase.requestId })).filter(
      (r) => !r.action.endsWith('.refused'),
    );
    expect(others.map((r) => r.action)).toEqual(['request.create']);
  }

  it('refuses a caller without the approver role, audited, with the current read-only card', async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    const answer = await purchase.thread.click(
      OUTSIDER,
      purchase.cardId,
      action('request.approve', purchase.requestId, v),
    );
    expect(textOf(answer.card)).toContain('You need the Approver role');
    expect(verbsOf(cardOf(answer))).not.toContain('request.approve');
    expect(await refusalsOf(purchase.requestId)).toEqual([
      ['request.approve.refused', 'not-approver', 'Lee Gu'],
    ]);
    await unchanged(purchase, v);
  });

  it('refuses the requester deciding their own request', async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    for (const verb of ['request.approve', 'request.reject']) {
      const answer = await purchase.thread.click(
        REQUESTER,
        purchase.cardId,
        action(verb, purchase.requestId, v),
      );
      expect(textOf(answer.card)).toContain('You cannot approve or reject your own request.');
      expect(verbsOf(cardOf(answer))).toEqual(['request.cancel']);
    }
    expect(await refusalsOf(purchase.requestId)).toEqual([
      ['request.approve.refused', 'own-request', 'Megan Bowen'],
      ['request.reject.refused', 'own-request', 'Megan Bowen'],
    ]);
    await unchanged(purchase, v);
  });

  it('refuses an action from a card older than the request (stale version)', async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    for (const verb of ['request.approve', 'request.reject', 'request.cancel']) {
      const user = verb === 'request.cancel' ? REQUESTER : APPROVER;
      const answer = await purchase.thread.click(
        user,
        purchase.cardId,
        action(verb, purchase.requestId, v - 1),
      );
      expect(textOf(answer.card)).toContain('This card was out of date, so nothing was done.');
      // The current card: its buttons carry the current version.
      expect(JSON.stringify(answer.card)).toContain(`"version":${v}`);
    }
    expect((await refusalsOf(purchase.requestId)).map(([a, o]) => [a, o])).toEqual([
      ['request.approve.refused', 'stale-card'],
      ['request.reject.refused', 'stale-card'],
      ['request.cancel.refused', 'stale-card'],
    ]);
    await unchanged(purchase, v);
  });

  it('refuses a replay after the decision, and verbs the new state does not allow', async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    const approve = action('request.approve', purchase.requestId, v);
    const first = await purchase.thread.click(APPROVER, purchase.cardId, approve);
    expect(textOf(first.card)).toContain('Approved. I am carrying it out');
    const decided = await harness.requests.get(purchase.requestId);

    const replay = await purchase.thread.click(APPROVER, purchase.cardId, approve);
    expect(textOf(replay.card)).toContain('This request is no longer waiting for a decision.');
    const cancel = await purchase.thread.click(
      REQUESTER,
      purchase.cardId,
      action('request.cancel', purchase.requestId, decided?.version ?? 0),
    );
    expect(textOf(cancel.card)).toContain('This request is no longer waiting for a decision.');
    const reject = await purchase.thread.click(
      ISAIAH,
      purchase.cardId,
      action('request.rejectConfirm', purchase.requestId, decided?.version ?? 0, { reason: 'too late' }),
    );
    expect(textOf(reject.card)).toContain('This request is no longer waiting for a decision.');
    for (const answer of [replay, cancel, reject]) expect(verbsOf(cardOf(answer))).toEqual([]);

    expect(await refusalsOf(purchase.requestId)).toEqual([
      ['request.approve.refused', 'not-pending', 'Adele Vance'],
      ['request.cancel.refused', 'not-pending', 'Megan Bowen'],
      ['request.reject.refused', 'not-pending', 'Isaiah Langer'],
    ]);
    const approvals = (await harness.store.audit.list({ requestId: purchase.requestId })).filter(
      (r) => r.action === 'request.approve',
    );
    expect(approvals).toHaveLength(1);
  });

  it('refuses a request past its expiry, expires it, and shows it expired', async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    ahead = 73 * HOUR; // the purchase policy's default expiry is 72 hours
    const answer = await purchase.thread.click(
      APPROVER,
      purchase.cardId,
      action('request.approve', purchase.requestId, v),
    );
    expect(textOf(answer.card)).toContain('This request expired before a decision, so nothing was done.');
    expect(textOf(answer.card)).toContain('Expired');
    expect(verbsOf(cardOf(answer))).toEqual([]);
    expect((await harness.requests.get(purchase.requestId))?.state).toBe('expired');
    expect(await refusalsOf(purchase.requestId)).toEqual([
      ['request.approve.refused', 'expired', 'Adele Vance'],
    ]);
  });

  it("refuses another conversation's request, read-only, and lists only this conversation's requests", async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    const elsewhere = new TeamsThread(harness, { channelId: '19:another-team-channel@thread.tacv2' });
    const answer = await elsewhere.click(
      APPROVER,
      'activity-1',
      action('request.approve', purchase.requestId, v),
    );
    expect(textOf(answer.card)).toContain('This request belongs to another conversation');
    expect(verbsOf(cardOf(answer))).not.toEqual(expect.arrayContaining(['request.approve']));
    expect(verbsOf(cardOf(answer))).toEqual(['request.refresh']);
    expect(await refusalsOf(purchase.requestId)).toEqual([
      ['request.approve.refused', 'other-conversation', 'Adele Vance'],
    ]);
    await unchanged(purchase, v);

    // The list there does not offer it; the request's own channel (another thread of it) does.
    const [there] = await elsewhere.say(APPROVER, 'requests');
    expect(textOf(there.card)).not.toContain(purchase.requestId);
    const sameChannel = new TeamsThread(harness);
    const [here] = await sameChannel.say(APPROVER, 'requests');
    expect(textOf(here.card)).toContain(purchase.requestId);
  });

  it("refuses another tenant's request without showing it", async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    const forged = cardAction('request.approve', action('request.approve', purchase.requestId, v), {
      serviceUrl: harness.connector.serviceUrl,
      user: { ...APPROVER, aadObjectId: '0c1d2e3f-0000-4000-8000-00000000f00d' },
      tenantId: OTHER_TENANT,
      conversationType: 'personal',
    });
    const answer = await harness.post(forged);
    const body = answer.json as { statusCode?: number; value?: { message?: string } };
    expect(body.statusCode).toBe(404);
    expect(JSON.stringify(body)).not.toContain('Contoso France');
    const [refusal] = await refusalsOf(purchase.requestId);
    expect(refusal).toEqual(['request.approve.refused', 'other-tenant', 'Adele Vance']);
    const [row] = (await harness.store.audit.list({ requestId: purchase.requestId })).filter((r) =>
      r.action.endsWith('.refused'),
    );
    expect(row.tenantId).toBe(OTHER_TENANT);
    await unchanged(purchase, v);
  });

  it('refuses malformed and forged card data, auditing each', async () => {
    const purchase = await requestPurchase(harness);
    const v = await version(purchase.requestId);
    const forged = await purchase.thread.click(APPROVER, purchase.cardId, {
      verb: 'request.approve',
      requestId: purchase.requestId,
      version: 'latest',
    });
    expect(forged.statusCode).toBe(400);
    expect(await refusalsOf(purchase.requestId)).toEqual([
      ['request.approve.refused', 'invalid-data', 'Adele Vance'],
    ]);
    await unchanged(purchase, v);
  });
});

describe('a purchase that needs two approvers (HTTP)', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness({
      env: {
        APPROVAL_POLICY: 'purchase=2',
        ROLE_APPROVERS: `${APPROVER.aadObjectId},${ISAIAH.aadObjectId}`,
      },
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('counts the same person clicking twice once, refused and audited, and approves with a second person', async () => {
    const purchase = await requestPurchase(harness);
    const approve = async (user: TeamsUser) =>
      purchase.thread.click(
        user,
        purchase.cardId,
        action(
          'request.approve',
          purchase.requestId,
          (await harness.requests.get(purchase.requestId))?.version ?? 0,
        ),
      );

    const first = await approve(APPROVER);
    expect(textOf(first.card)).toContain('Your approval is recorded (1 of 2)');
    const again = await approve(APPROVER);
    expect(textOf(again.card)).toContain(
      'You have already approved this request; another approver is needed.',
    );
    expect((await harness.requests.get(purchase.requestId))?.state).toBe('requested');

    const second = await approve(ISAIAH);
    expect(textOf(second.card)).toContain('Approved. I am carrying it out');
    const request = await harness.requests.get(purchase.requestId);
    expect(request?.approvals.map((a) => a.name)).toEqual(['Adele Vance', 'Isaiah Langer']);

    const trail = (await harness.store.audit.list({ requestId: purchase.requestId }))
      .filter((r) => r.action.startsWith('request.'))
      .map((r) => [r.action, r.outcome, r.actorName])
      .reverse();
    expect(trail).toEqual([
      ['request.create', 'requested', 'Megan Bowen'],
      ['request.approve', 'approval-recorded', 'Adele Vance'],
      ['request.approve.refused', 'already-approved', 'Adele Vance'],
      ['request.approve', 'approved', 'Isaiah Langer'],
    ]);
    await harness.settle();
  });
});
