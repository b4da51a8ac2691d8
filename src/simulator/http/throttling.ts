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
  usage: {
    perMinute: 300,
    source:
      'not on the throttled list, no published number; default (customer/subscription usagesummary, usagerecords, meter/resource usage records, utilizations)',
  },
  budgets: {
    perMinute: 300,
    source: 'not on the throttled list, no published number; default (usagebudget GET and PATCH)',
  },
  entitlements: { perMinute: 300, source: 'not on the throttled list; default' },
  invoices: { perMinute: 300, source: 'not on the throttled list; default' },
  agreements: { perMinute: 100, source: 'not on the throttled list; default' },
  auditRecords: { perMinute: 100, source: 'the docs advise the activity log instead of polling; default' },
};

/** Length of a rate-limit window (fixed windows, opened by the first call after the last one ended). */
export const RATE_LIMIT_WINDOW_MS = 60_000;

export function isEndpointFamily(name: string): name is EndpointFamily {
  return Object.prototype.hasOwnProperty.call(RATE_LIMITS, name);
}

/** The table a benchmark reads (GET /_sim/config → throttling) to compute the bound of a sweep. */
export interface RateLimitTable {
  windowMs: number;
  /** A window counts the calls of one family by one partner tenant, whatever the customer. */
  scope: 'partnerTenant';
  families: Record<EndpointFamily, RateLimit & { defaultPerMinute: number }>;
}

interface Window {
  startedAt: number;
  count: number;
}

export class RateLimiter {
  private windows = new Map<string, Window>();
  /** Per-minute limits set through PUT /_sim/config: configuration, so a reseed keeps them. */
  private readonly overrides = new Map<EndpointFamily, number>();

  perMinute(family: EndpointFamily): number {
    return this.overrides.get(family) ?? RATE_LIMITS[family].perMinute;
  }

  /** Sets a family's per-minute limit; null puts the default back. */
  setPerMinute(family: EndpointFamily, perMinute: number | null): void {
    if (perMinute === null) this.overrides.delete(family);
    else this.overrides.set(family, perMinute);
  }

  table(): RateLimitTable {
    const families = Object.fromEntries(
      (Object.keys(RATE_LIMITS) as EndpointFamily[]).map((family) => [
        family,
        {
          perMinute: this.perMinute(family),
          defaultPerMinute: RATE_LIMITS[family].perMinute,
          source: RATE_LIMITS[family].source,
        },
      ]),
    ) as RateLimitTable['families'];
    return { windowMs: RATE_LIMIT_WINDOW_MS, scope: 'partnerTenant', families };
  }

  /** Counts the call; returns the Retry-After seconds when it is over the limit, else undefined. */
  hit(family: EndpointFamily, tenantId: string, now: number): number | undefined {
    const key = `${family}|${tenantId.toLowerCase()}`;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= RATE_LIMIT_WINDOW_MS) {
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.perMinute(family)) {
      return Math.max(1, Math.ceil((window.startedAt + RATE_LIMIT_WINDOW_MS - now) / 1000));
    }
    window.count += 1;
    return undefined;
  }

  reset(): void {
    this.windows.clear();
  }
}
