import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { createStore, type Store } from '../../../src/store';
import { ReconciliationCsv } from '../../../src/workflows/invoices/csvExport';
import { TeamsThread, actionOf, type Card } from '../purchase/teamsDriver';
import { REQUESTER } from '../../support/teamsActivities';
import { createPgSchema, type PgSchema } from '../store/testDatabases';
import { cents, download, openUrlOf, parseCsv, reconcile, textsOf } from './cardReading';
import { OffsetClock, startInvoiceHarness, type InvoiceHarness } from './harness';

/**
 * The CSV of a reconciliation behind a short-lived signed link the bot serves: what a valid link
 * gives, what a tampered or expired one gets (and how little it tells), a new link from the card,
 * and several instances serving one another's links from the shared database.
 */

const FORBIDDEN = 'This link is not valid.\n';
const GONE = 'This link has expired. Ask the bot for a new one.\n';
const LINK_TTL_MS = 15 * 60_000;
const RETENTION_MS = 24 * 3_600_000;

async function noRetryAfter(harness: InvoiceHarness): Promise<void> {
  await axios.put(`${harness.simulator.baseUrl}/_sim/config`, { graphExportRetryAfterSeconds: 0 });
}

describe('CSV download links (HMAC, expiry, loopback)', () => {
  let harness: InvoiceHarness;
  let card: Card;
  let cardId: string;
  let url: URL;

  beforeAll(async () => {
    harness = await startInvoiceHarness({ clock: new OffsetClock() });
    await noRetryAfter(harness);
    const result = await reconcile(harness, new TeamsThread(harness), 'recon G000100001');
    card = result.last;
    cardId = result.id;
    url = new URL(openUrlOf(card));
  });

  afterAll(async () => {
    await harness.close();
  });

  const withQuery = (change: (query: URLSearchParams) => void, path = url.pathname) => {
    const query = new URLSearchParams(url.search);
    change(query);
    return `${url.origin}${path}?${query.toString()}`;
  };

  it('points at the bot itself on loopback (no public base URL in the sandbox) and carries no secret', () => {
    expect(url.origin).toBe(harness.app.server.url);
    expect(url.pathname).toMatch(/^\/downloads\/[A-Za-z0-9_-]{22}$/);
    expect([...url.searchParams.keys()].sort()).toEqual(['expires', 'signature']);
    expect(url.href).not.toContain(harness.signingKey.toString('base64url'));
    expect(url.href).not.toContain(harness.signingKey.toString('base64'));
    expect(Number(url.searchParams.get('expires')) * 1000).toBeLessThanOrEqual(
      harness.clock.now() + LINK_TTL_MS,
    );
  });

  it('serves the CSV, uncompressed, as an attachment, never cached', async () => {
    const answer = await download(url.href);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toContain(
      'attachment; filename="reconciliation-G000100001.csv"',
    );
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.text.startsWith('\ufeffInvoiceNumber,CustomerId,CustomerName')).toBe(true);
    const invoice = await harness.pc.invoices.get('G000100001');
    expect(parseCsv(answer.text).reduce((n, r) => n + cents(r.TotalForCustomer), 0)).toBe(
      cents(invoice.totalCharges),
    );
  });

  it.each([
    ['a changed signature', () => withQuery((q) => q.set('signature', flip(q.get('signature') ?? '')))],
    ['a later expiry', () => withQuery((q) => q.set('expires', String(Number(q.get('expires')) + 3_600)))],
    [
      'another file id',
      () => withQuery(() => undefined, `/downloads/${randomBytes(16).toString('base64url')}`),
    ],
    ['no signature', () => withQuery((q) => q.delete('signature'))],
    ['no expiry', () => withQuery((q) => q.delete('expires'))],
  ])('refuses a link with %s: 403 and nothing else said', async (_what, tampered) => {
    const answer = await download(tampered());
    expect(answer.status).toBe(403);
    expect(answer.text).toBe(FORBIDDEN);
    expect(answer.headers['content-disposition']).toBeUndefined();
  });

  it('expires: 410 once its time has passed; the card gives a new link while the file is kept', async () => {
    harness.clock.advance(LINK_TTL_MS + 1_000);
    const expired = await download(url.href);
    expect(expired.status).toBe(410);
    expect(expired.text).toBe(GONE);
    const tamperedAndExpired = await download(
      withQuery((q) => q.set('signature', flip(q.get('signature') ?? ''))),
    );
    expect(tamperedAndExpired.status).toBe(403);

    const thread = new TeamsThread(harness);
    const answer = await thread.click(REQUESTER, cardId, actionOf(card, { verb: 'invoices.newLink' }));
    expect(answer.statusCode).toBe(200);
    const fresh = openUrlOf(answer.card);
    expect(fresh).not.toBe(url.href);
    expect(textsOf(answer.card)).toContain('Reconciliation of invoice G000100001');
    expect((await download(fresh)).status).toBe(200);

    harness.clock.advance(RETENTION_MS);
    expect((await download(fresh)).status).toBe(410);
    const gone = await thread.click(REQUESTER, cardId, actionOf(card, { verb: 'invoices.newLink' }));
    expect(gone.message).toBe('This export is no longer kept. Run the command again for a fresh one.');
  });
});

