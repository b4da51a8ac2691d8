import { COUNTRY_CURRENCY } from './catalog';
import { customerIdFor, materializeCustomer, profileFromSpec, type CustomerSpec } from './customerSpec';
import { generatedCustomerEntry, generatedCustomerSpec } from './generator';
import { NAMED_CUSTOMERS } from './seed';
import type { Country, Currency, CustomerProfile, CustomerState } from './types';

/** What listing, searching and the control API need of every customer. */
export interface DirectoryEntry {
  id: string;
  companyName: string;
  domain: string;
  country: Country;
  currency: Currency;
}

/**
 * All customers of the partner: the named seed first, then the generated ones. Every customer has
 * a directory entry from the start (listing and searching need them); its full profile and its
 * commerce state are built on first use, which keeps start-up cheap with 10,000 extra customers.
 */
export class CustomerDirectory {
  private readonly entryList: DirectoryEntry[] = [];
  private readonly byId = new Map<string, number>();
  private readonly profileCache = new Map<number, CustomerProfile>();
  private readonly states = new Map<string, CustomerState>();

  constructor(
    extraCustomers: number,
    private readonly baseTime: number,
  ) {
    for (const spec of NAMED_CUSTOMERS) this.addEntry(spec.key, spec);
    for (let i = 0; i < extraCustomers; i++) this.addEntry(`generated-${i}`, generatedCustomerEntry(i));
  }

  private addEntry(key: string, source: { companyName: string; domain: string; country: Country }): void {
    const entry: DirectoryEntry = {
      id: customerIdFor(key),
      companyName: source.companyName,
      domain: source.domain,
      country: source.country,
      currency: COUNTRY_CURRENCY[source.country],
    };
    this.byId.set(entry.id.toLowerCase(), this.entryList.length);
    this.entryList.push(entry);
  }

  private specAt(index: number): CustomerSpec {
    return index < NAMED_CUSTOMERS.length
      ? NAMED_CUSTOMERS[index]
      : generatedCustomerSpec(index - NAMED_CUSTOMERS.length);
  }

  get count(): number {
    return this.entryList.length;
  }

  entries(): readonly DirectoryEntry[] {
    return this.entryList;
  }

  profileOf(entry: DirectoryEntry): CustomerProfile {
    const index = this.byId.get(entry.id.toLowerCase());
    if (index === undefined) throw new Error(`unknown customer ${entry.id}`);
    let profile = this.profileCache.get(index);
    if (!profile) {
      profile = profileFromSpec(this.specAt(index));
      this.profileCache.set(index, profile);
    }
    return profile;
  }

  /** The customer's state, built on first use; undefined for an unknown id. */
  state(id: string): CustomerState | undefined {
    const key = id.toLowerCase();
    const existing = this.states.get(key);
    if (existing) return existing;
    const index = this.byId.get(key);
    if (index === undefined) return undefined;
    const state = materializeCustomer(this.specAt(index), this.baseTime);
    this.states.set(key, state);
    return state;
  }

  /** The states built so far (a customer's state exists once something used it). */
  builtStates(): CustomerState[] {
    return [...this.states.values()];
  }

  findByName(companyName: string): DirectoryEntry | undefined {
    const key = companyName.toLowerCase();
    return this.entryList.find((p) => p.companyName.toLowerCase() === key);
  }
}
