import type { PartnerCenterClient } from '../partnercenter';
import type { CustomerSummary } from './customers';

export interface RecentCustomersOptions {
  /** How long a customer found is answered from memory (default 5 min). */
  freshForMs?: number;
  /** Customers kept at most, the least recently found dropped first (default 1,000). */
  maxCustomers?: number;
  now?: () => number;
}

interface Entry {
  customer: CustomerSummary;
  at: number;
}

/**
 * Customers found in the last minutes, by id and by their exact (normalized) name: an operator
 * works on one customer at a time (`plans Contoso`, then `usage Contoso`, then a button that names
 * it by id), and each command used to search Partner Center again, one round trip before anything
 * else could start. Only what names a single customer is kept: an id, or a name that exactly one
 * customer of the search bears; anything else is searched every time.
 */
export class RecentCustomers {
  private readonly byId = new Map<string, Entry>();
  private readonly byName = new Map<string, Entry>();
  private readonly freshForMs: number;
  private readonly maxCustomers: number;
  private readonly now: () => number;

  constructor(options: RecentCustomersOptions = {}) {
    this.freshForMs = options.freshForMs ?? 5 * 60_000;
    this.maxCustomers = options.maxCustomers ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  withId(id: string): CustomerSummary | undefined {
    return this.fresh(this.byId, id.toLowerCase());
  }

  /** `name` normalized (normalizeName). */
  named(name: string): CustomerSummary | undefined {
    return this.fresh(this.byName, name);
  }

  rememberId(id: string, customer: CustomerSummary): void {
    this.keep(this.byId, id.toLowerCase(), customer);
  }

  /** `name` normalized; the caller has checked that one customer bears it. */
  rememberName(name: string, customer: CustomerSummary): void {
    this.keep(this.byName, name, customer);
    this.rememberId(customer.id, customer);
  }

  private fresh(map: Map<string, Entry>, key: string): CustomerSummary | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.freshForMs) {
      map.delete(key);
      return undefined;
    }
    return entry.customer;
  }

  private keep(map: Map<string, Entry>, key: string, customer: CustomerSummary): void {
    map.delete(key);
    map.set(key, { customer, at: this.now() });
    if (map.size > this.maxCustomers) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }
}

const recent = new WeakMap<PartnerCenterClient, RecentCustomers>();

/** The recent customers of one Partner Center client (one partner tenant), made on first use. */
export function recentCustomersOf(pc: PartnerCenterClient): RecentCustomers {
  let kept = recent.get(pc);
  if (!kept) {
    kept = new RecentCustomers();
    recent.set(pc, kept);
  }
  return kept;
}
