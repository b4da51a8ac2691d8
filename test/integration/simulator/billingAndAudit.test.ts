import { SimHarness, missingKeys, sample } from './simHarness';

type Json = Record<string, unknown>;
type Link = { uri: string; headers: { key: string; value: string }[] };
type Collection = { totalCount: number; items: Json[]; continuationToken?: string; links: { next?: Link } };

const cents = (n: unknown) => Math.round(Number(n) * 100);

describe('simulator invoices and reconciliation line items', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  afterAll(async () => {
    await h.close();
  });

  async function allPages(first: string): Promise<{ items: Json[]; pages: number }> {
    let res = await h.api<Collection>('GET', first);
    expect(res.status).toBe(200);
    const items = [...res.body.items];
    let pages = 1;
    while (res.body.links.next) {
      const next = res.body.links.next;
      res = await h.api<Collection>('GET', next.uri, {
        headers: Object.fromEntries(next.headers.map((x) => [x.key, x.value])),
      });
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      pages += 1;
    }
    return { items, pages };
  }

  it('lists invoices in the documented shape, paging with size/offset', async () => {
    const first = await h.api<Collection>('GET', '/invoices?size=2');
    expect(
      missingKeys(first.body, sample('48-invoices-list-response.json'), ['items[].taxReceipts']),
    ).toEqual([]);
    const { items, pages } = await allPages('/invoices?size=2');
    expect(items.map((i) => i.id).sort()).toEqual([
      'D000070001',
      'G000098001',
      'G000099001',
      'G000100001',
      'G000100002',
      'G000100003',
    ]);
    expect(pages).toBe(3);
  });

  it('filters invoices by InvoiceDate with the documented filter and refuses other fields', async () => {
    const all = (await h.api<Collection>('GET', '/invoices')).body.items;
    const dates = all.map((i) => Date.parse(String(i.invoiceDate))).sort((a, b) => a - b);
    const from = new Date(dates[1]).toISOString();
    const filter = (f: Json) => encodeURIComponent(JSON.stringify(f));
    const res = await h.api<Collection>(
      'GET',
      `/invoices?filter=${filter({ Field: 'InvoiceDate', Value: from, Operator: 'greater_than_or_equals' })}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(dates.length - 1);
    const refused = await h.api(
      'GET',
      `/invoices?filter=${filter({ Field: 'TotalCharges', Value: '1', Operator: 'equals' })}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('800002');
  });

  it('gets an invoice by id for App+User only', async () => {
    expect((await h.api('GET', '/invoices/G000100001')).body.code).toBe('900329');
    const res = await h.user('GET', '/invoices/G000100001');
    expect(res.status).toBe(200);
    expect(missingKeys(res.body, sample('49-invoice-by-id-response.json'), ['taxReceipts'])).toEqual([]);
    expect((await h.user('GET', '/invoices/G999')).status).toBe(404);
  });

  it('pages invoice line items by seek token, and they add up to the invoice total', async () => {
    const query = 'provider=onetime&invoicelineitemtype=billinglineitems&size=10';
    const first = await h.api<Collection>('GET', `/invoices/G000100001/lineitems?${query}`);
    expect(
      missingKeys(first.body, sample('50-invoice-lineitems-onetime-continuation-response.json')),
    ).toEqual([]);
    expect(first.body.links.next?.uri).toContain('seekOperation=Next');
    const { items, pages } = await allPages(`/invoices/G000100001/lineitems?${query}`);
    expect(items).toHaveLength(25);
    expect(pages).toBe(3);
    const invoice = await h.user('GET', '/invoices/G000100001');
    expect(items.reduce((s, l) => s + cents(l.totalForCustomer), 0)).toBe(cents(invoice.body.totalCharges));
  });

  it('makes every invoice total equal to the sum of its line items (the invoiceDetails link, path form)', async () => {
    const list = await h.api<Collection>('GET', '/invoices');
    for (const invoice of list.body.items) {
      const details = invoice.invoiceDetails as { links: { self: Link } }[];
      const lines = await allPages(details[0].links.self.uri);
      // A LicenseBasedLineItem (legacy) has no invoiceNumber in the documented sample.
      if (invoice.invoiceType === 'OneTime')
        expect(lines.items.every((l) => l.invoiceNumber === invoice.id)).toBe(true);
      else expect(lines.items.every((l) => l.billingProvider === 'office')).toBe(true);
      expect(lines.items.reduce((s, l) => s + cents(l.totalForCustomer), 0)).toBe(
        cents(invoice.totalCharges),
      );
    }
  });

  it('serves the legacy invoice as Recurring/office with LicenseBasedLineItems paged by size and offset', async () => {
    const invoice = await h.user('GET', '/invoices/D000070001');
    expect(invoice.body).toMatchObject({
      invoiceType: 'Recurring',
      invoiceDetails: [{ billingProvider: 'office', invoiceLineItemType: 'billing_line_items' }],
    });
    const query = 'provider=office&invoicelineitemtype=billinglineitems&size=5';
    const first = await h.api<Collection>('GET', `/invoices/D000070001/lineitems?${query}`);
    expect(first.body.continuationToken).toBeUndefined();
    expect(first.body.links.next?.uri).toBe(
      '/invoices/D000070001/lineitems?provider=office&invoicelineitemtype=billinglineitems&size=5&offset=5',
    );
    const { items, pages } = await allPages(`/invoices/D000070001/lineitems?${query}`);
    expect(pages).toBe(3);
    expect(items).toHaveLength(12);
    expect(items[0]).toMatchObject({ attributes: { objectType: 'LicenseBasedLineItem' }, currency: 'EUR' });
    for (const l of items) expect(cents(l.totalForCustomer)).toBe(cents(l.subtotal) + cents(l.tax));
    expect(items.reduce((s, l) => s + cents(l.totalForCustomer), 0)).toBe(cents(invoice.body.totalCharges));

    const wrongProvider = await h.api(
      'GET',
      '/invoices/D000070001/lineitems?provider=onetime&invoicelineitemtype=billinglineitems',
    );
    expect(wrongProvider.status).toBe(400);
    expect(
      (
        await h.api(
          'GET',
          `/invoices/G000100001/lineitems?provider=office&invoicelineitemtype=billinglineitems`,
        )
      ).status,
    ).toBe(400);
  });

  it('serves unbilled reconciliation line items per currency and period', async () => {
    const query = 'provider=onetime&invoicelineitemtype=billinglineitems&currencycode=usd';
    const current = await h.api<Collection>(
      'GET',
      `/invoices/unbilled/lineitems?${query}&period=current&size=2000`,
    );
    expect(current.status).toBe(200);
    expect(current.body.items.length).toBeGreaterThan(0);
    expect(current.body.items.every((l) => l.currency === 'USD' && l.invoiceNumber === '')).toBe(true);
    expect(
      missingKeys(
        current.body.items[0],
        (sample('51-unbilled-recon-lineitems-response.json') as Collection).items[0],
      ),
    ).toEqual([]);
    const previous = await h.api<Collection>('GET', `/invoices/unbilled/lineitems?${query}&period=previous`);
    expect(previous.body.items.length).toBeGreaterThan(0);
    const usage = await h.api(
      'GET',
      '/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=usd',
    );
    expect(usage.status).toBe(400);
  });
});

