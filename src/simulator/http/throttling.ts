/**
 * Rate limits per endpoint family and partner tenant, fixed one-minute windows on the simulated
 * clock. Only orders and subscriptions have published numbers (500 requests/min per tenant); the
 * others are on the documented throttled list without numbers, or not on it, and use the
 * defaults chosen here.
 */
export type EndpointFamily =
  | 'orders'
  | 'subscriptions'
  | 'carts'
  | 'customers'
  | 'catalog'
  | 'productUpgrades'
  | 'usage'
  | 'budgets'
  | 'entitlements'
  | 'invoices'
  | 'agreements'
  | 'auditRecords';

export interface RateLimit {
  perMinute: number;
  source: string;
}

export const RATE_LIMITS: Record<EndpointFamily, RateLimit> = {
  orders: { perMinute: 500, source: 'PC/order-resources: 500 requests per minute per tenant id' },
  subscriptions: {
    perMinute: 500,
    source: 'PC/subscription-resources: 500 requests per minute per tenant id',
  },
  carts: { perMinute: 500, source: 'throttled list (PC/api-throttling-guidance); number chosen like orders' },
  customers: { perMinute: 500, source: 'throttled list (customer get); number chosen like orders' },
  productUpgrades: { perMinute: 300, source: 'throttled list (productupgrades); number chosen' },
  catalog: { perMinute: 1000, source: 'not on the throttled list; generous default' },
  usage: { perMinute: 300, source: 'not on the throttled list; default' },
  budgets: { perMinute: 300, source: 'not on the throttled list; default' },
  entitlements: { perMinute: 300, source: 'not on the throttled list; default' },
  invoices: { perMinute: 300, source: 'not on the throttled list; default' },
  agreements: { perMinute: 100, source: 'not on the throttled list; default' },
  auditRecords: { perMinute: 100, source: 'the docs advise the activity log instead of polling; default' },
};

interface Window {
  startedAt: number;
  count: number;
}

export class RateLimiter {
  private windows = new Map<string, Window>();

  /** Counts the call; returns the Retry-After seconds when it is over the limit, else undefined. */
  hit(family: EndpointFamily, tenantId: string, now: number): number | undefined {
    const key = `${family}|${tenantId.toLowerCase()}`;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= 60_000) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= RATE_LIMITS[family].perMinute) {
      return Math.max(1, Math.ceil((window.startedAt + 60_000 - now) / 1000));
    }
    window.count += 1;
    return undefined;
  }

  reset(): void {
    this.windows.clear();
  }
}
