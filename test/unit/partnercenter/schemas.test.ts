import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import * as s from '../../../src/partnercenter/schemas';

import { SAMPLES_DIR } from '../../support/samples';

/** Which schema reads each documented response body, by file-name prefix. */
const SCHEMA_FOR_SAMPLE: Record<string, z.ZodTypeAny> = {
  '01': s.collectionSchema(s.productSchema),
  '02': s.collectionSchema(s.skuSchema),
  '03': s.productSchema,
  '04': s.productSchema,
  '05': s.collectionSchema(s.skuSchema),
  '06': s.skuSchema,
  '07': s.skuSchema,
  '08': s.collectionSchema(s.availabilitySchema),
  '09': s.availabilitySchema,
  '11': s.cartSchema,
  '13': s.cartSchema,
  '15': s.cartSchema,
  '17': s.cartSchema,
  '18': s.cartCheckoutResultSchema,
  '19': s.cartCheckoutResultSchema,
  '20': s.orderSchema,
  '21': s.orderSchema,
  '22': s.collectionSchema(s.orderSchema),
  '23': s.collectionSchema(s.orderLineItemProvisioningStatusSchema),
  '24': s.subscriptionSchema,
  '25': s.subscriptionSchema,
  '26': s.collectionSchema(s.subscriptionSchema),
  '28': s.subscriptionSchema,
  '30': s.collectionSchema(s.azureEntitlementSchema),
  '31': s.azureEntitlementSchema,
  '33': s.azureEntitlementSchema,
  '34': s.collectionSchema(s.entitlementSchema),
  '35': s.reservedInstanceArtifactDetailsSchema,
  '37': s.productUpgradeEligibilitySchema,
  '40': s.productUpgradeStatusSchema,
  '41': s.customerUsageSummarySchema,
  '42': s.customerUsageSummarySchema,
  '43': s.subscriptionUsageSummarySchema,
  '44': s.spendingBudgetSchema,
  '46': s.spendingBudgetSchema,
  '47': s.collectionSchema(s.azureUtilizationRecordSchema),
  '48': s.collectionSchema(s.invoiceSchema),
  '49': s.invoiceSchema,
  '50': s.collectionSchema(s.oneTimeInvoiceLineItemSchema),
  '51': s.collectionSchema(s.oneTimeInvoiceLineItemSchema),
  '52': s.collectionSchema(s.dailyRatedUsageLineItemSchema),
  '53': s.throttlingBodySchema,
  '54': s.pcErrorBodySchema,
  '55': s.tokenResponseSchema,
  '56': s.tokenResponseSchema,
  '59': s.cartCheckoutResultSchema,
  '60': s.subscriptionSchema,
  '63': s.graphBillingOperationSchema,
  '64': s.graphBillingOperationSchema,
  '65': s.graphBillingOperationSchema,
  '66': s.graphBillingManifestSchema,
};

// Response bodies are the files named *-response.json, plus the error body schema (54-error-response-schema.json).
const responseSamples = readdirSync(SAMPLES_DIR).filter((file) => /-response[.-]/.test(file));

function readSample(file: string): unknown {
  return JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8'));
}

describe('Partner Center schemas read every documented response body', () => {
  it('finds the documented response samples', () => {
    expect(responseSamples.length).toBeGreaterThan(40);
  });

  it.each(responseSamples)('%s parses with its schema', (file) => {
    const schema = SCHEMA_FOR_SAMPLE[file.slice(0, 2)];
    expect(schema).toBeDefined();
    const result = schema.safeParse(readSample(file));
    if (!result.success) throw new Error(`${file}: ${JSON.stringify(result.error.issues, null, 2)}`);
    expect(result.success).toBe(true);
  });
});

describe('open enums', () => {
  it('normalises a known value in any casing to the documented wire value', () => {
    const order = s.orderSchema.parse({
      id: 'o1',
      status: 'Completed',
      billingCycle: 'OneTime',
      lineItems: [],
    });
    expect(order.status).toBe('completed');
    expect(order.billingCycle).toBe('one_time');
  });

  it('keeps an unknown value as sent', () => {
    const order = s.orderSchema.parse({ id: 'o1', status: 'Shipped to the moon', lineItems: [] });
    expect(order.status).toBe('Shipped to the moon');
  });
});

describe('lenient reading', () => {
  it('accepts numbers sent as text', () => {
    const summary = s.customerUsageSummarySchema.parse({ totalCost: '12.50', usdTotalCost: '' });
    expect(summary.totalCost).toBe(12.5);
    expect(summary.usdTotalCost).toBeUndefined();
  });

  it('reads PascalCase keys as the documented camelCase ones and keeps unknown fields', () => {
    const sub = s.subscriptionSchema.parse({
      Id: 'sub-1',
      Status: 'Suspended',
      Attributes: { Etag: 'e1', ObjectType: 'Subscription' },
      SomethingNew: 42,
    });
    expect(sub.id).toBe('sub-1');
    expect(sub.status).toBe('suspended');
    expect(sub.attributes?.etag).toBe('e1');
    expect(sub.SomethingNew).toBe(42);
  });

  it('names the failing path when a required field is missing', () => {
    const result = s
      .collectionSchema(s.orderSchema)
      .safeParse({ items: [{ status: 'pending', lineItems: [] }] });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0].path).toEqual(['items', 0, 'id']);
  });

  it('reads the budget of a usage summary as amount, whether spelt amount or ammount (0145P)', () => {
    const legacy = s.customerUsageSummarySchema.parse(
      readSample('42-customer-usage-summary-0145p-response.json'),
    );
    expect(legacy.budget?.amount).toBe(300);
    const plan = s.customerUsageSummarySchema.parse(
      readSample('41-customer-usage-summary-azure-plan-response.json'),
    );
    expect(plan.budget?.amount).toBe(97);
    const none = s.customerUsageSummarySchema.parse({ totalCost: 1, budget: { amount: null } });
    expect(none.budget?.amount).toBeNull();
  });

  it('rejects text that is not a number where a number is required', () => {
    const result = s.subscriptionUsageSummarySchema.safeParse({ totalCost: 'twelve' });
    expect(result.success).toBe(false);
  });
});
