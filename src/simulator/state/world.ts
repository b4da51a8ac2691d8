import { AuditLog, type Actor, type AuditRecordEntry } from './audit';
import { BillingExports } from './billingExports';
import { Directory } from './directory';
import { SimClock, startOfUtcDay } from './clock';
import { CustomerDirectory } from './customers';
import { PcError } from './errors';
import { RuntimeIds } from './ids';
import { InvoiceBook } from './invoices';
import { PARTNER_ID } from './partner';
import { Scheduler } from './scheduler';
import type { CustomerState, UpgradeRecord } from './types';

export type PlanStatusAnswer = 'ok' | 'accepted';

export interface SimulatorConfig {
  orderCompletionDelayMs: number;
  orderListLagMs: number;
  upgradeCompletionDelayMs: number;
  rateLimits: boolean;
  /**
   * How Partner Center answers a suspension PATCH of an Azure plan: `ok` = 200 with the updated
   * subscription (the documented example), `accepted` = 202 + Location (the documented slow path).
   */
  planSuspensionAnswer: PlanStatusAnswer;
  /** Simulated time until a GET shows an Azure plan `suspended` (whatever the PATCH answered). */
  planSuspensionDelayMs: number;
  /** How Partner Center answers a reactivation PATCH (status active) of an Azure plan. */
  planReactivationAnswer: PlanStatusAnswer;
  /** Simulated time until a GET shows a reactivated Azure plan `active` (0: at once). */
  planReactivationDelayMs: number;
  /** False: every call made with an App+User token answers 401 900421 (no MFA claim, 2026 rule). */
  appUserMfa: boolean;
  /** A cancelled Azure subscription stays `active` this long (the docs say about 10 minutes). */
  entitlementCancelDelayMs: number;
  /** Real time a checkout holds its cart: a second checkout of that cart meanwhile answers 800064. */
  checkoutProcessingMs: number;
  /** Graph billing export: GETs of the operation answered `notStarted`/`running` before its outcome. */
  graphExportRunningPolls: number;
  /** Graph billing export: the Retry-After (seconds) of a running operation. */
  graphExportRetryAfterSeconds: number;
  /** Graph billing export: line items per blob (a smaller value makes multi-blob manifests). */
  graphExportLinesPerBlob: number;
  /** Simulated time a manifest's SAS stays valid after each manifest read. */
  graphSasLifetimeMs: number;
}

export const DEFAULT_CONFIG: SimulatorConfig = {
  orderCompletionDelayMs: 60_000,
  orderListLagMs: 15 * 60_000,
  upgradeCompletionDelayMs: 120_000,
  rateLimits: true,
  planSuspensionAnswer: 'ok',
  planSuspensionDelayMs: 30_000,
  planReactivationAnswer: 'ok',
  planReactivationDelayMs: 0,
  appUserMfa: true,
  entitlementCancelDelayMs: 10 * 60_000,
  checkoutProcessingMs: 100,
  graphExportRunningPolls: 1,
  graphExportRetryAfterSeconds: 1,
  graphExportLinesPerBlob: 2_000,
  graphSasLifetimeMs: 60 * 60_000,
};

/** The simulator's whole mutable state; `reseed` puts it back to the seed. */
export class World {
  customers!: CustomerDirectory;
  invoices!: InvoiceBook;
  audit!: AuditLog;
  scheduler!: Scheduler;
  ids!: RuntimeIds;
  upgrades!: Map<string, UpgradeRecord>;
  billingExports!: BillingExports;
  /** The partner tenant's Entra users and groups (Microsoft Graph directory reads). */
  directory!: Directory;
  /** Simulated time of the last (re)seed, day-aligned: seed dates are relative to it. */
  baseTime!: number;

  constructor(
    readonly clock: SimClock,
    readonly config: SimulatorConfig,
    private readonly initialExtraCustomers: number,
    /** Seeds the ids of what callers create (carts, orders…); the same namespace gives the same ids. */
    private readonly runtimeIdNamespace = 'runtime',
  ) {
    this.reseed();
  }

  /** Back to the seed; without a count, with as many generated customers as at start-up. */
  reseed(extraCustomers: number = this.initialExtraCustomers): void {
    this.baseTime = startOfUtcDay(this.clock.nowMs());
    this.customers = new CustomerDirectory(extraCustomers, this.baseTime);
    this.invoices = new InvoiceBook(this.customers, this.baseTime);
    this.audit = new AuditLog();
    this.scheduler = new Scheduler();
    this.ids = new RuntimeIds(this.runtimeIdNamespace);
    this.upgrades = new Map();
    this.billingExports = new BillingExports(this.runtimeIdNamespace);
    this.directory = new Directory();
  }

  now(): number {
    return this.clock.nowMs();
  }

  /** Runs the transitions that are due; every API call starts with it. */
  settle(): void {
    this.scheduler.runDue(this.now());
  }

  /** The customer, or 403 20002 as Partner Center answers for a tenant that is not the partner's customer. */
  customer(id: string): CustomerState {
    const state = this.customers.state(id);
    if (!state) {
      throw new PcError(
        403,
        '20002',
        `The partner ID ${PARTNER_ID} has no commerce relationship with the customer ID ${id}.`,
      );
    }
    return state;
  }

  record(
    actor: Actor,
    customer: CustomerState,
    entry: Pick<AuditRecordEntry, 'resourceType' | 'operationType' | 'resourceNewValue' | 'customizedData'> &
      Partial<Pick<AuditRecordEntry, 'resourceOldValue' | 'operationStatus'>>,
  ): void {
    this.audit.add({
      customerId: customer.profile.id,
      customerName: customer.profile.companyName,
      userPrincipalName: actor.userPrincipalName ?? '',
      applicationId: actor.applicationId,
      operationDate: this.now(),
      operationStatus: entry.operationStatus ?? 'succeeded',
      ...entry,
    });
  }
}
