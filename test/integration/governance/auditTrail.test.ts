import { approveAndComplete, requestPurchase } from '../bot/purchaseThroughTeams';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';
import { TeamsThread, actionOf, textOf, type Card } from '../purchase/teamsDriver';
import { APPROVER, REQUESTER, TENANT_ID, type TeamsUser } from '../../support/teamsActivities';
import { purgeAuditTrail } from '../../../src/workflows/audit/retention';
import { AUDIT_CSV_COLUMNS } from '../../../src/workflows/audit/auditExport';
import type { AuditEntry } from '../../../src/store';
import type { JobContext } from '../../../src/jobs/scheduler';
import { silentLogger } from '../../../src/logging';

/**
 * Issue 11, item 6: the audit trail, through the real bot over HTTP with the simulator. Every read
 * of customer data and every change is recorded with who, where (tenant, conversation), about what
 * (kind, customer), the Partner Center ids and the outcome; `audit` shows it to administrators a
 * page at a time and exports it through a short-lived signed link; retention is the only delete.
 */

const ISAIAH: TeamsUser = {
  id: '29:isaiah-langer',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53',
  name: 'Isaiah Langer',
};
const DAY = 86_400_000;

function required(card: Card | undefined): Card {
  if (!card) throw new Error('expected a card');
  return card;
}

/** The headings of an audit card's entries (time · action). */
function headings(card: Card | undefined): string[] {
  return [...JSON.stringify(card ?? {}).matchAll(/"text":"([^"]+ · [a-z0-9.-]+)","weight":"Bolder"/g)].map(
    (m) => m[1],
  );
}

