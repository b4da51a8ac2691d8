import { PartnerCenterError, type PartnerCenterClient, type Subscription } from '../../../src/partnercenter';
import { SimulatorHarness, all, rejection, type SimCustomer } from './simulatorHarness';

/**
 * Every client operation against the simulator over HTTP, on the seeded situations of the
 * simulator contract. The client knows only the simulator's base URL and credentials.
 */

const AZURE_PLAN_PRODUCT = 'DZH318Z0BPS6';
const AZURE_PLAN_SKU = '0001';
const ORDER_COMPLETION_MS = 1_000;

let harness: SimulatorHarness;
let pc: PartnerCenterClient;
const seed: Record<string, SimCustomer> = {};

beforeAll(async () => {
  harness = await SimulatorHarness.start({
    orderCompletionDelayMs: ORDER_COMPLETION_MS,
    orderListLagMs: 2 * ORDER_COMPLETION_MS,
    upgradeCompletionDelayMs: ORDER_COMPLETION_MS,
  });
  pc = harness.client();
  for (const customer of await harness.customers()) seed[customer.companyName] = customer;
});

afterAll(async () => {
  await pc?.close();
  await harness?.close();
});

function isAzurePlan(subscription: Subscription): boolean {
  return (subscription.offerId ?? '').toUpperCase().startsWith(`${AZURE_PLAN_PRODUCT}:`);
}

async function azurePlanOf(customerId: string): Promise<Subscription> {
  const plan = (await all(pc.subscriptions.list(customerId))).find(isAzurePlan);
  if (!plan) throw new Error(`no Azure plan for ${customerId}`);
  return plan;
}

