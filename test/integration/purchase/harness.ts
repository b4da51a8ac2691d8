import { startBotApp, type BotApp } from '../../../src/bot/app';
import { composePurchase } from '../../../src/bot/features/composePurchase';
import { parseConfig } from '../../../src/config';
import { silentLogger, type Logger } from '../../../src/logging';
import type { PartnerCenterClient } from '../../../src/partnercenter';
import { createStore, type Store } from '../../../src/store';
import type { OrderWatcher, PurchaseExecutor, RequestService } from '../../../src/workflows';
import { startFakeConnector, type FakeConnector } from '../../support/fakeConnector';
import { SimulatorHarness } from '../partnercenter/simulatorHarness';

export interface PurchaseHarnessOptions {
  /** APPROVALS_CONVERSATION_ID: a channel where every request also opens a thread. */
  approvalsConversationId?: string;
  /** Simulated time from checkout to a completed order (default 1 s). */
  orderCompletionDelayMs?: number;
  logger?: Logger;
}

export interface PurchaseHarness {
  connector: FakeConnector;
  simulator: SimulatorHarness;
  store: Store;
  pc: PartnerCenterClient;
  requests: RequestService;
  executor: PurchaseExecutor;
  watcher: OrderWatcher;
  app: BotApp;
  /** POSTs an activity to /api/messages, as the Bot Connector does. */
  post(
    activity: Record<string, unknown>,
  ): Promise<{ status: number; json: Record<string, unknown> | undefined; ms: number }>;
  close(): Promise<void>;
}

/**
 * The composition main.ts makes (composePurchase + startBotApp), with loopback stand-ins for
 * Microsoft's cloud: the Partner Center simulator, a fake Bot Connector, and a real SQLite store.
 */
export async function startPurchaseHarness(options: PurchaseHarnessOptions = {}): Promise<PurchaseHarness> {
  const logger = options.logger ?? silentLogger();
  const connector = await startFakeConnector();
  const simulator = await SimulatorHarness.start({
    orderCompletionDelayMs: options.orderCompletionDelayMs ?? 1_000,
  });
  const store = await createStore({ sqlitePath: ':memory:' });
  const config = parseConfig(
    options.approvalsConversationId ? { APPROVALS_CONVERSATION_ID: options.approvalsConversationId } : {},
  );
  const pc = simulator.client();
  const { requests, executor, watcher, feature } = composePurchase({
    store,
    pc,
    logger,
    config,
    instanceId: 'purchase-harness',
    executor: { firstOrderPollMs: 1, retryDelaysMs: [10, 20, 40] },
  });
  const app = await startBotApp(
    { config, logger, store, features: [feature] },
    { port: 0, host: '127.0.0.1' },
  );

  return {
    connector,
    simulator,
    store,
    pc,
    requests,
    executor,
    watcher,
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
    async close() {
      await app.server.close(1_000);
      await executor.drain();
      await pc.close();
      await simulator.close();
      await store.close();
      await connector.close();
    },
  };
}
