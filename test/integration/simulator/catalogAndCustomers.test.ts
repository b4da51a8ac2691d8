import { NAMED_CUSTOMERS } from '../../../src/simulator/state/seed';
import { SimHarness, missingKeys, sample } from './simHarness';

type Json = Record<string, unknown>;
type Collection = {
  totalCount: number;
  items: Json[];
  links: { next?: { uri: string; headers: { key: string; value: string }[] } };
  continuationToken?: string;
};

const CUSTOMER_SHAPE = {
  id: '',
  companyProfile: { tenantId: '', domain: '', companyName: '', attributes: { objectType: '' } },
  billingProfile: { defaultAddress: { country: '' }, attributes: { objectType: '' } },
  relationshipToPartner: '',
  links: { self: { uri: '', method: '', headers: [] } },
  attributes: { objectType: '' },
};

describe('simulator customers', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start({ extraCustomers: 30 });
  });

  afterAll(async () => {
    await h.close();
  });

  it('gets a customer by id with the documented Customer shape', async () => {
    const res = await h.api('GET', `/customers/${h.id('Contoso France')}`);
    expect(res.status).toBe(200);
    expect(missingKeys(res.body, CUSTOMER_SHAPE)).toEqual([]);
    expect(res.body).toMatchObject({
      companyProfile: { domain: 'contosofrance.onmicrosoft.com', companyName: 'Contoso France' },
      billingProfile: { defaultAddress: { country: 'FR' } },
      relationshipToPartner: 'reseller',
    });
  });

  it('answers 404 for an unknown customer and 400 900118 for a malformed id', async () => {
    expect((await h.api('GET', '/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const bad = await h.api('GET', '/customers/not-a-guid/subscriptions');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('900118');
  });

  it('searches by company name prefix with the documented filter, case-insensitively', async () => {
    const filter = encodeURIComponent(
      JSON.stringify({ Field: 'CompanyName', Value: 'CONTOSO', Operator: 'starts_with' }),
    );
    const res = await h.api<Collection>('GET', `/customers?size=0&filter=${filter}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((c) => (c.companyProfile as Json).companyName).sort()).toEqual([
      'Contoso France',
      'Contoso Pharmaceuticals',
    ]);
    expect(missingKeys(res.body.items[0], CUSTOMER_SHAPE)).toEqual([]);
  });

  it('searches by domain prefix', async () => {
    const filter = encodeURIComponent(
      JSON.stringify({ Field: 'Domain', Value: 'fabrikam', Operator: 'starts_with' }),
    );
    const res = await h.api<Collection>('GET', `/customers?filter=${filter}`);
    expect(res.body.items.map((c) => c.id)).toEqual([h.id('Fabrikam Inc')]);
  });

  it('rejects an operator other than starts_with', async () => {
    const filter = encodeURIComponent(JSON.stringify({ Field: 'Domain', Value: 'x', Operator: 'substring' }));
    const res = await h.api('GET', `/customers?filter=${filter}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('800002');
  });

  it('answers 400 800002 for a filter that is not the documented JSON object', async () => {
    for (const raw of ['not-json', JSON.stringify({ Field: 'Domain', Value: 'x' })]) {
      const res = await h.api('GET', `/customers?filter=${encodeURIComponent(raw)}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('800002');
    }
  });

  it('refuses seekOperation=Next without an MS-ContinuationToken header', async () => {
    const res = await h.api('GET', '/customers?size=7&seekOperation=Next');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('800002');
  });

  it('pages the customer list through links.next and MS-ContinuationToken to the end', async () => {
    const seen: string[] = [];
    let res = await h.api<Collection>('GET', '/customers?size=7');
    let pages = 1;
    seen.push(...res.body.items.map((c) => String(c.id)));
    while (res.body.links.next) {
      const next = res.body.links.next;
      const headers = Object.fromEntries(next.headers.map((x) => [x.key, x.value]));
      expect(res.body.continuationToken).toBe(headers['MS-ContinuationToken']);
      res = await h.api<Collection>('GET', next.uri, { headers });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c) => String(c.id)));
      pages += 1;
    }
    expect(seen).toHaveLength(NAMED_CUSTOMERS.length + 30);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil((NAMED_CUSTOMERS.length + 30) / 7));
  });
});

describe('simulator catalog', () => {
  let h: SimHarness;

  beforeAll(async () => {
    h = await SimHarness.start();
  });

  afterAll(async () => {
    await h.close();
  });

  it('lists MicrosoftAzure products (Azure plan and legacy Microsoft Azure) in the products shape', async () => {
    const res = await h.api<Collection>('GET', '/products?country=FR&targetView=MicrosoftAzure');
    expect(res.status).toBe(200);
    expect(missingKeys(res.body, sample('01-products-list-azure-vm-reservations-response.json'))).toEqual([]);
    expect(res.body.items.map((p) => p.id)).toEqual(['DZH318Z0BPS6', '9DEA7946-EC2C-441E-9FFD-E3B275F7E838']);
  });

  it('lists reservation products for the Azure targetView', async () => {
    const res = await h.api<Collection>(
      'GET',
      '/products?country=US&targetView=AzureReservationsVM&reservationScope=AzurePlan',
    );
    expect(res.body.items.map((p) => p.id)).toEqual(['DZH318Z0BQ3Q']);
  });

  it('answers 403 400036 for an unknown targetView and 404 400013 for an unknown product', async () => {
    const view = await h.api('GET', '/products?country=US&targetView=Nope');
    expect(view.status).toBe(403);
    expect(view.body.code).toBe('400036');
    const product = await h.api('GET', '/products/NOPE?country=US');
    expect(product.status).toBe(404);
    expect(product.body.code).toBe('400013');
  });

  it('gets products by id in the documented shapes', async () => {
    const plan = await h.api('GET', '/products/DZH318Z0BPS6?country=US');
    expect(missingKeys(plan.body, sample('04-product-azure-plan-by-customer-response.json'))).toEqual([]);
    const ri = await h.api('GET', '/products/dzh318z0bq3q?country=US');
    expect(missingKeys(ri.body, sample('03-product-by-id-response.json'))).toEqual([]);
  });

  it('lists and gets SKUs in the documented shapes; the reservation product has several SKUs', async () => {
    const skus = await h.api<Collection>('GET', '/products/DZH318Z0BQ3Q/skus?country=US');
    expect(missingKeys(skus.body, sample('05-skus-list-azure-vm-reservations-response.json'))).toEqual([]);
    expect(skus.body.items.length).toBeGreaterThan(1);
    const sku = await h.api('GET', '/products/DZH318Z0BQ3Q/skus/0002?country=US');
    expect(missingKeys(sku.body, sample('06-sku-by-id-response.json'))).toEqual([]);
    const plan = await h.api('GET', '/products/DZH318Z0BPS6/skus/0001?country=US');
    expect(missingKeys(plan.body, sample('07-sku-azure-plan-by-customer-response.json'))).toEqual([]);
    expect(plan.body).toMatchObject({
      title: 'Microsoft Azure plan',
      description: 'Microsoft Azure plan (MS-AZR-0017G)',
      supportedBillingCycles: ['one_time'],
      purchasePrerequisites: ['MicrosoftCustomerAgreement'],
    });
    const missing = await h.api('GET', '/products/DZH318Z0BPS6/skus/9999?country=US');
    expect(missing.body.code).toBe('400018');
  });

  it('lists the Azure plan SKU availabilities (several segments) and gets one by id', async () => {
    const list = await h.api<Collection>('GET', '/products/DZH318Z0BPS6/skus/0001/availabilities?country=GB');
    expect(missingKeys(list.body, sample('08-availabilities-list-response.json'))).toEqual([]);
    expect(list.body.items.map((a) => a.catalogItemId)).toEqual([
      'DZH318Z0BPS6:0001:DZH318Z0BML6',
      'DZH318Z0BPS6:0001:DZH318Z0BMKH',
    ]);
    const commercial = await h.api<Collection>(
      'GET',
      '/products/DZH318Z0BPS6/skus/0001/availabilities?country=GB&targetSegment=commercial',
    );
    expect(commercial.body.items).toHaveLength(1);
    const one = await h.api('GET', '/products/DZH318Z0BPS6/skus/0001/availabilities/DZH318Z0BML6?country=GB');
    expect(missingKeys(one.body, sample('09-availability-by-id-response.json'))).toEqual([]);
    expect(one.body).toMatchObject({ country: 'GB', defaultCurrency: { code: 'GBP' } });
    const gone = await h.api(
      'GET',
      '/products/DZH318Z0BPS6/skus/0001/availabilities/DZH318Z0BML5?country=GB',
    );
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('400019');
  });

  it('serves the customer-scoped catalog in the customer country', async () => {
    const base = `/customers/${h.id('Tailspin Toys')}/products`;
    const products = await h.api<Collection>('GET', `${base}?targetView=MicrosoftAzure`);
    expect(products.body.items.map((p) => p.id)).toContain('DZH318Z0BPS6');
    const sku = await h.api('GET', `${base}/DZH318Z0BPS6/skus/0001`);
    expect(missingKeys(sku.body, sample('07-sku-azure-plan-by-customer-response.json'))).toEqual([]);
    const availabilities = await h.api<Collection>('GET', `${base}/DZH318Z0BPS6/skus/0001/availabilities`);
    expect(availabilities.body.items[0]).toMatchObject({ country: 'DE', defaultCurrency: { code: 'EUR' } });
  });

  it('requires a country on the global catalog', async () => {
    const res = await h.api('GET', '/products?targetView=MicrosoftAzure');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('800002');
  });
});
