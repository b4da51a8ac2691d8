import { APPROVER, OUTSIDER, REQUESTER, type TeamsUser } from '../../support/teamsActivities';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread, actionOf, textOf, type Card } from '../purchase/teamsDriver';

/**
 * The Azure plan's life after purchase in Teams: plans, suspension with its preflight checklist,
 * reactivation and the 0145P upgrade, as two Teams users over HTTP, with the simulator and SQLite.
 */

const SUSPENSION_DELAY_MS = 30_000;

describe('Azure plan lifecycle in Teams (HTTP, simulator, SQLite)', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness();
  });

  beforeEach(async () => {
    await harness.simulator.reseed();
    await harness.simulator.configure({
      planSuspensionAnswer: 'ok',
      planSuspensionDelayMs: SUSPENSION_DELAY_MS,
      planReactivationDelayMs: 0,
      upgradeCompletionDelayMs: 60_000,
      appUserMfa: true,
    });
  });

  afterEach(async () => {
    await harness.settle();
  });

  afterAll(async () => {
    await harness.close();
  });

  const thread = (locale?: string) => new TeamsThread(harness, { locale });

  async function say(t: TeamsThread, text: string, user: TeamsUser = REQUESTER) {
    const [first] = await t.say(user, text);
    return { id: first.id, card: first.card as Card, text: first.text };
  }

  /** The request card an approver sees, approved by Adele; returns the request id. */
  async function approve(t: TeamsThread, cardId: string, requesterCard: Card): Promise<string> {
    const requestId = String(actionOf(requesterCard, { verb: 'request.cancel' }).requestId);
    const version = (await harness.requests.get(requestId))?.version ?? 0;
    const approved = await t.click(APPROVER, cardId, {
      verb: 'request.approve',
      requestId,
      version,
      origin: 'card',
    });
    expect(textOf(approved.card)).toContain('Approved');
    return requestId;
  }

  it('plans: shows each Azure plan with its Azure subscriptions; a legacy customer gets a button to check the upgrade', async () => {
    const t = thread();
    const fabrikam = await say(t, 'plans Fabrikam Inc');
    expect(textOf(fabrikam.card)).toContain('Azure plans of Fabrikam Inc');
    expect(textOf(fabrikam.card)).toMatch(/Azure subscription 2 · [0-9a-f-]{36} · active/);
    expect(textOf(fabrikam.card)).toMatch(/Azure subscription 3 · [0-9a-f-]{36} · inactive/);

    const wingtip = await say(t, 'plans Wingtip Toys');
    expect(textOf(wingtip.card)).toContain('Legacy Microsoft Azure (MS-AZR-0145P)');
    const check = actionOf(wingtip.card, { verb: 'command.run' });
    expect(check).toMatchObject({ command: 'upgrade' });
    const before = t.sentHere().length;
    const answer = await t.click(REQUESTER, wingtip.id, check);
    expect(answer.statusCode).toBe(200);
    const posted = t
      .sentHere()
      .slice(before)
      .find((s) => s.method === 'POST');
    expect(textOf(posted?.card)).toContain('Wingtip Toys can move to an Azure plan.');
  });

  it.each([
    ['Fabrikam Inc', 'Active Azure subscriptions under the plan: 2 found', 'cancel it first'],
    ['Adventure Works', 'Active reservations: 1 found', 'cancel or exchange it in the Azure portal'],
    ['Lakeshore Retail', 'Active savings plans: 1 found', 'a savings plan cannot be cancelled'],
  ])(
    'suspend %s: the checklist names what blocks and what to do first, and runs again on demand',
    async (customer, check, remedy) => {
      const t = thread();
      const card = await say(t, `suspend ${customer}`);
      expect(textOf(card.card)).toContain(`Preflight checks for`);
      expect(textOf(card.card)).toContain(check);
      expect(textOf(card.card)).toContain(remedy);
      expect(() => actionOf(card.card, { action: 'submit' })).toThrow();
      const again = await t.click(REQUESTER, card.id, actionOf(card.card, { action: 'recheck' }));
      expect(textOf(again.card)).toContain(check);
      const cancelled = await t.click(REQUESTER, card.id, actionOf(again.card as Card, { action: 'cancel' }));
      expect(textOf(cancelled.card)).toContain('Suspend an Azure plan: cancelled. Nothing was changed.');
      expect(await harness.store.requests.list()).toEqual([]);
    },
  );

  it('suspend: the plan picker reads no Azure subscriptions, the checklist reads them once; "check again" reads them anew', async () => {
    const t = thread();
    const fabrikam = (await harness.simulator.customers()).find((c) => c.companyName === 'Fabrikam Inc');
    await harness.simulator.clearRequests();
    const card = await say(t, 'suspend Fabrikam Inc');
    expect(textOf(card.card)).toContain('Active Azure subscriptions under the plan: 2 found');
    const entitlementReads = async () =>
      (await harness.simulator.requests()).filter((r) => r.path.endsWith('/azureEntitlements')).length;
    expect(await entitlementReads()).toBe(1);

    const planId = String(
      (await harness.simulator.requests())
        .find((r) => r.path.endsWith('/azureEntitlements'))
        ?.path.split('/')[5],
    );
    await harness.simulator.control(`/customers/${fabrikam?.id}/subscriptions/${planId}/azureEntitlements`, {
      friendlyName: 'Late subscription',
    });
    const again = await t.click(REQUESTER, card.id, actionOf(card.card, { action: 'recheck' }));
    expect(textOf(again.card)).toContain('Active Azure subscriptions under the plan: 3 found');
    expect(textOf(again.card)).toContain('Late subscription');
    expect(await entitlementReads()).toBe(2);
  });

  it('suspend Northwind Traders: all clear, submitted, approved by Adele, suspended and reported', async () => {
    const t = thread();
    await t.say(APPROVER, 'requests');
    const card = await say(t, 'suspend Northwind Traders');
    expect(textOf(card.card)).toContain('✅ Active Azure subscriptions under the plan: none');
    const submitted = await t.click(REQUESTER, card.id, actionOf(card.card, { action: 'submit' }));
    expect(textOf(submitted.card)).toContain('Suspension of the Azure plan of Northwind Traders');
    const requestId = await approve(t, card.id, submitted.card as Card);
    await harness.settle();
    expect(
      t.sentHere().some((s) => s.method === 'POST' && (s.text ?? '').includes('accepted the suspension')),
    ).toBe(true);

    await harness.simulator.advanceClock(SUSPENSION_DELAY_MS + 1);
    await harness.until(requestId, (r) => r.state === 'succeeded');
    const told = t.sentHere().find((s) => s.method === 'POST' && (s.text ?? '').includes('is suspended'));
    expect(told?.text).toMatch(/The Azure plan .+ of Northwind Traders is suspended\./);
    const last = t
      .sentHere()
      .filter((s) => s.method === 'PUT' && s.id === card.id)
      .pop();
    expect(textOf(last?.card)).toContain('Completed');
  });

  it('reactivate Tailspin Toys: confirmed, approved, active again', async () => {
    const t = thread();
    const card = await say(t, 'reactivate Tailspin Toys');
    expect(textOf(card.card)).toContain('Reactivate');
    const submitted = await t.click(REQUESTER, card.id, actionOf(card.card, { action: 'submit' }));
    const requestId = await approve(t, card.id, submitted.card as Card);
    await harness.until(requestId, (r) => r.state === 'succeeded');
    expect(t.sentHere().some((s) => (s.text ?? '').includes('is active again'))).toBe(true);
  });

  it('reactivate: says the step, and Back from the confirmation shows the customer again (one plan: nothing between)', async () => {
    const t = thread();
    const card = await say(t, 'reactivate Tailspin Toys');
    expect(textOf(card.card)).toContain('Step 3 of 3');
    const back = await t.click(REQUESTER, card.id, actionOf(card.card, { action: 'back' }));
    const picker = back.card as Card;
    expect(textOf(picker)).toContain('Step 1 of 3');
    expect(textOf(picker)).toContain('Keep this customer, or search for another.');
    const again = await t.click(REQUESTER, card.id, actionOf(picker, { action: 'select' }), {
      customerId: (await harness.simulator.customer('Tailspin Toys')).id,
    });
    expect(textOf(again.card)).toContain('Step 3 of 3');
    expect(await harness.requests.listOpen({ kind: 'reactivate' })).toEqual([]);
  });

  it('upgrade Wingtip Toys: the effects, then the request, then the line items when it completes', async () => {
    const t = thread();
    const card = await say(t, 'upgrade Wingtip Toys');
    for (const effect of [
      'is suspended',
      'move under a new Azure plan',
      'The spending budget does not carry over',
    ]) {
      expect(textOf(card.card)).toContain(effect);
    }
    const submitted = await t.click(REQUESTER, card.id, actionOf(card.card, { action: 'submit' }));
    const requestId = await approve(t, card.id, submitted.card as Card);
    await harness.settle();
    expect(
      t
        .sentHere()
        .some((s) => (s.text ?? '').includes('upgrade of Wingtip Toys to an Azure plan has started')),
    ).toBe(true);
    await harness.simulator.advanceClock(60_001);
    await harness.until(requestId, (r) => r.state === 'succeeded');
    const done = t.sentHere().find((s) => (s.text ?? '').includes('is complete'));
    expect(done?.text).toContain('→');
    // Once upgraded, the customer shows the existing upgrade and its status.
    const after = await say(t, 'upgrade Wingtip Toys');
    expect(textOf(after.card)).toContain('An upgrade of Wingtip Toys exists already');
    expect(textOf(after.card)).toContain('Status: Completed');
  });

  it('upgrade Litware: not eligible, with the reason in words', async () => {
    const t = thread();
    const card = await say(t, 'upgrade Litware');
    expect(textOf(card.card)).toContain('Litware cannot move to an Azure plan now');
    expect(card.card.actions ?? []).toEqual([]);
  });

  it('without MFA on the partner user: the MFA card, for the preflight and for the upgrade', async () => {
    await harness.simulator.configure({ appUserMfa: false });
    const t = thread();
    for (const text of ['suspend Northwind Traders', 'upgrade Wingtip Toys']) {
      const card = await say(t, text);
      expect(textOf(card.card)).toContain('The partner service account must sign in again with MFA');
      expect(textOf(card.card)).toContain('900421');
    }
  });

  it('speaks French: suspendre with its checklist', async () => {
    const t = thread('fr-FR');
    const card = await say(t, 'suspendre Fabrikam Inc');
    expect(textOf(card.card)).toContain('Vérifications préalables pour');
    expect(textOf(card.card)).toContain('Abonnements Azure actifs sous le plan');
  });
});

describe('lifecycle commands for someone who may only read', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness({ env: { ROLE_REQUESTERS: REQUESTER.aadObjectId } });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('refuses suspend, reactivate and upgrade without the requester role, asking nothing of Partner Center', async () => {
    const t = new TeamsThread(harness);
    await harness.simulator.clearRequests();
    for (const text of ['suspend Fabrikam Inc', 'reactivate Tailspin Toys', 'upgrade Wingtip Toys']) {
      const [answer] = await t.say(OUTSIDER, text);
      expect(textOf(answer.card)).toContain('You need the Requester role');
    }
    expect((await harness.simulator.requests()).filter((r) => r.path.startsWith('/v1/'))).toEqual([]);
  });
});
