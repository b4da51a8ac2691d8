import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../src/logging';
import { GraphBillingClient } from '../../../src/partnercenter';
import type { Store } from '../../../src/store';
import { RECONCILIATION_TASK } from '../../../src/workflows/invoices/reconciliationJob';
import { PARTNER_TENANT_ID, SimulatorHarness } from '../partnercenter/simulatorHarness';
import { startPurchaseHarness, type PurchaseHarness } from '../purchase/harness';

/** A clock that runs with real time and can be moved ahead (link expiry), shared by everything. */
export class OffsetClock {
  private offset = 0;
  readonly now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface InvoiceHarnessOptions {
  /** false: the bot has no Graph billing client (new-commerce reconciliation "not configured"). */
  graph?: boolean;
  /** Share a store (a second instance) instead of opening one. */
  store?: Store;
  /** Share a simulator (a second instance) instead of starting one. */
  simulator?: SimulatorHarness;
  signingKey?: Buffer;
  publicBaseUrl?: string;
  clock?: OffsetClock;
  logger?: Logger;
  node?: string;
  /** More environment for parseConfig (Bot Framework auth…). */
  env?: Record<string, string>;
  /** Reconciliation exports time out after this long (default 60 s). */
  deadlineMs?: number;
}

export interface InvoiceHarness extends PurchaseHarness {
  clock: OffsetClock;
  graph?: GraphBillingClient;
  signingKey: Buffer;
  /** Works the queue until no reconciliation task is left (each poll waits a few milliseconds). */
  finishReconciliations(timeoutMs?: number): Promise<void>;
}

/**
 * The composition main.ts makes, for invoices and reconciliation: the real bot over HTTP with its
 * features, the simulator serving Partner Center and Microsoft Graph (billing export, blobs,
 * tokens), a fake Bot Connector and a real SQLite store. Exports are polled every few milliseconds
 * (the simulator's Retry-After is set to 0 by the tests).
 */
export async function startInvoiceHarness(options: InvoiceHarnessOptions = {}): Promise<InvoiceHarness> {
  const clock = options.clock ?? new OffsetClock();
  const simulator = options.simulator ?? (await SimulatorHarness.start());
  const graph =
    options.graph === false
      ? undefined
      : new GraphBillingClient({
          baseUrl: simulator.baseUrl,
          credentials: {
            tenantId: PARTNER_TENANT_ID,
            clientId: 'azure-plan-ops-graph-billing',
            clientSecret: 'not-a-real-secret',
            identityBaseUrl: simulator.baseUrl,
          },
          timeoutMs: 2_000,
          retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 5_000 },
        });
  const signingKey = options.signingKey ?? randomBytes(32);
  const base = await startPurchaseHarness({
    simulator,
    ...(options.store ? { store: options.store } : { storeNow: clock.now }),
    now: clock.now,
    node: options.node ?? 'invoice-harness',
    env: options.env,
    logger: options.logger,
    bot: {
      graphBilling: graph,
      reconciliation: { pollIntervalMs: 5, progressEveryMs: 1_000, deadlineMs: options.deadlineMs ?? 60_000 },
      downloads: { signingKey, publicBaseUrl: options.publicBaseUrl, now: clock.now },
    },
  });
  const ownSimulator = !options.simulator;
  const { store } = base;

  const harness: InvoiceHarness = {
    ...base,
    clock,
    graph,
    signingKey,
    async finishReconciliations(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await base.settle();
        const left = await store.watches.list({ kind: RECONCILIATION_TASK });
        if (left.length === 0) return;
        if (Date.now() > deadline) throw new Error(`${left.length} reconciliation tasks still queued`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      await base.close();
      await graph?.close();
      if (ownSimulator) await simulator.close();
    },
  };
  return harness;
}