describe('the audit trail (HTTP, simulator, SQLite)', () => {
  let harness: PurchaseHarness;

  beforeAll(async () => {
    harness = await startPurchaseHarness({
      env: { ROLE_ADMINS: `${APPROVER.aadObjectId},${ISAIAH.aadObjectId}` },
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('records a full purchase: each read and each change, with who, where, about what, the Partner Center ids and the outcome', async () => {
    const before = (await harness.store.audit.list({ limit: 1 }))[0]?.id ?? 0;
    const purchase = await requestPurchase(harness);
    await approveAndComplete(harness, purchase);
    const france = (await harness.simulator.customer('Contoso France')).id.toLowerCase();
    const rows = (await harness.store.audit.list({ limit: 500 })).filter((r) => r.id > before).reverse();
    const actions = rows.map((r) => r.action);

    // The reads of the turns: Adele's list, Megan's buy (customer look-up, catalog), each with its customer.
    const reads = rows.filter((r) => r.action.startsWith('read.'));
    expect(reads.map((r) => r.action)).toEqual(expect.arrayContaining(['read.requests', 'read.buy']));
    const buy = reads.find((r) => r.action === 'read.buy' && r.customerId === france);
    expect(buy).toMatchObject({ actorId: REQUESTER.aadObjectId, actorName: 'Megan Bowen', outcome: 'ok' });

    // Every turn's record says who and where.
    const turnRows = rows.filter(
      (r) => r.actorId !== 'system:request-runner' && r.actorName !== 'request runner',
    );
    for (const row of turnRows) {
      expect([REQUESTER.aadObjectId, APPROVER.aadObjectId]).toContain(row.actorId);
      expect(row.tenantId).toBe(TENANT_ID);
      expect(row.conversationId).toBe(purchase.thread.conversationId);
      expect(row.correlationId).toEqual(expect.any(String));
    }

    // The MS-RequestIds of each read are exactly calls Partner Center saw, under that turn's correlation id.
    const log = await harness.simulator.requests();
    for (const read of reads.filter((r) => r.pcRequestId)) {
      const ids = (read.pcRequestId ?? '').split(' ');
      const seen = log.filter((call) => call.requestId !== undefined && ids.includes(call.requestId));
      expect(seen).toHaveLength(ids.length);
      for (const call of seen) expect(call.correlationId).toBe(read.correlationId);
    }

    // The changes, in order, each about the purchase of Contoso France in this conversation.
    const changes = rows.filter((r) => r.requestId === purchase.requestId);
    const order = ['request.create', 'request.approve', 'purchase.checkout', 'request.succeed'];
    for (const action of order) expect(actions.filter((a) => a === action)).toHaveLength(1);
    expect(order.map((a) => actions.indexOf(a))).toEqual(
      [...order.map((a) => actions.indexOf(a))].sort((x, y) => x - y),
    );
    for (const change of changes) {
      expect(change).toMatchObject({
        customerId: france,
        customerName: 'Contoso France',
        kind: 'purchase',
        tenantId: TENANT_ID,
        conversationId: purchase.thread.conversationId,
      });
    }
    expect(changes.find((r) => r.action === 'request.create')).toMatchObject({
      actorName: 'Megan Bowen',
      outcome: 'requested',
    });
    expect(changes.find((r) => r.action === 'request.approve')).toMatchObject({
      actorName: 'Adele Vance',
      outcome: 'approved',
    });
    const checkout = changes.find((r) => r.action === 'purchase.checkout');
    const checkoutCall = log.find((call) => call.requestId === checkout?.pcRequestId);
    expect(checkoutCall).toMatchObject({ method: 'POST', path: expect.stringMatching(/\/checkout$/i) });
  });

  it('records a refused forgery with who, where, why, and the request it aimed at; nothing changes', async () => {
    const purchase = await requestPurchase(harness, 'Contoso Pharmaceuticals');
    const request = await harness.requests.get(purchase.requestId);
    const forged = await purchase.thread.click(APPROVER, purchase.cardId, {
      verb: 'request.approve',
      requestId: purchase.requestId,
      version: 1,
      origin: 'card',
    });
    expect(textOf(forged.card)).toContain('This card was out of date');
    const [refusal] = (await harness.store.audit.list({ requestId: purchase.requestId })).filter((r) =>
      r.action.endsWith('.refused'),
    );
    expect(refusal).toMatchObject({
      action: 'request.approve.refused',
      outcome: 'stale-card',
      actorId: APPROVER.aadObjectId,
      actorName: 'Adele Vance',
      tenantId: TENANT_ID,
      conversationId: purchase.thread.conversationId,
      kind: 'purchase',
      customerName: 'Contoso Pharmaceuticals',
    });
    expect(refusal.correlationId).toEqual(expect.any(String));
    expect((await harness.requests.get(purchase.requestId))?.version).toBe(request?.version);
  });

  it('shows the trail to administrators a page at a time, Next and Previous with cursors kept on the server', async () => {
    const t = new TeamsThread(harness);
    for (let i = 0; i < 25; i++) {
      await harness.store.audit.append({ actorId: 'test', action: `filler-${i}`, outcome: 'ok' });
    }
    const [first] = await t.say(APPROVER, 'audit');
    const page1 = required(first.card);
    expect(textOf(page1)).toContain('All customers · the last 30 days');
    expect(headings(page1)).toHaveLength(10);

    const next = actionOf(page1, { verb: 'audit.page' });
    // The card carries a view id and a page number, never a cursor.
    expect(Object.keys(next).sort()).toEqual(['page', 'verb', 'viewId']);
    const second = await t.click(APPROVER, first.id, next);
    const page2 = required(second.card);
    expect(headings(page2)).toHaveLength(10);
    expect(headings(page2).filter((h) => headings(page1).includes(h))).toEqual([]);
    const stored = await harness.store.audit.list({ limit: 20 });
    // Page 2 starts right after page 1, which opens with the view's own audit.view record.
    expect(headings(page1)[0]).toMatch(/ · audit\.view$/);
    expect(stored.map((e) => e.action)).toEqual(
      [...headings(page1), ...headings(page2)].map((h) => h.split(' · ').pop()),
    );

    const back = await t.click(APPROVER, first.id, { ...next, page: 0 });
    expect(headings(back.card)).toEqual(headings(page1));

    // Another administrator cannot use Adele's view; a requester cannot read the trail at all.
    const other = await t.click(ISAIAH, first.id, next);
    expect(other.statusCode).toBe(410);
    const megan = await t.click(REQUESTER, first.id, next);
    expect(megan.statusCode).toBe(403);
    const [refused] = await t.say(REQUESTER, 'audit');
    expect(textOf(refused.card)).toContain('You need the Administrator role');
    const refusals = (await harness.store.audit.list({ limit: 3 })).map((e) => [
      e.action,
      e.outcome,
      e.actorName,
    ]);
    expect(refusals).toEqual([
      ['audit.view.refused', 'forbidden', 'Megan Bowen'],
      ['audit.view.refused', 'forbidden', 'Megan Bowen'],
      ['audit.view.refused', 'not-owner', 'Isaiah Langer'],
    ]);
  });

  it('filters by customer and days', async () => {
    const t = new TeamsThread(harness);
    const france = (await harness.simulator.customer('Contoso France')).id.toLowerCase();
    const [answer] = await t.say(APPROVER, 'audit Contoso France 7');
    const card = required(answer.card);
    expect(textOf(card)).toContain('Contoso France · the last 7 days');
    const shown = headings(card);
    const expected = await harness.store.audit.list({ customerId: france, limit: 10 });
    expect(shown.map((h) => h.split(' · ').pop())).toEqual(expected.map((e) => e.action));
    const [bad] = await t.say(APPROVER, 'audit 0');
    expect(textOf(bad.card)).toContain('whole number from 1 to 3650');
  });

  it('exports the trail as CSV through a short-lived signed link, and records the export', async () => {
    const t = new TeamsThread(harness);
    const [first] = await t.say(APPROVER, 'audit');
    const exported = await t.click(
      APPROVER,
      first.id,
      actionOf(required(first.card), { verb: 'audit.export' }),
    );
    const url = (required(exported.card).actions ?? []).find((a) => a.type === 'Action.OpenUrl') as
      { url?: string } | undefined;
    expect(url?.url).toMatch(/\/downloads\/[\w-]+\?expires=\d+&signature=/);
    const response = await fetch(url?.url ?? '');
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte order mark
    const csv = bytes.subarray(3).toString('utf8');
    const lines = csv.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    const exportRecord = (await harness.store.audit.list({ limit: 5 })).find(
      (e) => e.action === 'audit.export',
    );
    expect(exportRecord?.details?.rows).toBe(lines.length - 1);
    // Every entry but the export's own record, which was written after the file.
    const all = await harness.store.audit.list({ limit: 10_000 });
    expect(lines.length - 1).toBe(all.filter((e) => e.id < (exportRecord?.id ?? 0)).length);
    expect(csv).toContain('request.approve.refused');

    const tampered = (url?.url ?? '').replace(/signature=./, 'signature=A');
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('purges entries older than the retention, and only those (the trail’s only delete)', async () => {
    const now = Date.now();
    const customerId = 'retention-test-customer';
    for (const age of [400, 366, 2]) {
      await harness.store.audit.append({
        at: now - age * DAY,
        actorId: 'a',
        action: `aged-${age}`,
        outcome: 'ok',
        customerId,
      });
    }
    const total = (await harness.store.audit.list({ limit: 10_000 })).length;
    expect(await purgeAuditTrail(harness.store.audit, 365, now)).toBe(2);
    expect((await harness.store.audit.list({ customerId })).map((e: AuditEntry) => e.action)).toEqual([
      'aged-2',
    ]);
    expect((await harness.store.audit.list({ limit: 10_000 })).length).toBe(total - 2);

    // The domain schedules it.
    const job = harness.domain.jobs().find((j) => j.name === 'purge-audit');
    expect(job?.everyMs).toBeGreaterThan(0);
    const context: JobContext = {
      correlationId: 'retention-test',
      logger: silentLogger(),
      signal: new AbortController().signal,
      now: () => now + 400 * DAY,
      instanceId: 'test',
    };
    await job?.run(context);
    expect(await harness.store.audit.list({ customerId })).toEqual([]);
  });
});
