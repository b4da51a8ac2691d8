interface Entry {
  expiresAt: number;
  value: Promise<unknown>;
}

/**
 * Catalog answers kept per country for a while: the catalog changes rarely, pickers ask for it
 * often. Concurrent asks for the same thing share one request; failures are not kept.
 */
export class CatalogCache {
  private readonly byCountry = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  getOrLoad<T>(country: string, key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const countryKey = country.toUpperCase();
    let entries = this.byCountry.get(countryKey);
    if (!entries) {
      entries = new Map();
      this.byCountry.set(countryKey, entries);
    }
    const cached = entries.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.value as Promise<T>;
    const value = load();
    const entry: Entry = { expiresAt: this.now() + this.ttlMs, value };
    entries.set(key, entry);
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return value;
  }

  /** Forgets one country's catalog, or everything. */
  invalidate(country?: string): void {
    if (country === undefined) this.byCountry.clear();
    else this.byCountry.delete(country.toUpperCase());
  }
}