describe('simulator audit records', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  afterAll(async () => {
    await h.close();
  });

  it('records the mutating operations and filters them', async () => {
    const alpine = h.id('Alpine Ski House');
    await h.api('PATCH', `/customers/${alpine}/usagebudget`, { body: { amount: 1200 } });
    await h.api('PATCH', `/customers/${h.id('Coho Winery')}/usagebudget`, { body: { amount: 700 } });
    await h.api('GET', `/customers/${alpine}/usagebudget`);

    const today = new Date().toISOString().slice(0, 10);
    const all = await h.api<Collection>('GET', `/auditrecords?startDate=${today}`);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.items[0]).toMatchObject({
      customerId: alpine,
      customerName: 'Alpine Ski House',
      resourceType: 'customer',
      operationType: 'update_customer_spending_budget',
      operationStatus: 'succeeded',
      attributes: { objectType: 'AuditRecord' },
    });

    const filter = encodeURIComponent(
      JSON.stringify({ Field: 'CustomerId', Value: alpine, Operator: 'equals' }),
    );
    const one = await h.api<Collection>('GET', `/auditrecords?startDate=${today}&filter=${filter}`);
    expect(one.body.items).toHaveLength(1);
    const byName = encodeURIComponent(
      JSON.stringify({ Field: 'CompanyName', Value: 'winery', Operator: 'substring' }),
    );
    expect((await h.api<Collection>('GET', `/auditrecords?filter=${byName}`)).body.items).toHaveLength(1);

    const paged = await h.api<Collection>('GET', `/auditrecords?startDate=${today}&size=1`);
    expect(paged.body.items).toHaveLength(1);
    const next = paged.body.links.next as Link;
    const second = await h.api<Collection>('GET', next.uri, {
      headers: Object.fromEntries(next.headers.map((x) => [x.key, x.value])),
    });
    expect(second.body.items[0].customerName).toBe('Coho Winery');
    expect(second.body.links.next).toBeUndefined();
  });

  it('refuses a start date more than 90 days back', async () => {
    const old = new Date(Date.now() - 120 * 86_400_000).toISOString().slice(0, 10);
    const res = await h.api('GET', `/auditrecords?startDate=${old}`);
    expect(res.status).toBe(400);
  });
});
