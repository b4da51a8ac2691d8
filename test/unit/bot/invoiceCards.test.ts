import { MAX_CARD_BYTES } from '../../../src/cards/render';
import {
  reconciliationCard,
  invoiceListCard,
  type ShownRequest,
} from '../../../src/bot/handlers/invoiceCards';
import { LOCALES } from '../../../src/i18n';
import { ReconciliationAggregate } from '../../../src/workflows/invoices/reconciliationAggregate';
import {
  FAILURE_REASONS,
  totalsCheck,
  type ReconciliationResult,
} from '../../../src/workflows/invoices/reconciliationJob';
import type { InvoiceSummary } from '../../../src/workflows/invoices/invoiceQueries';
import { adaptiveCardProblems } from '../../support/cardValidation';

const invoice: InvoiceSummary = {
  id: 'G000100001',
  invoiceDate: '2026-11-09T00:00:00Z',
  billingPeriodStart: '2026-10-01T00:00:00Z',
  billingPeriodEnd: '2026-10-31T23:59:59Z',
  totalCharges: 100,
  paidAmount: 0,
  currency: 'EUR',
  invoiceType: 'OneTime',
  newCommerce: true,
  legacyProviders: [],
};

const request = (over: Partial<ShownRequest> = {}): ShownRequest => ({
  scope: { type: 'invoice', invoice },
  view: 'reconciliation',
  correlationId: '8d7c1f4e-0000-4000-8000-000000000001',
  requestedBy: 'megan',
  ...over,
});

/** The largest summary a card shows: 40 customers of 9 products with long names. */
function bigResult(): ReconciliationResult {
  const aggregate = new ReconciliationAggregate();
  for (let c = 0; c < 40; c++) {
    for (let p = 0; p < 9; p++) {
      aggregate.add({
        customerId: `c${c}`,
        customerName: `Customer number ${c} with a rather long registered company name, Limited`,
        productId: `p${p}`,
        productName: `Reserved VM Instance, Standard_DS1_v2, US West 2, 1 Year, variant ${p}`,
        quantity: 1234,
        total: 123456.78,
      });
    }
  }
  const summary = aggregate.summary({ maxCustomers: 12, maxProductsPerCustomer: 6 });
  return {
    sources: ['graph', 'v1'],
    summary,
    check: totalsCheck({ scope: { type: 'invoice', invoice } }, summary.total),
    download: { id: 'AAAAAAAAAAAAAAAAAAAAAA', expiresAt: Date.UTC(2026, 10, 25), rows: 360 },
  };
}

function expectValid(json: unknown): void {
  const text = JSON.stringify(json);
  expect(text).not.toContain('${');
  // A key i18next could not find comes back as the key itself.
  expect(text).not.toMatch(/"(text|title|value)":"invoices\./);
  expect(adaptiveCardProblems(json)).toEqual([]);
  expect(Buffer.byteLength(text)).toBeLessThan(MAX_CARD_BYTES);
}

describe('totals check', () => {
  it('matches at the currency precision and says by how much it differs otherwise', () => {
    const scope = { scope: { type: 'invoice' as const, invoice } };
    expect(totalsCheck(scope, 100.004)).toMatchObject({ kind: 'invoice', matches: true });
    expect(totalsCheck(scope, 99.99)).toEqual({
      kind: 'invoice',
      invoiceTotal: 100,
      linesTotal: 99.99,
      difference: -0.01,
      matches: false,
    });
    expect(totalsCheck({ scope: { type: 'unbilled', currency: 'USD', period: 'current' } }, 5)).toEqual({
      kind: 'lines-only',
      linesTotal: 5,
    });
  });
});

describe.each(LOCALES)('invoice and reconciliation cards (%s)', (locale) => {
  const link = {
    url: 'http://127.0.0.1:3978/downloads/AAAAAAAAAAAAAAAAAAAAAA?expires=1&signature=s',
    expiresAt: 1,
  };

  it('renders every state of a reconciliation as a valid card', () => {
    const result = bigResult();
    const cards = [
      reconciliationCard(locale, request(), { state: 'queued' }),
      reconciliationCard(locale, request(), {
        state: 'progress',
        progress: { phase: 'exporting', status: 'running', polls: 3, elapsedMs: 12_000 },
      }),
      reconciliationCard(locale, request(), {
        state: 'progress',
        progress: { phase: 'reading', source: 'graph', lineItems: 4000, blob: { index: 1, count: 3 } },
      }),
      reconciliationCard(locale, request(), { state: 'succeeded', result, link }),
      reconciliationCard(locale, request({ view: 'invoice' }), {
        state: 'succeeded',
        result: {
          ...result,
          summary: new ReconciliationAggregate().summary({ maxCustomers: 30, maxProductsPerCustomer: 0 }),
        },
      }),
      reconciliationCard(
        locale,
        request({
          scope: { type: 'unbilled', currency: 'USD', period: 'current' },
          customer: { id: 'c1', name: 'Contoso' },
        }),
        { state: 'succeeded', result: { ...result, check: { kind: 'lines-only', linesTotal: 3 } } },
      ),
      ...FAILURE_REASONS.map((reason) =>
        reconciliationCard(locale, request(), {
          state: 'failed',
          failure: { reason, code: '5000', message: 'No data available', requestId: 'r-1' },
        }),
      ),
    ];
    for (const card of cards) expectValid(card);
  });

  it('says when the line items do not add up to the invoice, with both amounts and the difference', () => {
    const result = { ...bigResult(), check: totalsCheck({ scope: { type: 'invoice', invoice } }, 99.99) };
    const text = JSON.stringify(reconciliationCard(locale, request(), { state: 'succeeded', result, link }));
    const amount = (n: number) =>
      new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-US', {
        style: 'currency',
        currency: 'EUR',
      }).format(n);
    expect(text).toContain('⚠️');
    for (const n of [99.99, 100, -0.01]) expect(text).toContain(amount(n));
  });

  it('renders the invoice list', () => {
    expectValid(
      invoiceListCard(locale, {
        invoices: [invoice, { ...invoice, id: 'D000070001', paidAmount: 100 }],
        total: 30,
      }),
    );
    expectValid(invoiceListCard(locale, { invoices: [], total: 0 }));
  });
});
