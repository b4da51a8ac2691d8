import type { PartnerCenterClient } from '../../../src/partnercenter';
import { createStore, type SqlStore } from '../../../src/store';
import {
  AZURE_PLAN_PRODUCT_ID,
  checkPurchaseReadiness,
  findCustomers,
  LEGACY_AZURE_OFFER_ID,
  listAvailabilities,
  listAzureProducts,
  listSkus,
  recordMcaAttestation,
} from '../../../src/workflows';
import { SimulatorHarness, type SimCustomer } from '../partnercenter/simulatorHarness';
import { apiCalls, customerNamed, MEGAN, READER, ROLES } from './workflowHarness';

/** Customer look-up, the checks before the catalog, the MCA attestation and the catalog pickers. */

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
const seed: Record<string, SimCustomer> = {};
const call = { correlationId: 'test' };

beforeAll(async () => {
  harness = await SimulatorHarness.start();
  pc = harness.client();
  for (const customer of await harness.customers()) seed[customer.companyName] = customer;
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

describe('findCustomers', () => {
  const names = async (query: string) => (await findCustomers(pc, query, call)).map((c) => c.companyName);

  it('returns every customer a name prefix matches ("contoso" has several)', async () => {
    expect(await names('contoso')).toEqual(['Contoso France', 'Contoso Pharmaceuticals']);
  });

  it('puts the exact name first, whatever the case', async () => {
    expect((await names('CONTOSO PHARMACEUTICALS'))[0]).toBe('Contoso Pharmaceuticals');
  });

  it('summarizes a customer with its id, domain, tenant and country', async () => {
    const [customer] = await findCustomers(pc, 'Contoso France', call);
    expect(customer).toEqual({
      id: seed['Contoso France'].id,
      companyName: 'Contoso France',
      domain: 'contosofrance.onmicrosoft.com',
      tenantId: seed['Contoso France'].id,
      country: 'FR',
    });
  });

  it('searches by domain when the query has a dot', async () => {
    expect(await names('fabrikaminc.onmicrosoft.com')).toEqual(['Fabrikam Inc']);
  });

  it('gets a customer by id when the query is a GUID, and finds nothing for an unknown GUID', async () => {
    expect(await names(seed['Woodgrove Bank'].id.toUpperCase())).toEqual(['Woodgrove Bank']);
    expect(await names('0f0f0f0f-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('falls back to matching inside names, ignoring accents, when no name starts with the query', async () => {
    expect(await names('pharma')).toEqual(['Contoso Pharmaceuticals']);
    expect(await names('côntoso')).toEqual(['Contoso France', 'Contoso Pharmaceuticals']);
  });

  it('asks Partner Center once for a prefix that matches', async () => {
    await harness.clearRequests();
    await names('contoso');
    expect(apiCalls(await harness.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/customers',
    ]);
  });

  it('reads the directory once for lookups no name starts with, and shares one read among concurrent ones', async () => {
    const fresh = harness.client();
    try {
      await harness.clearRequests();
      const lookups = await Promise.all(
        ['pharma', 'france', 'winery'].map((q) => findCustomers(fresh, q, call)),
      );
      expect(lookups.map((found) => found.map((c) => c.companyName))).toEqual([
        ['Contoso Pharmaceuticals'],
        ['Contoso France'],
        ['Coho Winery'],
      ]);
      const listings = async () =>
        apiCalls(await harness.requests()).filter((r) => r.method === 'GET' && r.path === '/v1/customers');
      // Three prefix searches and one directory read (one page: the seed is small).
      expect(await listings()).toHaveLength(4);
      await harness.clearRequests();
      expect((await findCustomers(fresh, 'ski house', call)).map((c) => c.companyName)).toEqual([
        'Alpine Ski House',
      ]);
      expect(await listings()).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it('answers a name one customer bears from memory for a caller that takes the named customer, and its id too; a list still searches', async () => {
    const fresh = harness.client();
    const searches = async () =>
      apiCalls(await harness.requests()).filter((r) => r.path.startsWith('/v1/customers')).length;
    try {
      await harness.clearRequests();
      const named = { ...call, named: true };
      const [first] = await findCustomers(fresh, 'Contoso France', named);
      expect(await searches()).toBe(1);
      expect(await findCustomers(fresh, 'contoso  FRANCE', named)).toEqual([first]);
      expect(await findCustomers(fresh, first.id, call)).toEqual([first]);
      expect(await searches()).toBe(1);
      // A list (a typeahead) wants every match: it searches.
      expect((await findCustomers(fresh, 'Contoso France', call)).map((c) => c.companyName)).toEqual([
        'Contoso France',
      ]);
      expect(await searches()).toBe(2);
      // A prefix that no customer bears as its whole name is never taken from memory.
      await findCustomers(fresh, 'contoso', named);
      await findCustomers(fresh, 'contoso', named);
      expect(await searches()).toBe(4);
    } finally {
      await fresh.close();
    }
  });

  it('returns nothing for an empty query, and honours the limit', async () => {
    expect(await names('   ')).toEqual([]);
    expect(await findCustomers(pc, 'contoso', { ...call, limit: 1 })).toHaveLength(1);
  });
});

describe('checkPurchaseReadiness', () => {
  it('lets Contoso France buy: no legacy subscription, no plan, MCA accepted', async () => {
    const readiness = await checkPurchaseReadiness(pc, await customerNamed(pc, 'Contoso France'), call);
    expect(readiness).toMatchObject({ mca: 'accepted', canPurchaseAzurePlan: true });
    expect(readiness.legacySubscription).toBeUndefined();
    expect(readiness.existingAzurePlan).toBeUndefined();
  });

  it('reports the legacy MS-AZR-0145P subscription of Wingtip Toys and Litware', async () => {
    for (const name of ['Wingtip Toys', 'Litware']) {
      const readiness = await checkPurchaseReadiness(pc, await customerNamed(pc, name), call);
      expect(readiness).toMatchObject({
        legacySubscription: { id: expect.any(String), offerId: LEGACY_AZURE_OFFER_ID, status: 'active' },
        canPurchaseAzurePlan: false,
      });
    }
  });

  it('reports the existing Azure plan of Fabrikam Inc', async () => {
    const readiness = await checkPurchaseReadiness(pc, await customerNamed(pc, 'Fabrikam Inc'), call);
    expect(readiness).toMatchObject({
      existingAzurePlan: { subscriptionId: expect.any(String), status: 'active' },
      canPurchaseAzurePlan: false,
    });
  });

  it('reports the missing MCA of Woodgrove Bank', async () => {
    const readiness = await checkPurchaseReadiness(pc, await customerNamed(pc, 'Woodgrove Bank'), call);
    expect(readiness).toMatchObject({ mca: 'missing', canPurchaseAzurePlan: false });
  });

  it('says the MCA is unknown when no partner user (App+User) credential is configured', async () => {
    const appOnly = harness.client({ credentials: { refreshToken: undefined } });
    try {
      const readiness = await checkPurchaseReadiness(
        appOnly,
        await customerNamed(pc, 'Woodgrove Bank'),
        call,
      );
      expect(readiness).toMatchObject({ mca: 'unknown', mcaCheckError: 'auth', canPurchaseAzurePlan: true });
    } finally {
      await appOnly.close();
    }
  });
});

describe('recordMcaAttestation', () => {
  let store: SqlStore;
  beforeEach(async () => {
    await harness.reseed();
    store = await createStore();
  });
  afterEach(async () => {
    await store.close();
  });

  const contact = { firstName: 'Amelia', lastName: 'Clarke', email: 'amelia@woodgrovebank.example' };

  it('records the attestation for an operator, audits it, and the customer then has the MCA', async () => {
    const woodgrove = await customerNamed(pc, 'Woodgrove Bank');
    const result = await recordMcaAttestation(
      { pc, store, roles: ROLES },
      {
        customerId: woodgrove.id,
        caller: MEGAN,
        contact,
        dateAgreed: '2025-01-15T00:00:00Z',
        correlationId: 'corr-mca',
      },
    );
    expect(result).toEqual({ ok: true });
    expect((await checkPurchaseReadiness(pc, woodgrove, call)).mca).toBe('accepted');
    const [entry] = await store.audit.list({ customerId: woodgrove.id });
    expect(entry).toMatchObject({
      action: 'mca.attest',
      actorId: MEGAN.aadObjectId,
      outcome: 'ok',
      correlationId: 'corr-mca',
      pcRequestId: expect.any(String),
    });
    const posted = apiCalls(await harness.requests()).find((r) => r.method === 'POST');
    expect(posted?.requestId).toBe(entry.pcRequestId);
  });

  it('refuses a reader', async () => {
    const woodgrove = await customerNamed(pc, 'Woodgrove Bank');
    const result = await recordMcaAttestation(
      { pc, store, roles: ROLES },
      {
        customerId: woodgrove.id,
        caller: READER,
        contact,
        dateAgreed: '2025-01-15T00:00:00Z',
        correlationId: 'c',
      },
    );
    expect(result).toEqual({ ok: false, reason: 'forbidden' });
    expect((await checkPurchaseReadiness(pc, woodgrove, call)).mca).toBe('missing');
  });

  it('returns the Partner Center error when the attestation is refused', async () => {
    const woodgrove = await customerNamed(pc, 'Woodgrove Bank');
    const result = await recordMcaAttestation(
      { pc, store, roles: ROLES },
      {
        customerId: woodgrove.id,
        caller: MEGAN,
        contact: { ...contact, email: 'not-an-email' },
        dateAgreed: '2025-01-15T00:00:00Z',
        correlationId: 'c',
      },
    );
    expect(result).toMatchObject({ ok: false, reason: 'pc-error', error: { code: '800002' } });
    expect((await store.audit.list())[0]).toMatchObject({ action: 'mca.attest', outcome: 'failed' });
  });
});

describe('catalog navigator', () => {
  it('walks the customer-scoped MicrosoftAzure catalog down to the Azure plan catalog item', async () => {
    const customer = await customerNamed(pc, 'Contoso France');
    const scope = { country: 'FR', customerId: customer.id, correlationId: 'c' };
    const products = await listAzureProducts(pc, scope);
    expect(products.map((p) => p.id)).toContain(AZURE_PLAN_PRODUCT_ID);
    expect(products.find((p) => p.id === AZURE_PLAN_PRODUCT_ID)).toMatchObject({
      title: 'Microsoft Azure plan',
    });

    const skus = await listSkus(pc, { ...scope, productId: AZURE_PLAN_PRODUCT_ID });
    expect(skus).toEqual([
      expect.objectContaining({
        id: '0001',
        billingCycles: ['one_time'],
        minimumQuantity: 1,
        maximumQuantity: 1,
      }),
    ]);

    const availabilities = await listAvailabilities(pc, {
      ...scope,
      productId: AZURE_PLAN_PRODUCT_ID,
      skuId: '0001',
    });
    expect(availabilities.length).toBeGreaterThan(0);
    for (const a of availabilities) {
      expect(a.catalogItemId).toBe(`${AZURE_PLAN_PRODUCT_ID}:0001:${a.id}`);
      expect(a.currency).toBe('EUR');
    }
    expect(availabilities.map((a) => a.segment)).toContain('commercial');
  });

  it('offers no availability of the legacy 0145P offer (it cannot be bought)', async () => {
    const customer = await customerNamed(pc, 'Contoso France');
    const scope = { country: 'FR', customerId: customer.id, correlationId: 'c' };
    const legacy = (await listAzureProducts(pc, scope)).find(
      (p) => p.id !== AZURE_PLAN_PRODUCT_ID && /azure/i.test(p.title),
    );
    expect(legacy).toBeDefined();
    const [sku] = await listSkus(pc, { ...scope, productId: legacy?.id ?? '' });
    expect(sku.id).toBe(LEGACY_AZURE_OFFER_ID);
    expect(await listAvailabilities(pc, { ...scope, productId: legacy?.id ?? '', skuId: sku.id })).toEqual(
      [],
    );
  });
});
