import { z } from 'zod';
import { fromMicros, toMicros } from './amounts';
import type { ReconLine } from './reconLine';

/**
 * Line items added up per customer and per product while they stream past: memory grows with the
 * number of customers and products, never with the number of lines. The summary keeps the largest
 * customers and products (a card cannot show thousands) and says how many it left out; the totals
 * always cover every line.
 */

const productTotalSchema = z.object({
  productId: z.string(),
  name: z.string(),
  quantity: z.number(),
  total: z.number(),
  lineCount: z.number().int(),
});
export type ProductTotal = z.infer<typeof productTotalSchema>;

const customerTotalSchema = z.object({
  customerId: z.string(),
  name: z.string(),
  total: z.number(),
  lineCount: z.number().int(),
  productCount: z.number().int(),
  /** The largest products first; `productCount` counts them all. */
  products: z.array(productTotalSchema),
});
export type CustomerTotal = z.infer<typeof customerTotalSchema>;

export const reconciliationSummarySchema = z.object({
  /** Every line read, whatever the customer filter. */
  lineCount: z.number().int(),
  total: z.number(),
  subtotal: z.number(),
  tax: z.number(),
  /** The currencies the lines named (one, normally). */
  currencies: z.array(z.string()),
  customerCount: z.number().int(),
  /** The customers shown: the largest first, or only the one asked for. */
  customers: z.array(customerTotalSchema),
  /** Customers not shown (beyond the limit, or filtered out). */
  omittedCustomers: z.number().int(),
  /** With a customer filter: that customer's lines and total (zero when it has none). */
  selected: z.object({ customerId: z.string(), lineCount: z.number().int(), total: z.number() }).optional(),
});
export type ReconciliationSummary = z.infer<typeof reconciliationSummarySchema>;

interface ProductAccumulator {
  name: string;
  quantity: number;
  micros: bigint;
  lines: number;
}

interface CustomerAccumulator {
  id: string;
  name: string;
  micros: bigint;
  lines: number;
  products: Map<string, ProductAccumulator>;
}

export interface SummaryOptions {
  /** Only this customer is listed (the totals still cover every line). */
  customerId?: string;
  maxCustomers: number;
  maxProductsPerCustomer: number;
}

/** The product a line is about, and how people name it. */
function productOf(line: ReconLine): { key: string; name: string } {
  const key = [line.productId ?? '', line.skuId ?? ''].join(':');
  const product = line.productName ?? line.skuName ?? line.productId ?? '?';
  const name =
    line.skuName && line.productName && line.skuName !== line.productName
      ? `${line.productName} (${line.skuName})`
      : product;
  return { key: key === ':' ? `name:${name}` : key, name };
}

const byTotalDescending = <T extends { micros: bigint }>(a: [string, T], b: [string, T]) =>
  a[1].micros === b[1].micros ? a[0].localeCompare(b[0]) : a[1].micros > b[1].micros ? -1 : 1;

export class ReconciliationAggregate {
  private readonly customers = new Map<string, CustomerAccumulator>();
  private readonly currencies = new Set<string>();
  private lines = 0;
  private total = 0n;
  private subtotal = 0n;
  private tax = 0n;

  add(line: ReconLine): void {
    const micros = toMicros(line.total);
    this.lines += 1;
    this.total += micros;
    this.subtotal += toMicros(line.subtotal);
    this.tax += toMicros(line.tax);
    if (line.currency) this.currencies.add(line.currency.toUpperCase());
    const customerKey = line.customerId.toLowerCase();
    let customer = this.customers.get(customerKey);
    if (!customer) {
      customer = {
        id: line.customerId,
        name: line.customerName ?? line.customerId,
        micros: 0n,
        lines: 0,
        products: new Map(),
      };
      this.customers.set(customerKey, customer);
    }
    customer.micros += micros;
    customer.lines += 1;
    const { key, name } = productOf(line);
    let product = customer.products.get(key);
    if (!product) {
      product = { name, quantity: 0, micros: 0n, lines: 0 };
      customer.products.set(key, product);
    }
    product.micros += micros;
    product.quantity += line.quantity ?? 0;
    product.lines += 1;
  }

  get lineCount(): number {
    return this.lines;
  }

  summary(options: SummaryOptions): ReconciliationSummary {
    const wanted = options.customerId?.toLowerCase();
    const ranked = [...this.customers.entries()].sort(byTotalDescending);
    const shown = (wanted === undefined ? ranked : ranked.filter(([id]) => id === wanted)).slice(
      0,
      options.maxCustomers,
    );
    const selected =
      wanted === undefined
        ? undefined
        : {
            customerId: options.customerId ?? wanted,
            lineCount: this.customers.get(wanted)?.lines ?? 0,
            total: fromMicros(this.customers.get(wanted)?.micros ?? 0n),
          };
    return {
      lineCount: this.lines,
      total: fromMicros(this.total),
      subtotal: fromMicros(this.subtotal),
      tax: fromMicros(this.tax),
      currencies: [...this.currencies].sort(),
      customerCount: this.customers.size,
      customers: shown.map(([, c]) => ({
        customerId: c.id,
        name: c.name,
        total: fromMicros(c.micros),
        lineCount: c.lines,
        productCount: c.products.size,
        products: [...c.products.entries()]
          .sort(byTotalDescending)
          .slice(0, options.maxProductsPerCustomer)
          .map(([productId, p]) => ({
            productId,
            name: p.name,
            quantity: Math.round(p.quantity * 1e6) / 1e6,
            total: fromMicros(p.micros),
            lineCount: p.lines,
          })),
      })),
      omittedCustomers: this.customers.size - shown.length,
      ...(selected ? { selected } : {}),
    };
  }
}
