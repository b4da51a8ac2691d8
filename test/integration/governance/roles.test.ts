import axios from 'axios';
import { SEED_GROUPS } from '../../../src/simulator/state/directory';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread, actionOf, inputOf, textOf, type Card } from '../purchase/teamsDriver';
import { APPROVER, OUTSIDER, REQUESTER, type TeamsUser } from '../../support/teamsActivities';
import { requestPurchase } from '../bot/purchaseThroughTeams';

/**
 * Issue 11, item 4: roles from configuration, Entra groups (the simulator's Microsoft Graph) and
 * grants made by admins in Teams, through the real bot over HTTP. A grant or a revocation is
 * audited and counts from the person's next turn; without a role a person sees nothing.
 */

const ISAIAH: TeamsUser = {
  id: '29:isaiah-langer',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53',
  name: 'Isaiah Langer',
};
const PATTI: TeamsUser = {
  id: '29:patti-fernandez',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a54',
  name: 'Patti Fernandez',
};

function required(card: Card | undefined): Card {
  if (!card) throw new Error('expected a card');
  return card;
}

describe('roles granted in Teams (production-like: nobody has a role unless configured)', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    // Deny by default, as production: no viewer '*', Megan requester, Adele approver and admin.
    harness = await startPurchaseHarness({
      env: {
        ROLE_VIEWERS: REQUESTER.aadObjectId,
        ROLE_REQUESTERS: REQUESTER.aadObjectId,
        ROLE_APPROVERS: APPROVER.aadObjectId,
        ROLE_ADMINS: APPROVER.aadObjectId,
      },
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  async function whoamiRoles(t: TeamsThread, user: TeamsUser): Promise<string> {
    const [answer] = await t.say(user, 'whoami');
    const roles = /"title":"Roles","value":"([^"]*)"/.exec(JSON.stringify(answer.card));
    return roles?.[1] ?? '';
  }

  it('refuses a person without any role everything but help and whoami, audited, asking Partner Center nothing', async () => {
    const t = new TeamsThread(harness);
    await harness.simulator.clearRequests();
    for (const text of ['orders Contoso France', 'plans Fabrikam Inc', 'requests']) {
      const [answer] = await t.say(OUTSIDER, text);
      expect(textOf(answer.card)).toContain('You need the Viewer role');
    }
    expect(await whoamiRoles(t, OUTSIDER)).toBe('none');
    expect((await harness.simulator.requests()).filter((r) => r.path.startsWith('/v1/'))).toEqual([]);
    const refused = (await harness.store.audit.list({ limit: 10 })).filter((r) => r.actorName === 'Lee Gu');
    expect(refused.map((r) => [r.action, r.outcome]).reverse()).toEqual([
      ['read.orders.refused', 'forbidden'],
      ['read.plans.refused', 'forbidden'],
      ['read.requests.refused', 'forbidden'],
    ]);
  });

  it('grant: audited, effective on the next turn; revoke: the same', async () => {
    const t = new TeamsThread(harness);
    expect(await whoamiRoles(t, ISAIAH)).toBe('none');

    const [granted] = await t.say(APPROVER, `grant approver ${ISAIAH.aadObjectId}`);
    // The simulator's directory gives the name.
    expect(textOf(granted.card)).toContain('Isaiah Langer now has the Approver role');
    expect(await whoamiRoles(t, ISAIAH)).toBe('Viewer, Approver');

    const [again] = await t.say(APPROVER, `attribuer approbateur ${ISAIAH.aadObjectId.toUpperCase()}`);
    expect(textOf(again.card)).toContain('already had the Approver role');

    const [revoked] = await t.say(APPROVER, `revoke approver ${ISAIAH.aadObjectId}`);
    expect(textOf(revoked.card)).toContain('Isaiah Langer no longer has the Approver role');
    expect(await whoamiRoles(t, ISAIAH)).toBe('none');

    const trail = (await harness.store.audit.list({ limit: 50 }))
      .filter((r) => r.action.startsWith('roles.'))
      .map((r) => [
        r.action,
        r.outcome,
        r.actorName,
        r.details?.role,
        r.details?.principalId,
        r.details?.principalName,
      ])
      .reverse();
    expect(trail).toEqual([
      ['roles.grant', 'granted', 'Adele Vance', 'approver', ISAIAH.aadObjectId, 'Isaiah Langer'],
      ['roles.revoke', 'revoked', 'Adele Vance', 'approver', ISAIAH.aadObjectId, 'Isaiah Langer'],
    ]);
    expect(await harness.store.roleGrants.list()).toEqual([]);
  });

  it('makes a granted approver able to approve on the next turn, checked by the domain', async () => {
    const purchase = await requestPurchase(harness);
    const approve = async () => {
      const request = await harness.requests.get(purchase.requestId);
      return purchase.thread.click(ISAIAH, purchase.cardId, {
        verb: 'request.approve',
        requestId: purchase.requestId,
        version: request?.version,
        origin: 'card',
      });
    };
    // A viewer: the domain itself refuses him the decision, audited against the request.
    await purchase.thread.say(APPROVER, `grant viewer ${ISAIAH.aadObjectId}`);
    await approve();
    expect((await harness.requests.get(purchase.requestId))?.state).toBe('requested');

    await purchase.thread.say(APPROVER, `grant approver ${ISAIAH.aadObjectId}`);
    await approve();
    expect(['approved', 'executing', 'succeeded']).toContain(
      (await harness.requests.get(purchase.requestId))?.state,
    );
    const decisions = (await harness.store.audit.list({ requestId: purchase.requestId }))
      .filter((e) => e.action.startsWith('request.approve'))
      .map((e) => [e.action, e.actorId])
      .reverse();
    expect(decisions).toEqual([
      ['request.approve.refused', ISAIAH.aadObjectId],
      ['request.approve', ISAIAH.aadObjectId],
    ]);
    await purchase.thread.say(APPROVER, `revoke approver ${ISAIAH.aadObjectId}`);
    await purchase.thread.say(APPROVER, `revoke viewer ${ISAIAH.aadObjectId}`);
  });

  it('makes a granted requester able to buy on the next turn; once revoked, refused and audited', async () => {
    const t = new TeamsThread(harness);
    await t.say(APPROVER, `grant requester ${ISAIAH.aadObjectId}`);
    const [isaiahBuys] = await t.say(ISAIAH, 'buy Contoso France');
    // The purchase dialog's first step: the availability picker.
    expect(actionOf(required(isaiahBuys.card), { action: 'select' })).toBeDefined();
    await t.say(APPROVER, `revoke requester ${ISAIAH.aadObjectId}`);
    const [refused] = await t.say(ISAIAH, 'buy Contoso France');
    expect(textOf(refused.card)).toContain('You need the Viewer role');
    await t.say(APPROVER, `grant viewer ${ISAIAH.aadObjectId}`);
    const [viewerBuys] = await t.say(ISAIAH, 'buy Contoso France');
    expect(textOf(viewerBuys.card)).toContain('You need the Requester role');
    const [last] = await harness.store.audit.list({ limit: 1 });
    expect([last.action, last.outcome, last.actorId, last.details?.role]).toEqual([
      'read.buy.refused',
      'forbidden',
      ISAIAH.aadObjectId,
      'requester',
    ]);
    await t.say(APPROVER, `revoke viewer ${ISAIAH.aadObjectId}`);
  });

  it('grants through the people picker card, and revokes from its button', async () => {
    const t = new TeamsThread(harness);
    const [card] = await t.say(APPROVER, 'grant viewer');
    const rolesCard = required(card.card);
    const picker = inputOf(rolesCard, 'userId');
    expect(picker['choices.data']).toEqual({ type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    expect(inputOf(rolesCard, 'role').value).toBe('viewer');
    expect(inputOf(rolesCard, 'userIdText').type).toBe('Input.Text');

    const granted = await t.click(APPROVER, card.id, actionOf(rolesCard, { verb: 'roles.grant' }), {
      role: 'viewer',
      userId: PATTI.aadObjectId,
    });
    expect(textOf(granted.card)).toContain('Patti Fernandez now has the Viewer role');
    expect(textOf(granted.card)).toContain('Granted in Teams by Adele Vance');
    const [patti] = await t.say(PATTI, 'requests');
    expect(textOf(patti.card)).not.toContain('You need the Viewer role');

    const revokeButton = actionOf(required(granted.card), { verb: 'roles.revoke' });
    expect(revokeButton).toMatchObject({ role: 'viewer', userId: PATTI.aadObjectId });
    const revoked = await t.click(APPROVER, card.id, revokeButton);
    expect(textOf(revoked.card)).toContain('Patti Fernandez no longer has the Viewer role');
    const [again] = await t.say(PATTI, 'requests');
    expect(textOf(again.card)).toContain('You need the Viewer role');
  });

  it('lists roles with where they come from, for admins only; others are refused and audited', async () => {
    const t = new TeamsThread(harness);
    const [list] = await t.say(APPROVER, 'roles');
    const text = textOf(list.card);
    expect(text).toContain('Configuration (ROLE_APPROVERS)');
    expect(text).toContain(APPROVER.aadObjectId);

    const [refused] = await t.say(REQUESTER, `grant admin ${REQUESTER.aadObjectId}`);
    expect(textOf(refused.card)).toContain('You need the Administrator role');
    const forged = await t.click(
      REQUESTER,
      list.id,
      { verb: 'roles.grant' },
      { role: 'admin', userId: REQUESTER.aadObjectId },
    );
    expect(forged.statusCode).toBe(403);
    const rows = (await harness.store.audit.list({ limit: 10 })).filter((r) => r.actorName === 'Megan Bowen');
    expect(rows.slice(0, 2).map((r) => [r.action, r.outcome])).toEqual([
      ['roles.grant.refused', 'forbidden'],
      ['roles.grant.refused', 'forbidden'],
    ]);
    expect(await harness.store.roleGrants.list({ principalId: REQUESTER.aadObjectId })).toEqual([]);
  });

  it('says what is wrong with a grant: an unknown role, a person who is not an object id, revoking oneself', async () => {
    const t = new TeamsThread(harness);
    const [role] = await t.say(APPROVER, `grant boss ${ISAIAH.aadObjectId}`);
    expect(textOf(role.card)).toContain('\\"boss\\" is not a role');
    const [user] = await t.say(APPROVER, 'grant approver isaiah');
    expect(textOf(user.card)).toContain('Microsoft Entra object id');
    const [self] = await t.say(APPROVER, `revoke admin ${APPROVER.aadObjectId}`);
    expect(textOf(self.card)).toContain('You cannot revoke your own administrator role');
  });
});

describe('roles from Entra groups (the simulator’s Microsoft Graph)', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness({
      env: {
        ROLE_VIEWERS: REQUESTER.aadObjectId,
        ROLE_REQUESTERS: REQUESTER.aadObjectId,
        ROLE_ADMINS: APPROVER.aadObjectId,
        ROLE_APPROVERS_GROUPS: SEED_GROUPS.approvers,
        ROLE_VIEWERS_GROUPS: SEED_GROUPS.operations,
        ROLE_GROUP_CACHE_MINUTES: '0',
      },
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('gives a group member the role (nested groups too), and takes it away when they leave', async () => {
    const t = new TeamsThread(harness);
    const [isaiah] = await t.say(ISAIAH, 'whoami');
    expect(textOf(isaiah.card)).toContain('Viewer, Approver'); // approvers group, nested in operations
    const [patti] = await t.say(PATTI, 'whoami');
    expect(textOf(patti.card)).toContain('"value":"Viewer"');

    await axios.delete(
      `${harness.simulator.baseUrl}/_sim/directory/groups/${SEED_GROUPS.approvers}/members/${ISAIAH.aadObjectId}`,
    );
    const [after] = await t.say(ISAIAH, 'whoami');
    expect(textOf(after.card)).not.toContain('Approver');

    const checks = (await harness.simulator.requests()).filter((r) => /checkMemberGroups$/.test(r.path));
    expect(checks.length).toBeGreaterThanOrEqual(3);
  });
});
