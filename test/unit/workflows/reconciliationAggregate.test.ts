import { gunzipSync } from 'node:zlib';
import { currencyDigits, fromMicros, sameAmount, toMicros } from '../../../src/workflows/invoices/amounts';
import { CSV_COLUMNS, GzipChunkWriter, csvRow, csvText } from '../../../src/workflows/invoices/csvExport';
import { ReconciliationAggregate } from '../../../src/workflows/invoices/reconciliationAggregate';
import { fromExportLine, fromLegacyLine, type ReconLine } from '../../../src/workflows/invoices/reconLine';

const line = (over: Partial<ReconLine> & Pick<ReconLine, 'customerId' | 'total'>): ReconLine => ({
  customerName: over.customerId.toUpperCase(),
  productId: 'P1',
  skuId: '0001',
  productName: 'Product one',
  quantity: 1,
  currency: 'USD',
  ...over,
});

const all = { maxCustomers: 100, maxProductsPerCustomer: 100 };

describe('reconciliation aggregate (per customer and product, while streaming)', () => {
  it('adds amounts exactly whatever their number: 0.1 ten thousand times is 1,000.00', () => {
    const aggregate = new ReconciliationAggregate();
    for (let i = 0; i < 10_000; i++)
      aggregate.add(line({ customerId: 'c1', total: 0.1, subtotal: 0.1, tax: 0 }));
    const summary = aggregate.summary(all);
    expect(summary.total).toBe(1000);
    expect(summary.subtotal).toBe(1000);
    expect(summary.lineCount).toBe(10_000);
    // Adding the floats one by one drifts; the summary does not.
    let naive = 0;
    for (let i = 0; i < 10_000; i++) naive += 0.1;
    expect(naive).not.toBe(1000);
  });

  it('groups by customer (case-insensitive id) and by product and SKU, largest first', () => {
    const aggregate = new ReconciliationAggregate();
    aggregate.add(line({ customerId: 'C1', total: 10, quantity: 2 }));
    aggregate.add(line({ customerId: 'c1', total: 5, quantity: 3 }));
    aggregate.add(
      line({ customerId: 'c1', total: 100, productId: 'P2', productName: 'Two', skuName: 'Two Pro' }),
    );
    aggregate.add(line({ customerId: 'c2', total: 50 }));
    const summary = aggregate.summary(all);
    expect(summary.customerCount).toBe(2);
    expect(summary.customers.map((c) => [c.customerId, c.total, c.lineCount])).toEqual([
      ['C1', 115, 3],
      ['c2', 50, 1],
    ]);
    expect(summary.customers[0].products).toEqual([
      { productId: 'P2:0001', name: 'Two (Two Pro)', quantity: 1, total: 100, lineCount: 1 },
      { productId: 'P1:0001', name: 'Product one', quantity: 5, total: 15, lineCount: 2 },
    ]);
    expect(summary.total).toBe(165);
    expect(summary.currencies).toEqual(['USD']);
  });

  it('keeps the largest customers and products for the card and counts the others; totals cover every line', () => {
    const aggregate = new ReconciliationAggregate();
    for (let c = 0; c < 40; c++) {
      for (let p = 0; p < 9; p++)
        aggregate.add(line({ customerId: `c${c}`, productId: `p${p}`, total: c + p }));
    }
    const summary = aggregate.summary({ maxCustomers: 12, maxProductsPerCustomer: 6 });
    expect(summary.customers).toHaveLength(12);
    expect(summary.customers[0].customerId).toBe('c39');
    expect(summary.customers[0].products).toHaveLength(6);
    expect(summary.customers[0].productCount).toBe(9);
    expect(summary.omittedCustomers).toBe(28);
    expect(summary.lineCount).toBe(360);
    const expected = Array.from({ length: 40 }, (_, c) => 9 * c + 36).reduce((a, b) => a + b, 0);
    expect(summary.total).toBe(expected);
  });

  it('with a customer filter lists only that customer, its own total apart, and still totals every line', () => {
    const aggregate = new ReconciliationAggregate();
    aggregate.add(line({ customerId: 'a', total: 1.25 }));
    aggregate.add(line({ customerId: 'b', total: 2.5 }));
    aggregate.add(line({ customerId: 'B', total: 2.5 }));
    const summary = aggregate.summary({ ...all, customerId: 'b' });
    expect(summary.customers.map((c) => c.customerId)).toEqual(['b']);
    expect(summary.selected).toEqual({ customerId: 'b', lineCount: 2, total: 5 });
    expect(summary.total).toBe(6.25);
    expect(summary.omittedCustomers).toBe(1);
    expect(aggregate.summary({ ...all, customerId: 'nobody' }).selected).toEqual({
      customerId: 'nobody',
      lineCount: 0,
      total: 0,
    });
  });

  it('holds customers × products, not lines: 100,000 lines of 3 customers leave 3 customers of 2 products', () => {
    const aggregate = new ReconciliationAggregate();
    for (let i = 0; i < 100_000; i++) {
      aggregate.add(line({ customerId: `c${i % 3}`, productId: `p${i % 2}`, total: 1 }));
    }
    const summary = aggregate.summary(all);
    expect(summary.lineCount).toBe(100_000);
    expect(summary.customers.map((c) => c.productCount)).toEqual([2, 2, 2]);
    expect(summary.total).toBe(100_000);
  });
});

