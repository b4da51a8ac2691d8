import axios from 'axios';
import { collect } from '../../../src/partnercenter';
import { RECONCILIATION_TASK } from '../../../src/workflows/invoices/reconciliationJob';
import { TeamsThread, textOf } from '../purchase/teamsDriver';
import { REQUESTER } from '../../support/teamsActivities';
import { cents, download, factOf, factsOf, openUrlOf, parseCsv, reconcile, textsOf } from './cardReading';
import { startInvoiceHarness, type InvoiceHarness } from './harness';

/**
 * Invoices and reconciliation in Teams, through the real bot over HTTP with the simulator serving
 * Partner Center and the Microsoft Graph billing export: every total is checked against the
 * simulator's own invoice (read through Partner Center), never against a number written here.
 */

const money = (amount: number, currency: string, locale = 'en-US') =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);

describe('invoices and reconciliation in Teams (HTTP, simulator with Graph billing, SQLite)', () => {
  let harness: InvoiceHarness;

  const simConfig = (config: Record<string, number>) =>
    axios.put(`${harness.simulator.baseUrl}/_sim/config`, config);
  const planExport = (plan: Record<string, unknown>) =>
    harness.simulator.control('/graph/exports/next', plan);
  const invoice = (id: string) => harness.pc.invoices.get(id);
  const thread = (locale?: string) => new TeamsThread(harness, { locale });

  beforeAll(async () => {
    harness = await startInvoiceHarness();
  });

  beforeEach(async () => {
    await harness.simulator.reseed();
    await simConfig({
      graphExportRetryAfterSeconds: 0,
      graphExportRunningPolls: 1,
      graphExportLinesPerBlob: 2_000,
    });
    await axios.delete(`${harness.simulator.baseUrl}/_sim/graph/exports/next`);
  });

  afterAll(async () => {
    await harness.close();
  });

  describe('invoices', () => {
    it('lists the most recent invoices with date, number, total and paid, in English', async () => {
      const [answer] = await thread().say(REQUESTER, 'invoices');
      const texts = textsOf(answer.card);
      expect(texts[0]).toBe('Recent invoices');
      const listed = await collect(harness.pc.invoices.list());
      const newest = [...listed].sort(
        (a, b) => Date.parse(b.invoiceDate ?? '') - Date.parse(a.invoiceDate ?? ''),
      );
      for (const inv of newest.slice(0, 5)) {
        expect(texts).toContain(inv.id);
        expect(texts).toContain(money(inv.totalCharges ?? 0, inv.currencyCode ?? 'USD'));
      }
      const oldPaid = newest.find((i) => (i.paidAmount ?? 0) > 0 && i.paidAmount === i.totalCharges);
      expect(oldPaid).toBeDefined();
      expect(texts).toContain('Paid');
      expect(texts).toContain('Not paid');
      const date = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(
        new Date(newest[0].invoiceDate ?? ''),
      );
      expect(texts).toContain(date);
    });

    it('factures: the same list in French, amounts and dates written the French way', async () => {
      const [answer] = await thread('fr-FR').say(REQUESTER, 'factures');
      const texts = textsOf(answer.card);
      expect(texts[0]).toBe('Dernières factures');
      const eur = await invoice('G000100002');
      expect(texts).toContain(money(eur.totalCharges ?? 0, 'EUR', 'fr-FR'));
      expect(texts).toContain(
        new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeZone: 'UTC' }).format(
          new Date(eur.invoiceDate ?? ''),
        ),
      );
      expect(texts).toContain('Non payée');
    });

    it('invoices <id>: the invoice and its totals per customer, which add up to the invoice total', async () => {
      const expected = await invoice('G000100001');
      const { first, last } = await reconcile(harness, thread(), 'invoices G000100001');
      expect(textsOf(first)).toContain('Invoice G000100001');
      expect(factOf(first, 'Invoice total')).toBe(money(expected.totalCharges ?? 0, 'USD'));
      const perCustomer = factsOf(last).slice(factsOf(last).findIndex(([t]) => t === 'Read from') + 1);
      const v1 = await collect(harness.pc.invoices.lineItems('G000100001'));
      const byCustomer = new Map<string, number>();
      for (const l of v1)
        byCustomer.set(
          l.customerName ?? '',
          (byCustomer.get(l.customerName ?? '') ?? 0) + cents(l.totalForCustomer),
        );
      expect(perCustomer).toHaveLength(byCustomer.size);
      for (const [name, value] of perCustomer)
        expect(value).toBe(money((byCustomer.get(name) ?? -1) / 100, 'USD'));
      expect(textsOf(last)).toContain(
        `✅ The line items add up to the invoice total, ${money(expected.totalCharges ?? 0, 'USD')}.`,
      );
    });

    it('selecting an invoice of the list shows it with its totals per customer', async () => {
      const t = thread();
      const [list] = await t.say(REQUESTER, 'invoices');
      expect(textOf(list.card)).toContain(
        '"selectAction":{"type":"Action.Execute","title":"D000070001","verb":"command.run","data":{"command":"invoices","argText":"D000070001"}}',
      );
      const before = t.sentHere().length;
      const answer = await t.click(REQUESTER, list.id, {
        verb: 'command.run',
        command: 'invoices',
        argText: 'D000070001',
      });
      expect(answer.statusCode).toBe(200);
      const [shown] = t
        .sentHere()
        .slice(before)
        .filter((s) => s.method === 'POST');
      expect(textsOf(shown.card)).toContain('Invoice D000070001');
      await harness.finishReconciliations();
      const last = t
        .sentHere()
        .filter((s) => s.method === 'PUT' && s.id === shown.id)
        .pop();
      expect(textsOf(last?.card)).toContain('Totals per customer');
    });

    it('an unknown invoice or a malformed id is answered at once, and nothing is queued', async () => {
      const t = thread();
      const [unknown] = await t.say(REQUESTER, 'invoices G999999999');
      expect(textOf(unknown.card)).toContain('Partner Center knows no invoice G999999999');
      const [bad] = await t.say(REQUESTER, 'recon ../../etc');
      expect(textOf(bad.card)).toContain('is not an invoice id');
      expect(await harness.store.watches.list({ kind: RECONCILIATION_TASK })).toEqual([]);
    });
  });

  describe('recon through the Graph billing export (v2)', () => {
    it.each(['G000100001', 'G000100002', 'G000100003'])(
      'recon %s: the line items add up to the invoice total, on the card and in the CSV',
      async (invoiceId) => {
        const expected = await invoice(invoiceId);
        const currency = expected.currencyCode ?? '';
        const { last } = await reconcile(harness, thread(), `recon ${invoiceId}`);
        const requests = await harness.simulator.requests();
        expect(
          requests.some((r) => r.method === 'POST' && r.path.endsWith('/reconciliation/billed/export')),
        ).toBe(true);
        // New commerce is not read from the v1 line items.
        expect(requests.some((r) => r.path.startsWith(`/v1/invoices/${invoiceId}/lineitems`))).toBe(false);
        const total = money(expected.totalCharges ?? 0, currency);
        expect(textsOf(last)).toContain(`✅ The line items add up to the invoice total, ${total}.`);
        expect(factOf(last, 'Sum of the line items')).toBe(total);
        expect(factOf(last, 'Read from')).toBe('Microsoft Graph billing export (v2)');
        const v1 = await collect(harness.pc.invoices.lineItems(invoiceId));
        expect(factOf(last, 'Line items')).toBe(String(v1.length));
        const csv = parseCsv((await download(openUrlOf(last))).text);
        expect(csv).toHaveLength(v1.length);
        expect(csv.reduce((n, r) => n + cents(r.TotalForCustomer), 0)).toBe(cents(expected.totalCharges));
        expect(new Set(csv.map((r) => r.InvoiceNumber))).toEqual(new Set([invoiceId]));
      },
    );

    it('reads a multi-blob manifest (4,500 lines in three blobs) and still adds up to the invoice', async () => {
      const expected = await invoice('G000098001');
      const { updates, last } = await reconcile(harness, thread(), 'recon G000098001');
      const blobs = (await harness.simulator.requests()).filter((r) => r.path.startsWith('/blobs/'));
      expect(blobs).toHaveLength(3);
      expect(
        updates.some((u) =>
          textsOf(u).some((x) => /Reading the exported line items: .* \(file \d of 3\)/.test(x)),
        ),
      ).toBe(true);
      expect(factOf(last, 'Line items')).toBe('4,500');
      expect(textsOf(last)).toContain(
        `✅ The line items add up to the invoice total, ${money(expected.totalCharges ?? 0, 'USD')}.`,
      );
      const csv = parseCsv((await download(openUrlOf(last))).text);
      expect(csv).toHaveLength(4_500);
      expect(csv.reduce((n, r) => n + cents(r.TotalForCustomer), 0)).toBe(cents(expected.totalCharges));
    });

    it('an export that takes several polls shows its progress in the same card, then the result', async () => {
      await planExport({ outcome: 'slow', polls: 4, retryAfterSeconds: 0 });
      const t = thread();
      const { id, first, updates, last } = await reconcile(harness, t, 'recon G000100003');
      expect(textsOf(first)).toContain('Starting…');
      const checks = updates
        .flatMap((u) => textsOf(u))
        .map((x) => /Microsoft Graph is preparing the export: (\w+) \(check (\d+),/.exec(x))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1], Number(m[2])]);
      expect(checks).toEqual([
        ['queued', 1],
        ['running', 2],
        ['running', 3],
        ['running', 4],
      ]);
      const polls = (await harness.simulator.requests()).filter((r) =>
        r.path.includes('/billing/operations/'),
      );
      expect(polls).toHaveLength(5);
      expect(textOf(last)).toContain('✅ The line items add up to the invoice total');
      // Every report went to the card the turn sent: no other message in the thread.
      expect(
        t
          .sentHere()
          .filter((s) => s.method === 'POST')
          .map((s) => s.id),
      ).toEqual([id]);
    });

    it('the turn answers before the export ends: the export waits in the store, not in the turn', async () => {
      await planExport({ outcome: 'slow', polls: 1_000, retryAfterSeconds: 10 });
      const [answer] = await thread().say(REQUESTER, 'recon G000100001');
      expect(textsOf(answer.card)).toContain('Starting…');
      await harness.settle();
      const [task] = await harness.store.watches.list({ kind: RECONCILIATION_TASK });
      expect(task.payload).toMatchObject({ export: { status: expect.stringMatching(/notStarted|running/) } });
      await harness.store.watches.delete(task.id);
    });

    it('a failed export (5000, no data) ends with a clear failure and the reference of its calls', async () => {
      await planExport({ outcome: 'failed' });
      const { last } = await reconcile(harness, thread(), 'recon G000100001');
      const text = textsOf(last).join('\n');
      expect(text).toContain('The reconciliation could not be done');
      expect(text).toContain(
        'Microsoft Graph has no reconciliation data for this (code 5000: No data available)',
      );
      const exportCall = (await harness.simulator.requests()).find((r) => r.path.endsWith('/billed/export'));
      expect(text).toContain(`Reference: ${exportCall?.correlationId}`);
    });

    it('an export that fails otherwise says so with its code', async () => {
      await planExport({
        outcome: 'failed',
        code: 'ExportFailed',
        message: 'The export could not be produced',
      });
      const { last } = await reconcile(harness, thread(), 'recon G000100002');
      expect(textsOf(last)).toContain(
        'The Microsoft Graph export failed (code ExportFailed: The export could not be produced). Try again later.',
      );
    });

    it('Graph refusing the billing app (403) is an authentication failure, not retried for ever', async () => {
      await harness.simulator.fault({
        method: 'POST',
        path: '/v1.0/reports/partners/billing/reconciliation/billed/export',
        status: 403,
        times: 5,
      });
      const { last } = await reconcile(harness, thread(), 'recon G000100001');
      expect(textsOf(last).join('\n')).toMatch(
        /The billing service refused the bot's credentials .*PartnerBilling\.Read\.All/,
      );
      const posts = (await harness.simulator.requests()).filter((r) => r.path.endsWith('/billed/export'));
      expect(posts).toHaveLength(1);
    });

    it('an export still running at the deadline ends as timed out', async () => {
      await planExport({ outcome: 'slow', polls: 1_000, retryAfterSeconds: 10 });
      const t = thread();
      const [answer] = await t.say(REQUESTER, 'recon G000100001');
      await harness.settle();
      harness.clock.advance(61_000);
      await harness.finishReconciliations();
      const last = t
        .sentHere()
        .filter((s) => s.method === 'PUT' && s.id === answer.id)
        .pop();
      expect(textsOf(last?.card)).toContain(
        'Microsoft Graph did not finish the export in the time allowed, so it was given up. Try again later.',
      );
    });

    it('recon <id> <customer>: only that customer, its share apart, the invoice check still on every line', async () => {
      const expected = await invoice('G000100001');
      const fabrikam = await harness.simulator.customer('Fabrikam Inc');
      const { last } = await reconcile(harness, thread(), 'recon G000100001 Fabrikam Inc');
      const v1 = await collect(harness.pc.invoices.lineItems('G000100001'));
      const own = v1.filter((l) => l.customerId === fabrikam.id);
      const share = own.reduce((n, l) => n + cents(l.totalForCustomer), 0);
      const texts = textsOf(last);
      expect(texts.join('\n')).toContain(
        `Fabrikam Inc: ${money(share / 100, 'USD')} in ${own.length} line items.`,
      );
      expect(texts.join('\n')).toContain(
        `✅ The line items add up to the invoice total, ${money(expected.totalCharges ?? 0, 'USD')}.`,
      );
      expect(texts.filter((x) => /: \$[\d,.]+$/.test(x))).toEqual([
        `Fabrikam Inc: ${money(share / 100, 'USD')}`,
      ]);
      const csv = parseCsv((await download(openUrlOf(last))).text);
      expect(csv).toHaveLength(own.length);
      expect(new Set(csv.map((r) => r.CustomerId))).toEqual(new Set([fabrikam.id]));
      expect(csv.reduce((n, r) => n + cents(r.TotalForCustomer), 0)).toBe(share);
    });

    it('recon unbilled <currency>: the current period not invoiced yet, as the v1 unbilled items say', async () => {
      const { last } = await reconcile(harness, thread(), 'recon unbilled usd');
      const v1 = await collect(
        harness.pc.invoices.unbilledLineItems({ currencyCode: 'USD', period: 'current' }),
      );
      const sum = v1.reduce((n, l) => n + cents(l.totalForCustomer), 0);
      expect(textsOf(last)[0]).toBe('Unbilled charges, current period, USD');
      expect(textsOf(last)).toContain(
        `Not invoiced yet: the line items add up to ${money(sum / 100, 'USD')}. There is no invoice total to compare with until the invoice is issued.`,
      );
      expect(factOf(last, 'Line items')).toBe(String(v1.length));
      const exported = (await harness.simulator.requests()).find((r) =>
        r.path.endsWith('/reconciliation/unbilled/export'),
      );
      expect(exported?.method).toBe('POST');
    });

    it('recon unbilled without a currency, or with a word that is not one, explains the syntax', async () => {
      const t = thread();
      const [none] = await t.say(REQUESTER, 'recon unbilled');
      expect(textOf(none.card)).toContain('recon unbilled <currency> [customer]');
      const [bad] = await t.say(REQUESTER, 'recon unbilled Contoso');
      expect(textOf(bad.card)).toContain('`Contoso` is not a currency code');
    });

    it('rapprochement in French: the card is in French, amounts and the check written the French way', async () => {
      const expected = await invoice('G000100002');
      const { first, last } = await reconcile(harness, thread('fr-FR'), 'rapprochement G000100002');
      expect(textsOf(first)).toContain('Démarrage…');
      expect(textsOf(last)[0]).toBe('Rapprochement de la facture G000100002');
      const total = money(expected.totalCharges ?? 0, 'EUR', 'fr-FR');
      expect(textsOf(last)).toContain(`✅ La somme des lignes est égale au total de la facture, ${total}.`);
      expect(factOf(last, 'Somme des lignes')).toBe(total);
      expect(factOf(last, 'Source')).toBe('Export de facturation Microsoft Graph (v2)');
      expect((last.actions ?? []).map((a) => a.title)).toEqual([
        'Télécharger les lignes (CSV)',
        'Nouveau lien de téléchargement',
      ]);
    });
  });

  describe('legacy invoices through the v1 line items', () => {
    it('recon D000070001: read from v1 (no Graph export), adding up to the invoice total', async () => {
      const expected = await invoice('D000070001');
      const { last } = await reconcile(harness, thread(), 'recon D000070001');
      const total = money(expected.totalCharges ?? 0, 'EUR');
      expect(textsOf(last)).toContain(`✅ The line items add up to the invoice total, ${total}.`);
      expect(factOf(last, 'Read from')).toBe('Partner Center v1 line items (legacy invoice)');
      const requests = await harness.simulator.requests();
      expect(requests.some((r) => r.path.startsWith('/v1.0/'))).toBe(false);
      const csv = parseCsv((await download(openUrlOf(last))).text);
      expect(csv.reduce((n, r) => n + cents(r.TotalForCustomer), 0)).toBe(cents(expected.totalCharges));
      expect(csv.every((r) => r.InvoiceNumber === 'D000070001' && r.ProductName !== '')).toBe(true);
    });

    it.each([
      ['foreignNextLink', 'is an absolute URL, not a path relative to /v1', 1],
      ['unparsableNextLink', 'cannot be parsed', 1],
      ['repeatedNextLink', 'a next link it had already sent', 2],
      ['repeatedContinuationToken', 'a continuation token it had already sent', 2],
    ])(
      'a %s on the v1 pages ends with a clear error, after a bounded number of calls',
      async (fault, reason, calls) => {
        await harness.simulator.control('/invoices/D000070001/paging', { fault });
        const { last } = await reconcile(harness, thread(), 'recon D000070001');
        const text = textsOf(last).join('\n');
        expect(text).toContain('Partner Center sent a broken page link while listing the line items');
        expect(text).toContain(reason);
        expect(text).toMatch(/Reference: [0-9a-f-]{36}/);
        expect((last.actions ?? []).length).toBe(0);
        const pages = (await harness.simulator.requests()).filter((r) =>
          r.path.startsWith('/v1/invoices/D000070001/lineitems'),
        );
        expect(pages).toHaveLength(calls);
      },
    );
  });

  describe('without a Graph billing app', () => {
    let bare: InvoiceHarness;

    beforeAll(async () => {
      bare = await startInvoiceHarness({ graph: false, simulator: harness.simulator });
    });

    afterAll(async () => {
      await bare.close();
    });

    it('new commerce says what to configure; a legacy invoice is still reconciled from v1', async () => {
      const t = new TeamsThread(bare);
      const graph = await reconcile(bare, t, 'recon G000100001');
      expect(textsOf(graph.last).join('\n')).toContain(
        'needs the Microsoft Graph billing app (GRAPH_BILLING_TENANT_ID, GRAPH_BILLING_CLIENT_ID and its secret or certificate), which is not configured',
      );
      const legacy = await reconcile(bare, t, 'recon D000070001');
      expect(textsOf(legacy.last).join('\n')).toContain('✅ The line items add up to the invoice total');
    });
  });
});
