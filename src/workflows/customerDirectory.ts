import { randomUUID } from 'node:crypto';
import { withoutCallDeadline, type PartnerCenterClient } from '../partnercenter';
import type { CustomerSummary } from './customers';

export interface CustomerDirectoryOptions {
  /** How long a read of the directory is used before it is read again in the background (default 10 min). */
  freshForMs?: number;
  /** Customers read at most (default 2,000). */
  maxCustomers?: number;
  now?: () => number;
}

type Reader = (pc: PartnerCenterClient, limit: number, correlationId: string) => Promise<CustomerSummary[]>;

/**
 * The partner's customer directory, for lookups that Partner Center's prefix search cannot answer
 * (a word inside a name, accents): read once, then served from memory, and read again in the
 * background once it is older than `freshForMs` — a lookup never waits for a reread, only the
 * first one waits for the first read, and concurrent lookups share one read.
 */
export class CustomerDirectory {
  private entries: CustomerSummary[] | undefined;
  private readAt = 0;
  private reading: Promise<CustomerSummary[]> | undefined;
  private readonly freshForMs: number;
  private readonly maxCustomers: number;
  private readonly now: () => number;

  constructor(
    private readonly pc: PartnerCenterClient,
    private readonly read: Reader,
    options: CustomerDirectoryOptions = {},
  ) {
    this.freshForMs = options.freshForMs ?? 10 * 60_000;
    this.maxCustomers = options.maxCustomers ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  async customers(correlationId: string): Promise<CustomerSummary[]> {
    if (!this.entries) return this.reread(correlationId);
    if (this.now() - this.readAt > this.freshForMs && !this.reading) {
      // Background work: outside the turn's deadline, and its failure only keeps the old copy.
      withoutCallDeadline(() => void this.reread(randomUUID()).catch(() => undefined));
    }
    return this.entries;
  }

  private reread(correlationId: string): Promise<CustomerSummary[]> {
    this.reading ??= this.read(this.pc, this.maxCustomers, correlationId)
      .then((entries) => {
        this.entries = entries;
        this.readAt = this.now();
        return entries;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}

const directories = new WeakMap<PartnerCenterClient, CustomerDirectory>();

/** The directory of one Partner Center client (one partner tenant), made on first use. */
export function customerDirectoryOf(pc: PartnerCenterClient, read: Reader): CustomerDirectory {
  let directory = directories.get(pc);
  if (!directory) {
    directory = new CustomerDirectory(pc, read);
    directories.set(pc, directory);
  }
  return directory;
}