describe('amounts', () => {
  it('compares at the precision of the currency', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('BHD')).toBe(3);
    expect(sameAmount(100.004, 100, 'USD')).toBe(true);
    expect(sameAmount(100.01, 100, 'USD')).toBe(false);
    expect(sameAmount(100.4, 100, 'JPY')).toBe(true);
    expect(fromMicros(toMicros(-12.345678))).toBe(-12.345678);
  });
});

describe('line items from either source', () => {
  it('reads a Graph export line and a legacy v1 line (office total, or azure postTaxTotal)', () => {
    expect(
      fromExportLine({
        customerId: 'c1',
        customerName: 'Contoso',
        productId: 'P',
        skuId: 'S',
        productName: 'Name',
        quantity: 3,
        billableQuantity: 2,
        totalForCustomer: 12.5,
        subtotal: 10,
        taxTotal: 2.5,
        currency: 'EUR',
      }),
    ).toMatchObject({ customerId: 'c1', quantity: 2, total: 12.5, subtotal: 10, tax: 2.5, currency: 'EUR' });
    expect(
      fromLegacyLine({ customerId: 'c', offerName: 'O365 E3', totalForCustomer: 4 }, 'D1'),
    ).toMatchObject({
      invoiceNumber: 'D1',
      productName: 'O365 E3',
      total: 4,
    });
    expect(
      fromLegacyLine({ customerId: 'c', postTaxTotal: 7, pretaxCharges: 6, taxAmount: 1 }, 'D1'),
    ).toMatchObject({
      total: 7,
      subtotal: 6,
      tax: 1,
    });
  });
});

describe('CSV of the line items', () => {
  it('quotes what needs quoting and keeps spreadsheets from running formulas', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('Contoso, Inc')).toBe('"Contoso, Inc"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    expect(csvText('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvText('+1')).toBe("'+1");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    const row = csvRow(line({ customerId: 'c1', total: -3.5, customerName: '-minus Ltd' }));
    const cells = row.trimEnd().split(',');
    expect(cells).toHaveLength(CSV_COLUMNS.length);
    expect(cells[CSV_COLUMNS.indexOf('TotalForCustomer')]).toBe('-3.5');
    expect(cells[CSV_COLUMNS.indexOf('CustomerName')]).toBe("'-minus Ltd");
    expect(row.endsWith('\r\n')).toBe(true);
  });

  it('gzips as it goes and stores chunks of about the chunk size that gunzip back to the text', async () => {
    const stored: Array<{ seq: number; chunk: Buffer }> = [];
    const writer = new GzipChunkWriter(async (seq, chunk) => {
      stored.push({ seq, chunk });
    }, 4 * 1024);
    let text = '';
    for (let i = 0; i < 20_000; i++) {
      const row = `${i},${(i * 7919) % 104729},customer-${i % 97}\r\n`;
      text += row;
      await writer.write(row);
    }
    await writer.end();
    expect(stored.length).toBeGreaterThan(3);
    expect(stored.map((s) => s.seq)).toEqual(stored.map((_, i) => i));
    expect(stored.slice(0, -1).every((s) => s.chunk.length >= 4 * 1024)).toBe(true);
    expect(writer.bytes).toBe(stored.reduce((n, s) => n + s.chunk.length, 0));
    expect(gunzipSync(Buffer.concat(stored.map((s) => s.chunk))).toString('utf8')).toBe(text);
  });
});
