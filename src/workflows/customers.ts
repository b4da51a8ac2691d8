import { z } from 'zod';
import type { Customer, PartnerCenterClient } from '../partnercenter';
import { customerDirectoryOf } from './customerDirectory';
import { isCustomerNotFound } from './pcErrors';
import { recentCustomersOf } from './recentCustomers';
import { editDistance } from './similarity';

export interface CustomerSummary {
  id: string;
  companyName: string;
  domain: string;
  tenantId?: string;
  /** ISO 3166 alpha-2 from the company or billing address; the catalog is asked in this country. */
  country?: string;
  /** Partner Center's customer resource carries no currency; the availability does (defaultCurrency). */
  currency?: string;
}

export interface FindCustomersOptions {
  correlationId: string;
  /** At most this many matches (default 10). */
  limit?: number;
  /**
   * When the prefix search finds nothing, how many customers of the directory are read to look for
   * the query inside names and without accents (0 disables the fallback). By default the first
   * 2,000 are read once and kept (CustomerDirectory, refreshed in the background); a number given
   * here reads that many now.
   */
  scanLimit?: number;
  /**
   * The caller takes the customer the query names when there is one (namedCustomer), not the list:
   * a name that exactly one customer bore minutes ago is answered from memory (RecentCustomers).
   * A list (a typeahead) always searches.
   */
  named?: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX_RESULTS_CAP = 50;
const SCAN_PAGE_SIZE = 500;

/**
 * Finds customers by what an operator types: a GUID is a customer id (or its tenant id, which is
 * the same for CSP customers), something with a dot is a domain, anything else a company name.
 * Partner Center only matches prefixes (case-insensitively); when that finds nothing, the cached
 * directory is searched inside names, ignoring case and accents. Exact names come first.
 */
export async function findCustomers(
  pc: PartnerCenterClient,
  query: string,
  options: FindCustomersOptions,
): Promise<CustomerSummary[]> {
  const text = query.trim();
  const limit = options.limit ?? 10;
  if (text === '' || limit <= 0) return [];
  const call = { correlationId: options.correlationId };

  const recent = recentCustomersOf(pc);
  if (GUID.test(text)) {
    const known = recent.withId(text);
    if (known) return [known];
    try {
      const customer = summarizeCustomer(await pc.customers.get(text, call));
      recent.rememberId(text, customer);
      return [customer];
    } catch (error) {
      if (isCustomerNotFound(error)) return [];
      throw error;
    }
  }

  if (text.includes('.')) {
    const found = await take(pc.customers.search({ domain: text }, call), PREFIX_RESULTS_CAP);
    return rank(found.map(summarizeCustomer), text, (c) => c.domain).slice(0, limit);
  }

  const wantedName = normalizeName(text);
  const known = options.named ? recent.named(wantedName) : undefined;
  if (known) return [known];
  let found = (await take(pc.customers.search({ companyName: text }, call), PREFIX_RESULTS_CAP)).map(
    summarizeCustomer,
  );
  const bearer = soleBearer(found, wantedName);
  if (bearer) recent.rememberName(wantedName, bearer);
  const scanLimit = options.scanLimit ?? 2_000;
  if (found.length === 0 && scanLimit > 0) {
    const directory =
      options.scanLimit === undefined
        ? await customerDirectoryOf(pc, readDirectory).customers(options.correlationId)
        : await readDirectory(pc, scanLimit, options.correlationId);
    found = preparedNames(directory)
      .filter((p) => p.name.includes(wantedName))
      .map((p) => p.customer);
  }
  return rank(found, text, (c) => c.companyName).slice(0, limit);
}

/**
 * A command whose customer name is followed by numbers (`alerts on Contoso 365 80`): how many of
 * those numbers belong to the name. The longest `<name> <numbers…>` that exactly one customer
 * bears wins; none: 0, the numbers are all the command's own. One search, of `<name> <first
 * number>` (every candidate starts with it, so the search cap cannot hide one), without the
 * directory scan; the customer found is kept in RecentCustomers for the command's lookup.
 */
export async function numbersInName(
  pc: PartnerCenterClient,
  name: string,
  numbers: readonly string[],
  options: { correlationId: string },
): Promise<number> {
  if (numbers.length === 0 || name.trim() === '') return 0;
  const found = await findCustomers(pc, `${name} ${numbers[0]}`, {
    correlationId: options.correlationId,
    limit: PREFIX_RESULTS_CAP,
    scanLimit: 0,
  });
  for (let taken = numbers.length; taken > 0; taken--) {
    const wanted = normalizeName([name, ...numbers.slice(0, taken)].join(' '));
    const bearer = soleBearer(found, wanted);
    if (bearer) {
      recentCustomersOf(pc).rememberName(wanted, bearer);
      return taken;
    }
  }
  return 0;
}

/**
 * The one customer of a search whose whole name is `name` (normalized), when the search was
 * complete (under its cap): only then is "one" known to be true.
 */
function soleBearer(found: readonly CustomerSummary[], name: string): CustomerSummary | undefined {
  if (found.length >= PREFIX_RESULTS_CAP) return undefined;
  const bearers = found.filter((c) => normalizeName(c.companyName) === name);
  return bearers.length === 1 ? bearers[0] : undefined;
}

/**
 * Customers whose name is a typing mistake or two away from the query ("Contso" → Contoso France,
 * Contoso Pharmaceuticals), closest first: for when nothing matches. From the cached directory.
 */
export async function suggestCustomers(
  pc: PartnerCenterClient,
  query: string,
  options: { correlationId: string; limit?: number },
): Promise<CustomerSummary[]> {
  const wanted = normalizeName(query);
  if (wanted.length < 3) return [];
  const allowed = Math.max(1, Math.floor(wanted.length / 4));
  const directory = await customerDirectoryOf(pc, readDirectory).customers(options.correlationId);
  const scored = preparedNames(directory).map(({ customer, name, words }) => {
    let distance = allowed + 1;
    for (const candidate of [name, name.slice(0, wanted.length), ...words]) {
      distance = Math.min(distance, editDistance(wanted, candidate, allowed));
      if (distance === 0) break;
    }
    return { customer, distance };
  });
  return scored
    .filter((s) => s.distance <= allowed)
    .sort((a, b) => a.distance - b.distance || a.customer.companyName.localeCompare(b.customer.companyName))
    .slice(0, options.limit ?? 5)
    .map((s) => s.customer);
}

/** Each directory read's names normalized once (the read is kept for minutes and shared by every lookup). */
const prepared = new WeakMap<
  readonly CustomerSummary[],
  Array<{ customer: CustomerSummary; name: string; words: string[] }>
>();

function preparedNames(directory: readonly CustomerSummary[]) {
  let entries = prepared.get(directory);
  if (!entries) {
    entries = directory.map((customer) => {
      const name = normalizeName(customer.companyName);
      return { customer, name, words: name.split(' ') };
    });
    prepared.set(directory, entries);
  }
  return entries;
}

/** Lower case, no accents, single spaces: "  Société  Générale" → "societe generale". */
export function normalizeName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Exact matches, then prefix matches, then the rest; alphabetical within each group. */
/**
 * The customer a query names among the matches: the only match, or the only exact match (company
 * name ignoring case and accents, or domain) among several. Undefined: ask the user to pick.
 */
export function namedCustomer(found: readonly CustomerSummary[], query: string): CustomerSummary | undefined {
  if (found.length === 1) return found[0];
  const wanted = normalizeName(query);
  const exact = found.filter(
    (c) => normalizeName(c.companyName) === wanted || c.domain.toLowerCase() === query.trim().toLowerCase(),
  );
  return exact.length === 1 ? exact[0] : undefined;
}

export function rank<T>(items: readonly T[], query: string, key: (item: T) => string): T[] {
  const wanted = normalizeName(query);
  const score = (item: T): number => {
    const value = normalizeName(key(item));
    if (value === wanted) return 0;
    if (value.startsWith(wanted)) return 1;
    return 2;
  };
  return [...items].sort((a, b) => score(a) - score(b) || key(a).localeCompare(key(b)));
}

const addressSchema = z.object({ country: z.string().min(2).optional() }).passthrough();
const profileAddressSchema = z
  .object({ address: addressSchema.optional(), defaultAddress: addressSchema.optional() })
  .passthrough();

export function summarizeCustomer(customer: Customer): CustomerSummary {
  const company = profileAddressSchema.safeParse(customer.companyProfile);
  const billing = profileAddressSchema.safeParse(customer.billingProfile ?? {});
  const country =
    (company.success ? company.data.address?.country : undefined) ??
    (billing.success ? billing.data.defaultAddress?.country : undefined);
  const tenantId = customer.companyProfile.tenantId ?? undefined;
  return {
    id: customer.id,
    companyName: customer.companyProfile.companyName,
    domain: customer.companyProfile.domain,
    ...(tenantId ? { tenantId } : {}),
    ...(country ? { country: country.toUpperCase() } : {}),
  };
}

/** Reads the first `limit` customers of the directory (500 a page). */
async function readDirectory(
  pc: PartnerCenterClient,
  limit: number,
  correlationId: string,
): Promise<CustomerSummary[]> {
  const customers = await take(pc.customers.list({ correlationId, size: SCAN_PAGE_SIZE }), limit);
  return customers.map(summarizeCustomer);
}

async function take<T>(items: AsyncIterable<T>, max: number): Promise<T[]> {
  const result: T[] = [];
  if (max <= 0) return result;
  for await (const item of items) {
    result.push(item);
    if (result.length >= max) break;
  }
  return result;
}
