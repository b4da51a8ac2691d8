import { gunzipSync } from 'node:zlib';
import { PARTNER_TENANT, SimHarness, missingKeys, sample } from './simHarness';

type Json = Record<string, unknown>;
type Link = { uri: string; headers: { key: string; value: string }[] };
type Collection = { items: Json[]; links: { next?: Link } };
interface Manifest {
  id: string;
  rootDirectory: string;
  sasToken: string;
  blobCount: number;
  blobs: { name: string; partitionValue: string }[];
}

const BILLING = '/v1.0/reports/partners/billing';
const cents = (n: unknown) => Math.round(Number(n) * 100);

describe('simulator Microsoft Graph partner billing export', () => {
  let h: SimHarness;
  let graphToken: string;

  beforeAll(async () => {
    h = await SimHarness.start({ rateLimits: false });
  });

  beforeEach(async () => {
    await h.reseed();
    await h.control('PUT', '/config', { graphExportRetryAfterSeconds: 0, graphExportLinesPerBlob: 2000 });
    const token = await h.token({
      grant_type: 'client_credentials',
      client_id: 'graph-billing-app',
      client_secret: 'secret',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(token.status).toBe(200);
    graphToken = String(token.body.access_token);
  });

  afterAll(async () => {
    await h.close();
  });

  const graph = <T = Json>(method: string, path: string, body?: unknown, token = graphToken) =>
    h.raw<T>(method, path.startsWith('http') ? new URL(path).pathname : path, {
      token,
      body,
      headers: { 'client-request-id': 'corr-graph-test' },
    });

  async function start(kind: string, body: unknown): Promise<string> {
    const res = await graph('POST', `${BILLING}/${kind}/export`, body);
    expect(res.status).toBe(202);
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${h.baseUrl}${BILLING}/operations/[0-9a-f-]{36}$`));
    return location;
  }

  /** Polls until the operation is no longer running; returns every answer. */
  async function poll(location: string) {
    const answers: { status: number; retryAfter: string | null; body: Json }[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await graph('GET', location);
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: res.body });
      if (res.body.status !== 'notStarted' && res.body.status !== 'running') return answers;
    }
    throw new Error('the export never ended');
  }

  async function manifestOf(location: string): Promise<Manifest> {
    const done = (await poll(location)).at(-1)!;
    expect(done.body.status).toBe('succeeded');
    const res = await graph<Manifest>('GET', String(done.body['resourceLocation@odata.navigationLink']));
    expect(res.status).toBe(200);
    return res.body;
  }

  const blobUrl = (m: Manifest, name: string, sas = m.sasToken) =>
    `${new URL(m.rootDirectory).pathname}/${name}?${sas}`;

  async function download(m: Manifest, name: string, sas?: string): Promise<Json[]> {
    const res = await fetch(`${h.baseUrl}${blobUrl(m, name, sas)}`);
    expect(res.status).toBe(200);
    const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    return text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Json);
  }

  async function allRows(m: Manifest): Promise<Json[][]> {
    const out: Json[][] = [];
    for (const blob of m.blobs) out.push(await download(m, blob.name));
    return out;
  }

  it('issues Graph tokens and keeps the audiences apart: a PC token is refused by Graph and vice versa', async () => {
    const withPcToken = await graph(
      'POST',
      `${BILLING}/reconciliation/billed/export`,
      { invoiceId: 'G000100001' },
      h.appToken,
    );
    expect(withPcToken.status).toBe(401);
    expect(withPcToken.body).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: expect.stringContaining('Invalid audience') },
    });
    const none = await h.raw('GET', `${BILLING}/operations/x`);
    expect(none.status).toBe(401);
    const onPc = await h.raw('GET', '/v1/invoices', { token: graphToken });
    expect(onPc.status).toBe(401);
    expect(onPc.body.code).toBe('400');
  });

  it('exports a new-commerce invoice: 202 + Location, running then succeeded, a manifest, gzip JSON-lines blobs that add up to the invoice', async () => {
    await h.control('PUT', '/config', { graphExportRetryAfterSeconds: 7 });
    const documented = sample('61-graph-billed-recon-export-request.json') as Json;
    const location = await start('reconciliation/billed', { ...documented, invoiceId: 'G000100001' });
    const answers = await poll(location);
    expect(answers.map((a) => a.body.status)).toEqual(['notStarted', 'succeeded']);
    expect(answers[0].retryAfter).toBe('7');
    expect(answers[1].retryAfter).toBeNull();
    expect(missingKeys(answers[0].body, sample('65-graph-billing-operation-running-response.json'))).toEqual(
      [],
    );
    expect(
      missingKeys(answers[1].body, sample('63-graph-billing-operation-succeeded-response.json')),
    ).toEqual([]);
    expect(answers[1].body['@odata.type']).toBe('#microsoft.graph.partners.billing.exportSuccessOperation');

    const manifest = await manifestOf(location);
    expect(missingKeys(manifest, sample('66-graph-billing-manifest-response.json'))).toEqual([]);
    expect(manifest).toMatchObject({
      dataFormat: 'compressedJSON',
      partnerTenantId: PARTNER_TENANT,
      blobCount: 1,
    });
    expect(manifest.rootDirectory).toContain('/InvoiceId=G000100001/');
    expect(manifest.sasToken).toMatch(/(^|&)sig=[^&]+/);

    const [rows] = await allRows(manifest);
    expect(rows).toHaveLength(25);
    expect(rows.every((r) => r.InvoiceNumber === 'G000100001')).toBe(true);
    const invoice = await h.user('GET', '/invoices/G000100001');
    expect(rows.reduce((s, r) => s + cents(r.TotalForCustomer), 0)).toBe(cents(invoice.body.totalCharges));
    expect(rows.reduce((s, r) => s + cents(r.Subtotal) + cents(r.TaxTotal), 0)).toBe(
      cents(invoice.body.totalCharges),
    );
  });

  it('keeps the amounts in the basic attribute set', async () => {
    const manifest = await manifestOf(
      await start('reconciliation/billed', { invoiceId: 'G000100002', attributeSet: 'basic' }),
    );
    const [rows] = await allRows(manifest);
    expect(Object.keys(rows[0])).toContain('TotalForCustomer');
    expect(Object.keys(rows[0])).not.toContain('CustomerDomainName');
    const invoice = await h.user('GET', '/invoices/G000100002');
    expect(rows.reduce((s, r) => s + cents(r.TotalForCustomer), 0)).toBe(cents(invoice.body.totalCharges));
  });

  it('splits an export over several blobs by the configured lines per blob; the large invoice needs several at the default', async () => {
    await h.control('PUT', '/config', { graphExportLinesPerBlob: 10 });
    const small = await manifestOf(await start('reconciliation/billed', { invoiceId: 'G000100001' }));
    expect(small.blobCount).toBe(3);
    expect((await allRows(small)).map((r) => r.length)).toEqual([10, 10, 5]);
    expect(new Set(small.blobs.map((b) => b.name)).size).toBe(3);

    await h.control('PUT', '/config', { graphExportLinesPerBlob: 2000 });
    const large = await manifestOf(await start('reconciliation/billed', { invoiceId: 'G000098001' }));
    expect(large.blobCount).toBe(3);
    const rows = (await allRows(large)).flat();
    expect(rows).toHaveLength(4500);
    const invoice = await h.user('GET', '/invoices/G000098001');
    expect(rows.reduce((s, r) => s + cents(r.TotalForCustomer), 0)).toBe(cents(invoice.body.totalCharges));
  });

  it('fails the export of a legacy invoice with 5000 "No data available" (v2 covers new commerce only)', async () => {
    const answers = await poll(await start('reconciliation/billed', { invoiceId: 'D000070001' }));
    const failed = answers.at(-1)!.body;
    expect(missingKeys(failed, sample('64-graph-billing-operation-failed-response.json'))).toEqual([]);
    expect(failed).toMatchObject({
      '@odata.type': '#microsoft.graph.partners.billing.failedOperation',
      status: 'failed',
      error: { code: '5000', message: 'No data available' },
    });
  });

  it('makes the next export fail or take several polls through the control API', async () => {
    await h.control('POST', '/graph/exports/next', {
      outcome: 'failed',
      code: '5001',
      message: 'Export failed',
    });
    const failed = await poll(await start('reconciliation/billed', { invoiceId: 'G000100001' }));
    expect(failed.at(-1)!.body.error).toEqual({ code: '5001', message: 'Export failed' });

    await h.control('POST', '/graph/exports/next', { outcome: 'slow', polls: 4, retryAfterSeconds: 2 });
    const slow = await poll(await start('reconciliation/billed', { invoiceId: 'G000100001' }));
    expect(slow.map((a) => a.body.status)).toEqual([
      'notStarted',
      'running',
      'running',
      'running',
      'succeeded',
    ]);
    expect(slow.slice(0, 4).every((a) => a.retryAfter === '2')).toBe(true);

    const normal = await poll(await start('reconciliation/billed', { invoiceId: 'G000100001' }));
    expect(normal.map((a) => a.body.status)).toEqual(['notStarted', 'succeeded']);
  });

  it('exports the unbilled current period from the same data as the v1 unbilled line items', async () => {
    const manifest = await manifestOf(
      await start('reconciliation/unbilled', sample('62-graph-unbilled-recon-export-request.json')),
    );
    const rows = (await allRows(manifest)).flat();
    const v1 = await h.api<Collection>(
      'GET',
      '/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=current&size=2000',
    );
    expect(rows.length).toBe(v1.body.items.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((s, r) => s + cents(r.TotalForCustomer), 0)).toBe(
      v1.body.items.reduce((s, l) => s + cents(l.totalForCustomer), 0),
    );
    const nothing = await poll(
      await start('reconciliation/unbilled', {
        billingPeriod: 'current',
        currencyCode: 'JPY',
        attributeSet: 'full',
      }),
    );
    expect(nothing.at(-1)!.body).toMatchObject({ status: 'failed', error: { code: '5000' } });
  });

  it('exports the unbilled daily usage of the current period, which adds up to each customer usage summary', async () => {
    const manifest = await manifestOf(
      await start('usage/unbilled', { billingPeriod: 'current', currencyCode: 'USD', attributeSet: 'full' }),
    );
    const rows = (await allRows(manifest)).flat();
    const fabrikam = h.id('Fabrikam Inc');
    const mine = rows.filter((r) => r.CustomerId === fabrikam);
    expect(mine.length).toBeGreaterThan(0);
    const summary = await h.user('GET', `/customers/${fabrikam}/usagesummary`);
    expect(summary.status).toBe(200);
    expect(mine.reduce((s, r) => s + cents(r.BillingPreTaxTotal), 0)).toBe(cents(summary.body.totalCost));
  });

  it('refuses a blob download with a tampered, missing or expired SAS (403 like Azure Storage)', async () => {
    const manifest = await manifestOf(await start('reconciliation/billed', { invoiceId: 'G000100001' }));
    const name = manifest.blobs[0].name;
    const tampered = manifest.sasToken.replace(
      /sig=([^&])/,
      (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`,
    );
    for (const sas of [tampered, '', manifest.sasToken.replace(/se=[^&]+/, 'se=2099-01-01T00%3A00%3A00Z')]) {
      const res = await fetch(`${h.baseUrl}${blobUrl(manifest, name, sas)}`);
      expect(res.status).toBe(403);
      expect(res.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
      expect(await res.text()).toContain('<Code>AuthenticationFailed</Code>');
    }
    const unknown = await fetch(`${h.baseUrl}${blobUrl(manifest, 'part-99999-nothing.c000.json.gz')}`);
    expect(unknown.status).toBe(404);

    expect(await download(manifest, name)).toHaveLength(25);
    await h.advance(2 * 3_600_000);
    const expired = await fetch(`${h.baseUrl}${blobUrl(manifest, name)}`);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Signature not valid in the specified time frame');
    // A new read of the manifest signs a new SAS.
    const again = await graph<Manifest>('GET', `${BILLING}/manifests/${manifest.id}`);
    expect(await download(again.body, name)).toHaveLength(25);
  });

  it('records Graph and blob calls in the request log like Partner Center calls', async () => {
    await h.control('DELETE', '/requests');
    const location = await start('reconciliation/billed', { invoiceId: 'G000100001' });
    const manifest = await manifestOf(location);
    await allRows(manifest);
    const log = await h.control<{ items: Json[] }>('GET', '/requests');
    const what = (path: string) =>
      path.startsWith('/blobs/')
        ? 'blob'
        : path
            .slice(BILLING.length + 1)
            .split('/')
            .slice(0, 2)
            .join('/');
    const calls = log.body.items.map(
      (e) => `${String(e.method)} ${what(String(e.path))} ${String(e.status)}`,
    );
    expect(calls).toEqual([
      'POST reconciliation/billed 202',
      'GET operations/' + location.split('/').pop() + ' 200',
      'GET operations/' + location.split('/').pop() + ' 200',
      `GET manifests/${manifest.id} 200`,
      'GET blob 200',
    ]);
    const graphCalls = log.body.items.filter((e) => String(e.path).startsWith('/v1.0/'));
    expect(graphCalls.every((e) => e.tokenKind === 'app' && e.correlationId === 'corr-graph-test')).toBe(
      true,
    );
  });

  it('answers Graph errors for bad bodies, unknown operations and other tenants', async () => {
    const bad = await graph('POST', `${BILLING}/reconciliation/unbilled/export`, {
      billingPeriod: 'next',
      currencyCode: 'USD',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'BadRequest' } });
    expect((await graph('GET', `${BILLING}/operations/00000000-0000-4000-8000-000000000000`)).status).toBe(
      404,
    );

    const location = await start('reconciliation/billed', { invoiceId: 'G000100001' });
    const other = await h.raw('POST', '/99999999-2222-4333-8444-555555555555/oauth2/v2.0/token', {
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'x',
        client_secret: 'y',
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    const foreign = await graph('GET', location, undefined, String(other.body.access_token));
    expect(foreign.status).toBe(404);
  });
});
