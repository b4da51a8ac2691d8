import { composeDomain, type Domain, type DomainOptions } from '../../../src/app/domain';
import { APP_FEATURES } from '../../../src/app/features';
import { startBotApp, type BotApp, type BotAppDeps } from '../../../src/bot/app';
import { parseConfig } from '../../../src/config';
import { silentLogger, type Logger } from '../../../src/logging';
import { GraphDirectoryClient, type PartnerCenterClient } from '../../../src/partnercenter';
import { createStore, type ActionRequest, type Store } from '../../../src/store';
import type { RequestService } from '../../../src/workflows';
import { startFakeConnector, type FakeConnector } from '../../support/fakeConnector';
import { PARTNER_TENANT_ID, SimulatorHarness } from '../partnercenter/simulatorHarness';

export interface PurchaseHarnessOptions {
  /** APPROVALS_CONVERSATION_ID: a channel where every request also opens a thread. */
  approvalsConversationId?: string;
  /** Simulated time from checkout to a completed order (default 1 s). */
  orderCompletionDelayMs?: number;
  /** More environment for parseConfig (APPROVAL_POLICY, …). */
  env?: Record<string, string>;
  logger?: Logger;
  /** The Partner Center client (a token cache in the store, a logger…); default: simulator.client(). */
  partnerCenter?: (simulator: SimulatorHarness, store: Store) => PartnerCenterClient;
  /** A SQLite file instead of memory, for tests that read the raw database. */
  sqlitePath?: string;
  /** A store of the test's own (PostgreSQL shared by two harnesses, say); the harness does not close it. */
  store?: Store;
  /** The domain's clock (work due times, leases); default Date.now. */
  now?: () => number;
  /** Domain timings beyond the harness's short ones (sweep chunk size…). */
  tuning?: DomainOptions['tuning'];
  /** The domain's node name (two harnesses on one database play two instances). */
  node?: string;
  /** Whether the fake Bot Connector keeps the calls it gets (default true; benchmarks turn it off). */
  recordConnectorCalls?: boolean;
  /** A simulator of the test's own, shared by two harnesses; the harness does not close it. */
  simulator?: SimulatorHarness;
  /** The store's clock (created_at, expiries), when the harness opens the store. */
  storeNow?: () => number;
  /** What else the bot is given (Microsoft Graph billing, reconciliation timings, download links). */
  bot?: Pick<BotAppDeps, 'graphBilling' | 'reconciliation' | 'downloads' | 'actAs'> &
    Partial<Pick<BotAppDeps, 'features'>>;
}

export interface PurchaseHarness {
  connector: FakeConnector;
  simulator: SimulatorHarness;
  store: Store;
  pc: PartnerCenterClient;
  domain: Domain;
  requests: RequestService;
  app: BotApp;
  /** POSTs an activity to /api/messages, as the Bot Connector does. */
  post(
    activity: Record<string, unknown>,
  ): Promise<{ status: number; json: Record<string, unknown> | undefined; ms: number }>;
  /** Works every task that is due now (request runs, order polls, notices), until none is left. */
  settle(): Promise<void>;
  /** Keeps working due tasks until the request satisfies `done` (polls wait a few milliseconds). */
  until(
    requestId: string,
    done: (request: ActionRequest) => boolean,
    timeoutMs?: number,
  ): Promise<ActionRequest>;
  close(): Promise<void>;
}

/**
 * The composition main.ts makes (composeDomain + startBotApp with the app's features), with loopback
 * stand-ins for Microsoft's cloud: the Partner Center simulator, a fake Bot Connector, and a real
 * SQLite store.
 */
export async function startPurchaseHarness(options: PurchaseHarnessOptions = {}): Promise<PurchaseHarness> {
  const logger = options.logger ?? silentLogger();
  const connector = await startFakeConnector({ record: options.recordConnectorCalls ?? true });
  const simulator =
    options.simulator ??
    (await SimulatorHarness.start({
      orderCompletionDelayMs: options.orderCompletionDelayMs ?? 1_000,
    }));
  const store =
    options.store ??
    (await createStore({
      sqlitePath: options.sqlitePath ?? ':memory:',
      ...(options.storeNow ? { now: options.storeNow } : {}),
    }));
  const config = parseConfig({
    // No Playground here, so no default Approvals channel: approvers are reached in personal chats.
    PLAYGROUND: 'false',
    ...(options.approvalsConversationId
      ? { APPROVALS_CONVERSATION_ID: options.approvalsConversationId }
      : {}),
    ...options.env,
  });
  const pc = options.partnerCenter?.(simulator, store) ?? simulator.client();
  // The Entra directory as main.ts reads it in the sandbox: the simulator's Microsoft Graph.
  const directory = new GraphDirectoryClient({
    baseUrl: simulator.baseUrl,
    credentials: {
      tenantId: PARTNER_TENANT_ID,
      clientId: 'azure-plan-ops-test',
      clientSecret: 'not-a-real-secret',
      identityBaseUrl: simulator.baseUrl,
    },
    timeoutMs: 2_000,
  });
  const domain = composeDomain({
    store,
    pc,
    logger,
    config,
    node: options.node ?? 'purchase-harness',
    directory,
    now: options.now,
    tuning: {
      ...options.tuning,
      retryDelaysMs: [10, 20, 40],
      firstOrderPollMs: 5,
      maxOrderPollMs: 40,
      firstStatusPollMs: 5,
      maxStatusPollMs: 40,
    },
  });
  const app = await startBotApp(
    {
      config,
      logger,
      store,
      pc,
      domain,
      features: APP_FEATURES,
      governance: { people: directory, auditRetentionDays: config.audit.retentionDays },
      ...options.bot,
    },
    { port: 0, host: '127.0.0.1' },
  );
  await domain.start();
  const settle = () => domain.queue.tick();

  return {
    connector,
    simulator,
    store,
    pc,
    domain,
    requests: domain.requests,
    app,
    async post(activity) {
      const started = performance.now();
      const response = await fetch(`${app.server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      return {
        status: response.status,
        json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
        ms,
      };
    },
    settle,
    async until(requestId, done, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await settle();
        const request = await store.requests.get(requestId);
        if (request && done(request)) {
          await settle();
          return request;
        }
        if (Date.now() > deadline) {
          throw new Error(`request ${requestId} did not get there: ${JSON.stringify(request?.state)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      await app.server.close(1_000);
      await domain.close();
      await pc.close();
      await directory.close();
      if (!options.simulator) await simulator.close();
      if (!options.store) await store.close();
      await connector.close();
    },
  };
}
