import { composeDomain, type Domain } from '../../src/app/domain';
import { APP_FEATURES } from '../../src/app/features';
import { startBotApp, type BotApp } from '../../src/bot/app';
import type { AppConfig } from '../../src/config';
import { silentLogger, type Logger } from '../../src/logging';
import { PartnerCenterClient } from '../../src/partnercenter';
import type { Store } from '../../src/store';

/**
 * The bot as main.ts composes it, for tests of the Teams plumbing that make no Partner Center call:
 * its client points at a loopback port nothing listens on (a call would fail loudly, never reach out).
 */
export async function startTestBot(options: {
  config: AppConfig;
  store: Store;
  logger?: Logger;
}): Promise<BotApp & { domain: Domain; close(): Promise<void> }> {
  const logger = options.logger ?? silentLogger();
  const pc = new PartnerCenterClient({
    baseUrl: 'http://127.0.0.1:9',
    timeoutMs: 200,
    credentials: {
      tenantId: '11111111-2222-3333-4444-555555555555',
      clientId: 'test-bot',
      clientSecret: 'not-a-secret',
      identityBaseUrl: 'http://127.0.0.1:9',
    },
  });
  const domain = composeDomain({
    store: options.store,
    pc,
    logger,
    config: options.config,
    node: 'test-bot',
  });
  const app = await startBotApp(
    { config: options.config, logger, store: options.store, pc, domain, features: APP_FEATURES },
    { port: 0, host: '127.0.0.1' },
  );
  return {
    ...app,
    domain,
    async close() {
      await app.server.close(1_000);
      await domain.close();
      await pc.close();
    },
  };
}