async function azurePlanCatalogItemId(customerId: string, country: string): Promise<string> {
  const [availability] = await pc.catalog.listAvailabilities(country, AZURE_PLAN_PRODUCT, AZURE_PLAN_SKU, {
    customerId,
    fresh: true,
  });
  return availability.catalogItemId;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function azurePlanCart(catalogItemId: string) {
  return { lineItems: [{ id: 0, catalogItemId, quantity: 1, billingCycle: 'one_time' }] };
}

describe('customers', () => {
  it('lists every seeded customer', async () => {
    const customers = await all(pc.customers.list({ size: 5 }));
    const names = customers.map((c) => c.companyProfile.companyName);
    expect(names).toEqual(expect.arrayContaining(Object.keys(seed)));
    expect(new Set(customers.map((c) => c.id)).size).toBe(customers.length);
  });

  it('finds customers by company name prefix, whatever the case', async () => {
    const found = await all(pc.customers.search({ companyName: 'contoso' }));
    expect(found.map((c) => c.companyProfile.companyName).sort()).toEqual([
      'Contoso France',
      'Contoso Pharmaceuticals',
    ]);
  });

  it('finds a customer by domain prefix', async () => {
    const found = await all(pc.customers.search({ domain: 'fabrikaminc' }));
    expect(found.map((c) => c.id)).toEqual([seed['Fabrikam Inc'].id]);
  });

  it('gets a customer by id', async () => {
    const customer = await pc.customers.get(seed['Northwind Traders'].id);
    expect(customer.companyProfile.domain).toBe('northwindtraders.onmicrosoft.com');
  });
});

describe('catalog', () => {
  it('walks the partner catalog of a country down to the Azure plan availability', async () => {
    const products = await pc.catalog.listProducts('FR', { targetView: 'MicrosoftAzure' });
    expect(products.map((p) => p.id)).toContain(AZURE_PLAN_PRODUCT);
    const product = await pc.catalog.getProduct('FR', AZURE_PLAN_PRODUCT);
    expect(product.title).toBe('Microsoft Azure plan');
    const skus = await pc.catalog.listSkus('FR', AZURE_PLAN_PRODUCT);
    expect(skus.map((s) => s.id)).toContain(AZURE_PLAN_SKU);
    const sku = await pc.catalog.getSku('FR', AZURE_PLAN_PRODUCT, AZURE_PLAN_SKU);
    expect(sku.supportedBillingCycles).toEqual(['one_time']);
    const availabilities = await pc.catalog.listAvailabilities('FR', AZURE_PLAN_PRODUCT, AZURE_PLAN_SKU);
    expect(availabilities[0].catalogItemId).toBe(
      `${AZURE_PLAN_PRODUCT}:${AZURE_PLAN_SKU}:${availabilities[0].id}`,
    );
    const availability = await pc.catalog.getAvailability(
      'FR',
      AZURE_PLAN_PRODUCT,
      AZURE_PLAN_SKU,
      availabilities[0].id,
    );
    expect(availability.id).toBe(availabilities[0].id);
  });

  it('offers pickers a choice: several products, a product with several SKUs, a SKU with several availabilities', async () => {
    const views = ['MicrosoftAzure', 'AzureReservations'];
    const products = (
      await Promise.all(views.map((targetView) => pc.catalog.listProducts('US', { targetView })))
    ).flat();
    expect(new Set(products.map((p) => p.id)).size).toBeGreaterThan(2);
    const skus = (await Promise.all(products.map((p) => pc.catalog.listSkus('US', p.id)))).map(
      (list) => list.length,
    );
    expect(Math.max(...skus)).toBeGreaterThan(1);
    const availabilities = await pc.catalog.listAvailabilities('US', AZURE_PLAN_PRODUCT, AZURE_PLAN_SKU);
    expect(availabilities.length).toBeGreaterThan(1);
  });

  it('reads the customer-scoped catalog', async () => {
    const customerId = seed['Contoso France'].id;
    const products = await pc.catalog.listProducts('FR', { targetView: 'MicrosoftAzure', customerId });
    expect(products.map((p) => p.id)).toContain(AZURE_PLAN_PRODUCT);
    await expect(pc.catalog.getProduct('FR', AZURE_PLAN_PRODUCT, { customerId })).resolves.toMatchObject({
      id: AZURE_PLAN_PRODUCT,
    });
    expect((await pc.catalog.listSkus('FR', AZURE_PLAN_PRODUCT, { customerId })).map((s) => s.id)).toContain(
      '0001',
    );
    await expect(
      pc.catalog.getSku('FR', AZURE_PLAN_PRODUCT, AZURE_PLAN_SKU, { customerId }),
    ).resolves.toMatchObject({
      id: AZURE_PLAN_SKU,
    });
    const [availability] = await pc.catalog.listAvailabilities('FR', AZURE_PLAN_PRODUCT, AZURE_PLAN_SKU, {
      customerId,
    });
    await expect(
      pc.catalog.getAvailability('FR', AZURE_PLAN_PRODUCT, AZURE_PLAN_SKU, availability.id, { customerId }),
    ).resolves.toMatchObject({ catalogItemId: availability.catalogItemId });
  });
});

describe('purchase of an Azure plan', () => {
  it('creates, reads, updates and checks out a cart, then follows the order to its subscription', async () => {
    const customerId = seed['Contoso France'].id;
    const catalogItemId = await azurePlanCatalogItemId(customerId, 'FR');
    const cart = await pc.carts.create(customerId, azurePlanCart(catalogItemId));
    expect(cart.lineItems[0].catalogItemId).toBe(catalogItemId);
    await expect(pc.carts.get(customerId, cart.id)).resolves.toMatchObject({ id: cart.id });
    const updated = await pc.carts.update(customerId, cart.id, {
      ...cart,
      lineItems: cart.lineItems.map((line) => ({ ...line, friendlyName: 'Azure plan (chat-ops)' })),
    });
    expect(updated.lineItems[0].friendlyName).toBe('Azure plan (chat-ops)');

    const result = await pc.carts.checkout(customerId, cart.id);
    expect(result.orders).toHaveLength(1);
    const orderId = result.orders[0].id;
    const again = await pc.carts.checkout(customerId, cart.id);
    expect(again.orders.map((o) => o.id)).toEqual([orderId]);

    await expect(pc.orders.get(customerId, orderId)).resolves.toMatchObject({
      id: orderId,
      status: 'pending',
    });
    await harness.advanceClock(3 * ORDER_COMPLETION_MS);
    await expect(pc.orders.get(customerId, orderId)).resolves.toMatchObject({ status: 'completed' });
    const provisioning = await pc.orders.getProvisioningStatus(customerId, orderId);
    expect(provisioning.length).toBeGreaterThan(0);
    expect((await all(pc.orders.list(customerId))).map((o) => o.id)).toContain(orderId);

    const [plan] = await all(pc.subscriptions.list(customerId, { orderId }));
    expect(isAzurePlan(plan)).toBe(true);
    await expect(pc.subscriptions.get(customerId, plan.id)).resolves.toMatchObject({
      id: plan.id,
      status: 'active',
    });
    const provisioningStatus = await pc.subscriptions.getProvisioningStatus(customerId, plan.id);
    expect(provisioningStatus.status).toBeTruthy();
  });

  it('refuses the purchase for a customer without an accepted Microsoft Customer Agreement (13605)', async () => {
    const customerId = seed['Woodgrove Bank'].id;
    const purchase = async () => {
      const cart = await pc.carts.create(
        customerId,
        azurePlanCart(await azurePlanCatalogItemId(customerId, 'GB')),
      );
      return pc.carts.checkout(customerId, cart.id);
    };
    const error = await rejection(purchase());
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect((error as PartnerCenterError).code).toBe('13605');
  });
});

describe('agreements', () => {
  it('reads the MCA template, records an attestation and lists it; the purchase then goes through', async () => {
    const customerId = seed['Woodgrove Bank'].id;
    const metadata = await pc.agreements.getMcaMetadata();
    expect(metadata.agreementType).toBe('MicrosoftCustomerAgreement');
    const contact = { firstName: 'Ada', lastName: 'Byron', email: 'ada@woodgrovebank.example' };
    const agreement = await pc.agreements.createAttestation(customerId, { primaryContact: contact });
    expect(agreement.templateId).toBe(metadata.templateId);
    const agreements = await all(pc.agreements.list(customerId));
    expect(agreements.some((a) => a.primaryContact?.email === contact.email)).toBe(true);

    const cart = await pc.carts.create(
      customerId,
      azurePlanCart(await azurePlanCatalogItemId(customerId, 'GB')),
    );
    await expect(pc.carts.checkout(customerId, cart.id)).resolves.toMatchObject({
      orders: [expect.anything()],
    });
  });
});

describe('subscriptions and Azure entitlements', () => {
  it('suspends an Azure plan whose Azure subscriptions are all inactive, following the 202 until it is done', async () => {
    await harness.configure({ planSuspensionAnswer: 'accepted' });
    const customerId = seed['Northwind Traders'].id;
    const plan = await azurePlanOf(customerId);
    const entitlements = await all(pc.azureEntitlements.list(customerId, plan.id));
    expect(entitlements.every((e) => e.status !== 'active')).toBe(true);
    const suspension = pc.subscriptions.updateStatus(customerId, plan.id, 'suspended', {
      etag: plan.attributes?.etag ?? undefined,
    });
    // Suspending a plan is slow (202 + Location): move simulated time on once it is accepted.
    await waitFor(async () =>
      (await harness.requests()).some(
        (r) => r.method === 'PATCH' && r.path.endsWith(plan.id) && r.status === 202,
      ),
    );
    await harness.advanceClock(60 * 60_000);
    const suspended = await suspension;
    await harness.configure({ planSuspensionAnswer: 'ok' });
    expect(suspended.status).toBe('suspended');
    await expect(pc.subscriptions.get(customerId, plan.id)).resolves.toMatchObject({ status: 'suspended' });
  });

  it('suspends an Azure plan that has only a savings plan left: 200 with the new status, shown by a read only after the delay', async () => {
    const customerId = seed['Lakeshore Retail'].id;
    const subscriptions = await all(pc.subscriptions.list(customerId));
    const savingsPlan = subscriptions.find((s) => s.productType?.subType?.id === 'SavingsPlan');
    expect(savingsPlan).toMatchObject({ billingType: 'benefit', unitType: 'Benefit', status: 'active' });
    expect(savingsPlan?.lineItems?.[0]?.status).toBe('active');
    const plan = await azurePlanOf(customerId);
    const answered = await pc.subscriptions.updateStatus(customerId, plan.id, 'suspended');
    expect(answered.status).toBe('suspended');
    await expect(pc.subscriptions.get(customerId, plan.id)).resolves.toMatchObject({ status: 'active' });
    await harness.advanceClock(60 * 60_000);
    await expect(pc.subscriptions.get(customerId, plan.id)).resolves.toMatchObject({ status: 'suspended' });
  });

  it('reactivates a suspended Azure plan', async () => {
    const customerId = seed['Tailspin Toys'].id;
    const plan = await azurePlanOf(customerId);
    expect(plan.status).toBe('suspended');
    await expect(pc.subscriptions.updateStatus(customerId, plan.id, 'active')).resolves.toMatchObject({
      status: 'active',
    });
  });

  it('refuses to suspend an Azure plan with active Azure subscriptions (900115)', async () => {
    const customerId = seed['Fabrikam Inc'].id;
    const plan = await azurePlanOf(customerId);
    const entitlements = await all(pc.azureEntitlements.list(customerId, plan.id));
    const active = entitlements.find((e) => e.status === 'active');
    expect(active).toBeDefined();
    await expect(pc.azureEntitlements.get(customerId, plan.id, active!.id)).resolves.toMatchObject({
      id: active!.id,
      status: 'active',
    });
    const error = await rejection(pc.subscriptions.updateStatus(customerId, plan.id, 'suspended'));
    expect((error as PartnerCenterError).code).toBe('900115');
    await expect(pc.subscriptions.get(customerId, plan.id)).resolves.toMatchObject({ status: 'active' });
  });
});

describe('reservations', () => {
  it('lists reserved-instance entitlements and follows an artifact link to its reservations', async () => {
    const customerId = seed['Adventure Works'].id;
    const entitlements = await all(pc.entitlements.listReservedInstances(customerId, { showExpiry: true }));
    const artifact = entitlements.flatMap((e) => e.entitledArtifacts ?? []).find((a) => a.link);
    expect(artifact?.link).toBeDefined();
    const details = await pc.entitlements.getReservedInstanceArtifactDetails(artifact!.link!);
    const reservations = [...(details.reservations ?? []), ...(details.virtualMachineReservations ?? [])];
    expect(reservations.length).toBeGreaterThan(0);
    expect(reservations.some((r) => Date.parse(r.expiryDateTime ?? '') > Date.now())).toBe(true);
  });
});

describe('product upgrades', () => {
  it('says why a legacy customer is not eligible', async () => {
    const eligibility = await pc.productUpgrades.checkEligibility(seed['Litware'].id);
    expect(eligibility.isEligible).toBe(false);
    expect(eligibility.reason).toBeTruthy();
  });

  it('upgrades an eligible legacy customer and follows the upgrade to completion', async () => {
    const customerId = seed['Wingtip Toys'].id;
    await expect(pc.productUpgrades.checkEligibility(customerId)).resolves.toMatchObject({
      isEligible: true,
    });
    const created = await pc.productUpgrades.create(customerId);
    expect(created.existing).toBe(false);
    const status = await pc.productUpgrades.getStatus(customerId, created.upgradeId);
    expect(status.id).toBe(created.upgradeId);
    await harness.advanceClock(3 * ORDER_COMPLETION_MS);
    await expect(pc.productUpgrades.getStatus(customerId, created.upgradeId)).resolves.toMatchObject({
      status: 'Completed',
    });
  });
});

describe('spend', () => {
  it('reads usage summaries and usage records of an Azure plan customer', async () => {
    const customerId = seed['Alpine Ski House'].id;
    const summary = await pc.usage.customerSummary(customerId);
    expect(summary.totalCost).toBeGreaterThan(0);
    const plan = await azurePlanOf(customerId);
    const planSummary = await pc.usage.subscriptionSummary(customerId, plan.id);
    expect(typeof planSummary.totalCost).toBe('number');
    const monthly = await all(pc.usage.subscriptionUsageRecords(customerId));
    expect(monthly.map((r) => r.resourceId)).toContain(plan.id);
    const meters = await all(pc.usage.meterUsageRecords(customerId, plan.id));
    const resources = await all(pc.usage.resourceUsageRecords(customerId, plan.id));
    expect(meters.length).toBeGreaterThan(0);
    expect(resources.length).toBeGreaterThan(0);
  });

  it('puts Alpine Ski House at about 85 % of its budget', async () => {
    const customerId = seed['Alpine Ski House'].id;
    const [summary, budget] = await Promise.all([
      pc.usage.customerSummary(customerId),
      pc.budgets.get(customerId),
    ]);
    const ratio = summary.totalCost / (budget.amount ?? Number.NaN);
    expect(ratio).toBeGreaterThan(0.7);
    expect(ratio).toBeLessThan(1);
  });

  it('sets a budget and reads it back', async () => {
    const customerId = seed['Coho Winery'].id;
    await expect(pc.budgets.set(customerId, 4321)).resolves.toMatchObject({ amount: 4321 });
    await expect(pc.budgets.get(customerId)).resolves.toMatchObject({ amount: 4321 });
  });

  it('reads utilization records of a legacy Azure subscription', async () => {
    const customerId = seed['Litware'].id;
    const legacy = (await all(pc.subscriptions.list(customerId))).find((s) => s.offerId === 'MS-AZR-0145P');
    expect(legacy).toBeDefined();
    const end = new Date();
    const start = new Date(end.getTime() - 7 * 24 * 3600 * 1000);
    const records = await all(
      pc.usage.utilization(customerId, legacy!.id, {
        startTime: start.toISOString(),
        endTime: end.toISOString(),
      }),
    );
    expect(records.every((r) => r.resource.id.length > 0)).toBe(true);
  });
});

describe('invoices', () => {
  it('lists invoices, reads one, and pages through its line items and the unbilled ones', async () => {
    const invoices = await all(pc.invoices.list());
    expect(invoices.length).toBeGreaterThan(0);
    const invoice = await pc.invoices.get(invoices[0].id);
    expect(invoice.id).toBe(invoices[0].id);
    const lines = await all(pc.invoices.lineItems(invoice.id));
    expect(lines.length).toBeGreaterThan(0);
    const unbilled = await all(
      pc.invoices.unbilledLineItems({ currencyCode: invoice.currencyCode ?? 'USD', period: 'current' }),
    );
    expect(unbilled.every((line) => typeof line.customerId === 'string')).toBe(true);
  });
});

describe('audit records', () => {
  it('lists the activity log', async () => {
    const since = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);
    const records = await all(pc.auditRecords.list({ startDate: since }));
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.operationType.length > 0 && r.operationDate.length > 0)).toBe(true);
  });
});