describe('download links with Bot Framework authentication on', () => {
  it('serves a valid link without a token while /api/messages refuses a call without one', async () => {
    const harness = await startInvoiceHarness({
      graph: false,
      env: {
        MicrosoftAppId: '3c5b2a1d-0000-4000-8000-00000000b0b1',
        MicrosoftAppPassword: 'not-a-secret',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
      },
    });
    try {
      const messages = await fetch(`${harness.app.server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'hi' }),
      });
      expect(messages.status).toBe(401);
      const csv = new ReconciliationCsv(harness.store.downloads, {
        id: randomBytes(16).toString('base64url'),
        fileName: 'x.csv',
        expiresAt: harness.clock.now() + 60_000,
      });
      await csv.open({});
      await csv.add({ customerId: 'c1', customerName: 'Contoso', total: 1.5 });
      expect(await csv.close({})).toBe(true);
      const link = harness.app.downloadLinks.link(csv.id, harness.clock.now() + 60_000);
      const answer = await download(link.url);
      expect(answer.status).toBe(200);
      expect(parseCsv(answer.text)).toEqual([
        expect.objectContaining({ CustomerName: 'Contoso', TotalForCustomer: '1.5' }),
      ]);
    } finally {
      await harness.close();
    }
  });
});

describe('several instances on one PostgreSQL database', () => {
  let pg: PgSchema;
  const stores: Store[] = [];

  beforeAll(async () => {
    pg = await createPgSchema('invoices');
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await pg.drop();
  });

  const openStore = async (clock: OffsetClock) => {
    const store = await createStore({
      databaseUrl: pg.url,
      postgresSchema: pg.schema,
      poolMax: 3,
      now: clock.now,
    });
    stores.push(store);
    return store;
  };

  it('an instance serves the link another made (same key), and one with another key refuses it', async () => {
    const clock = new OffsetClock();
    const signingKey = randomBytes(32);
    const first = await startInvoiceHarness({
      clock,
      signingKey,
      store: await openStore(clock),
      node: 'first',
    });
    const second = await startInvoiceHarness({
      clock,
      signingKey,
      simulator: first.simulator,
      store: await openStore(clock),
      node: 'second',
    });
    const stranger = await startInvoiceHarness({
      clock,
      simulator: first.simulator,
      store: await openStore(clock),
      node: 'stranger',
    });
    try {
      await noRetryAfter(first);
      const { last } = await reconcile(first, new TeamsThread(first), 'recon G000100002');
      const link = new URL(openUrlOf(last));
      const mine = await download(link.href);
      const fromSecond = await download(`${second.app.server.url}${link.pathname}${link.search}`);
      expect(fromSecond.status).toBe(200);
      expect(fromSecond.text).toBe(mine.text);
      const fromStranger = await download(`${stranger.app.server.url}${link.pathname}${link.search}`);
      expect(fromStranger.status).toBe(403);
    } finally {
      await stranger.close();
      await second.close();
      await first.close();
    }
  });

  it('a reconciliation a stopped instance left half done is finished by another, continuing the same export', async () => {
    const clock = new OffsetClock();
    const signingKey = randomBytes(32);
    const first = await startInvoiceHarness({
      clock,
      signingKey,
      store: await openStore(clock),
      node: 'crashing',
    });
    const second = await startInvoiceHarness({
      clock,
      signingKey,
      simulator: first.simulator,
      store: await openStore(clock),
      node: 'taking-over',
    });
    try {
      await noRetryAfter(first);
      // Graph asks for 10 s between polls: the clock is moved instead of waited.
      await first.simulator.control('/graph/exports/next', {
        outcome: 'slow',
        polls: 3,
        retryAfterSeconds: 10,
      });
      const thread = new TeamsThread(first);
      const [answer] = await thread.say(REQUESTER, 'recon G000100003');
      await first.settle();
      await first.domain.queue.drain();
      first.domain.queue.halt();
      const [left] = await first.store.watches.list({ kind: 'invoice-reconciliation' });
      expect(left.payload).toMatchObject({
        export: { operationId: expect.any(String), status: 'notStarted' },
      });
      expect(left.payload.outcome).toBeUndefined();
      for (
        let i = 0;
        i < 10 && (await second.store.watches.list({ kind: 'invoice-reconciliation' })).length > 0;
        i++
      ) {
        clock.advance(10_000);
        await second.settle();
      }
      expect(await second.store.watches.list({ kind: 'invoice-reconciliation' })).toEqual([]);
      const last = thread
        .sentHere()
        .filter((s) => s.method === 'PUT' && s.id === answer.id)
        .pop();
      expect(textsOf(last?.card).join('\n')).toContain('✅ The line items add up to the invoice total');
      const exports = (await first.simulator.requests()).filter((r) => r.path.endsWith('/billed/export'));
      expect(exports).toHaveLength(1);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

function flip(signature: string): string {
  const c = signature[5];
  return `${signature.slice(0, 5)}${c === 'A' ? 'B' : 'A'}${signature.slice(6)}`;
}
