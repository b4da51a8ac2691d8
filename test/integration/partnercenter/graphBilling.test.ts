import axios from 'axios';
import {
  EXPORT_NO_DATA_CODE,
  GraphBillingClient,
  PartnerCenterError,
  reconciliationPlan,
  type ExportProgress,
  type GraphBillingClientOptions,
  type PartnerCenterClient,
} from '../../../src/partnercenter';
import { PARTNER_TENANT_ID, SimulatorHarness, all, rejection } from './simulatorHarness';

const cents = (n: number | null | undefined) => Math.round((n ?? 0) * 100);
const sumCents = (values: (number | null | undefined)[]) => values.reduce<number>((s, n) => s + cents(n), 0);

describe('GraphBillingClient against the simulator (reconciliation v2)', () => {
  let harness: SimulatorHarness;
  let pc: PartnerCenterClient;
  let graph: GraphBillingClient;

  const graphClient = (overrides: Partial<GraphBillingClientOptions> = {}) =>
    new GraphBillingClient({
      baseUrl: harness.baseUrl,
      credentials: {
        tenantId: PARTNER_TENANT_ID,
        clientId: 'azure-plan-ops-graph-billing',
        clientSecret: 'not-a-real-secret',
        identityBaseUrl: harness.baseUrl,
      },
      timeoutMs: 2_000,
      retry: { maxRetries: 3, initialDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 10_000 },
      polling: { intervalMs: 10, timeoutMs: 20_000 },
      ...overrides,
    });

  const control = (path: string, body: unknown) => axios.post(`${harness.baseUrl}/_sim${path}`, body);
  const configure = (config: Record<string, number>) => axios.put(`${harness.baseUrl}/_sim/config`, config);

  beforeAll(async () => {
    harness = await SimulatorHarness.start();
    pc = harness.client();
    graph = graphClient();
  });

  beforeEach(async () => {
    await harness.reseed();
    await configure({ graphExportRetryAfterSeconds: 0, graphExportLinesPerBlob: 2000 });
  });

  afterAll(async () => {
    await graph.close();
    await pc.close();
    await harness.close();
  });

  it.each(['G000100001', 'G000100002', 'G000100003'])(
    'reconciles new-commerce invoice %s through the billed export: its lines add up to totalCharges, as v1 does',
    async (invoiceId) => {
      const invoice = await pc.invoices.get(invoiceId);
      expect(reconciliationPlan(invoice)).toEqual({ graphExport: true, legacyProviders: [] });
      const lines = await all(graph.exportLineItems('billedReconciliation', { invoiceId }));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.invoiceNumber === invoiceId && typeof l.customerId === 'string')).toBe(
        true,
      );
      expect(sumCents(lines.map((l) => l.totalForCustomer))).toBe(cents(invoice.totalCharges));
      expect(sumCents(lines.flatMap((l) => [l.subtotal, l.taxTotal]))).toBe(cents(invoice.totalCharges));
      const v1 = await all(pc.invoices.lineItems(invoiceId));
      expect(lines).toHaveLength(v1.length);
      expect(sumCents(v1.map((l) => l.totalForCustomer))).toBe(cents(invoice.totalCharges));
    },
  );

  it('reads a multi-blob manifest blob after blob, streaming each one', async () => {
    await configure({ graphExportLinesPerBlob: 10 });
    const operationId = await graph.startExport('billedReconciliation', { invoiceId: 'G000100001' });
    const done = await graph.waitForExport(operationId);
    expect(done.operationId).toBe(operationId);
    const manifest = await graph.readManifest(done.manifestId);
    expect(manifest.blobCount).toBe(3);
    expect(manifest.blobs).toHaveLength(3);

    await harness.clearRequests();
    const progress: ExportProgress[] = [];
    let received = 0;
    const seenAtBlobStart: number[] = [];
    for await (const line of graph.lineItems('billedReconciliation', manifest, {
      onProgress: (p) => {
        progress.push(p);
        if (p.phase === 'downloading') seenAtBlobStart.push(received);
      },
    })) {
      expect(line.totalForCustomer).toEqual(expect.any(Number));
      received += 1;
    }
    expect(received).toBe(25);
    // Each blob is opened only after the previous one was read to its end.
    expect(seenAtBlobStart).toEqual([0, 10, 20]);
    expect(progress).toEqual(
      [0, 1, 2].map((i) => expect.objectContaining({ phase: 'downloading', blobIndex: i, blobCount: 3 })),
    );
    const blobCalls = (await harness.requests()).filter((r) => r.path.startsWith('/blobs/'));
    expect(blobCalls.map((r) => r.status)).toEqual([200, 200, 200]);

    const invoice = await pc.invoices.get('G000100001');
    const again = await all(graph.lineItems('billedReconciliation', manifest));
    expect(sumCents(again.map((l) => l.totalForCustomer))).toBe(cents(invoice.totalCharges));
  });

  it('reconciles the large invoice, which spans several blobs at the default size', async () => {
    const invoice = await pc.invoices.get('G000098001');
    const lines = await all(graph.exportLineItems('billedReconciliation', { invoiceId: invoice.id }));
    expect(lines).toHaveLength(4500);
    expect(sumCents(lines.map((l) => l.totalForCustomer))).toBe(cents(invoice.totalCharges));
  });

  it('throws the error of a failed export with its code', async () => {
    await control('/graph/exports/next', { outcome: 'failed', code: '5001', message: 'Export failed' });
    const error = await rejection(
      all(graph.exportLineItems('billedReconciliation', { invoiceId: 'G000100001' })),
    );
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error).toMatchObject({ code: '5001', description: 'Export failed' });
    expect((error as PartnerCenterError).data[0]).toEqual({ operationId: expect.any(String) });
  });

  it('finds no v2 data for the legacy invoice, whose v1 line items add up to its total', async () => {
    const invoice = await pc.invoices.get('D000070001');
    expect(reconciliationPlan(invoice)).toEqual({ graphExport: false, legacyProviders: ['office'] });
    const error = await rejection(
      all(graph.exportLineItems('billedReconciliation', { invoiceId: invoice.id })),
    );
    expect(error).toMatchObject({ code: EXPORT_NO_DATA_CODE, description: 'No data available' });

    const lines = await all(pc.invoices.legacyLineItems(invoice.id, { size: 5 }));
    expect(lines).toHaveLength(12);
    expect(lines.every((l) => l.billingProvider === 'office' && l.currency === 'EUR')).toBe(true);
    expect(sumCents(lines.map((l) => l.totalForCustomer))).toBe(cents(invoice.totalCharges));
  });

  it('waits through several polls, never sooner than Retry-After, and reports each one', async () => {
    await control('/graph/exports/next', { outcome: 'slow', polls: 2, retryAfterSeconds: 1 });
    const progress: ExportProgress[] = [];
    const started = Date.now();
    const lines = await all(
      graph.exportLineItems(
        'billedReconciliation',
        { invoiceId: 'G000100002' },
        { onProgress: (p) => progress.push(p) },
      ),
    );
    const elapsed = Date.now() - started;
    expect(lines).toHaveLength(9);
    const waiting = progress.filter((p) => p.phase === 'waiting');
    expect(waiting.map((p) => [p.phase === 'waiting' && p.status, p.phase === 'waiting' && p.polls])).toEqual(
      [
        ['notStarted', 1],
        ['running', 2],
        ['succeeded', 3],
      ],
    );
    expect(waiting.slice(0, 2).every((p) => p.phase === 'waiting' && p.retryAfterSeconds === 1)).toBe(true);
    // Two waits of at least Retry-After (1 s), although the client's own interval is 10 ms.
    expect(elapsed).toBeGreaterThanOrEqual(1_950);
    expect(progress.at(-1)).toMatchObject({ phase: 'downloading', blobIndex: 0 });
  });

  it('gives up at the deadline with a pending error that names the operation, and stops when aborted', async () => {
    await control('/graph/exports/next', { outcome: 'slow', polls: 100, retryAfterSeconds: 0, times: 2 });
    const operationId = await graph.startExport('unbilledReconciliation', {
      billingPeriod: 'current',
      currencyCode: 'USD',
    });
    const late = await rejection(graph.waitForExport(operationId, { deadline: Date.now() + 100 }));
    expect(late).toMatchObject({ code: 'pending', data: [{ operationId }] });

    const controller = new AbortController();
    const second = await graph.startExport('unbilledReconciliation', {
      billingPeriod: 'current',
      currencyCode: 'USD',
    });
    const waiting = graph.waitForExport(second, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'waiting' && p.polls === 2) controller.abort();
      },
    });
    expect(await rejection(waiting)).toMatchObject({ code: 'aborted' });
  });

  it('exports the unbilled current period with the same lines as v1', async () => {
    const v1 = await all(pc.invoices.unbilledLineItems({ currencyCode: 'EUR', period: 'current' }));
    const v2 = await all(
      graph.exportLineItems('unbilledReconciliation', {
        billingPeriod: 'current',
        currencyCode: 'EUR',
        attributeSet: 'basic',
      }),
    );
    expect(v2.length).toBe(v1.length);
    expect(sumCents(v2.map((l) => l.totalForCustomer))).toBe(sumCents(v1.map((l) => l.totalForCustomer)));
  });

  it('streams the unbilled daily usage of the current period', async () => {
    const lines = await all(
      graph.exportLineItems('unbilledUsage', { billingPeriod: 'current', currencyCode: 'USD' }),
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => typeof l.billingPreTaxTotal === 'number' && l.billingCurrency === 'USD')).toBe(
      true,
    );
  });

  it('refuses to read blobs with a bad SAS (403 from storage)', async () => {
    const done = await graph.waitForExport(
      await graph.startExport('billedReconciliation', { invoiceId: 'G000100001' }),
    );
    const manifest = await graph.readManifest(done.manifestId);
    const tampered = { ...manifest, sasToken: manifest.sasToken.replace(/sig=[^&]+/, 'sig=AAAA') };
    const error = await rejection(all(graph.lineItems('billedReconciliation', tampered)));
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error).toMatchObject({ code: 'auth', status: 403 });
    expect((error as PartnerCenterError).description).toContain('AuthenticationFailed');
  });

  it('sends its own Graph token (not a Partner Center one) and one correlation id through the whole export', async () => {
    await harness.clearRequests();
    await all(
      graph.exportLineItems(
        'billedReconciliation',
        { invoiceId: 'G000100003' },
        { correlationId: 'corr-recon' },
      ),
    );
    const calls = (await harness.requests()).filter((r) => r.path.startsWith('/v1.0/'));
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(
      calls.every((r) => r.tokenKind === 'app' && r.status < 300 && r.correlationId === 'corr-recon'),
    ).toBe(true);
  });
});
