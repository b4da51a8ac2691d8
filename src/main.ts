import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { composeDomain } from './app/domain';
import { APP_FEATURES } from './app/features';
import { startBotApp } from './bot/app';
import { ConfigError, SANDBOX_IDENTITIES, configWarnings, loadConfig, type AppConfig } from './config';
import { Scheduler } from './jobs/scheduler';
import { createLogger, type Logger } from './logging';
import {
  GraphBillingClient,
  GraphDirectoryClient,
  PartnerCenterClient,
  type GraphBillingCredentials,
  type PartnerCenterCredentials,
} from './partnercenter';
import { encryptedTokenCache } from './security/encryptedTokenCache';
import { loadKeyring } from './security/encryptionKeys';
import { EncryptionKeyError, parseKey, type Keyring } from './security/keyring';
import { DEFAULT_REFRESH_TOKEN, startSimulator } from './simulator';
import { createStore, type Store } from './store';

/** The sandbox's stand-in for the partner's Entra app registration (the simulator accepts any). */
const SANDBOX_PC_CLIENT_ID = '0a5e9c1b-7d2f-4b8e-9c3a-5f1e2d4c6b8a';
/** The sandbox's stand-in for the Graph billing app registration. */
const SANDBOX_GRAPH_CLIENT_ID = '3c1f7a2e-9b4d-4e6a-8f2c-1d5e7b9a0c3f';
const TOKEN_CACHE_KEY = 'partner-center:msal-token-cache';
const GRAPH_TOKEN_CACHE_KEY = 'graph-billing:msal-token-cache';
const DIRECTORY_TOKEN_CACHE_KEY = 'graph-directory:msal-token-cache';
/** The sandbox's stand-in for the bot's app registration reading the directory. */
const SANDBOX_DIRECTORY_CLIENT_ID = '5d2e8b1c-3a4f-4c6e-9b7d-2e1f0a3c5b7d';

/**
 * The composition root. With no configuration it runs the sandbox: the Partner Center simulator on
 * loopback, SQLite under ./data and the Agents Playground as the Teams client.
 */
async function main(): Promise<void> {
  const started = performance.now();
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every setting.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, pretty: config.log.pretty });
  logger.info({ mode: config.mode, botAuth: Boolean(config.botAuth) }, 'starting Azure Plan Ops');
  for (const warning of configWarnings(config)) logger.warn({ setting: 'roles' }, warning);

  // Closed in reverse order of opening: the server stops taking turns first, the store closes last.
  const closers: Array<{ name: string; close: () => Promise<void> }> = [];
  const keyring = openKeyring(config, logger);
  const store = await openStore(config, logger);
  closers.unshift({ name: 'store', close: () => store.close() });

  const partnerCenter = await connectPartnerCenter(config, store, keyring, logger, closers);
  const graphBilling = connectGraphBilling(
    config,
    store,
    keyring,
    logger,
    closers,
    partnerCenter.simulatorBaseUrl,
  );

  const directory = connectDirectory(config, store, keyring, logger, closers, partnerCenter.simulatorBaseUrl);
  const rolesNameGroups = Object.values(config.roles.groups).some((ids) => ids.length > 0);

  const scheduler = new Scheduler({ leases: store.leases, logger });
  // A process's place: its host and port. A restart there takes back at once what the last run left.
  const domain = composeDomain({
    store,
    pc: partnerCenter.client,
    logger,
    config,
    node: `${hostname()}:${config.port}`,
    tuning: config.tuning,
    directory: rolesNameGroups ? directory : undefined,
  });
  closers.unshift({ name: 'request runs and notices', close: () => domain.close() });

  const app = await startBotApp(
    {
      config,
      logger,
      store,
      pc: partnerCenter.client,
      domain,
      features: APP_FEATURES,
      readiness: [{ name: 'partner-center', check: partnerCenter.probe }],
      graphBilling,
      reconciliation: {
        pollIntervalMs: config.reconciliation.pollIntervalMs,
        deadlineMs: config.reconciliation.exportTimeoutMs,
        downloadRetentionMs: config.downloads.retentionMs,
      },
      downloads: {
        publicBaseUrl: config.downloads.publicBaseUrl,
        signingKey: config.downloads.signingKey
          ? parseKey(config.downloads.signingKey, 'DOWNLOAD_LINK_SIGNING_KEY')
          : undefined,
        ttlMs: config.downloads.linkTtlMs,
      },
      governance: { people: directory, auditRetentionDays: config.audit.retentionDays },
      ...(config.actAs ? { actAs: config.actAs } : {}),
    },
    { port: config.port, host: config.host },
  );
  closers.unshift({ name: 'bot server', close: () => app.server.close(config.shutdownGraceMs) });

  await domain.start();
  for (const job of domain.jobs()) scheduler.register(job);
  scheduler.register({
    // Spent idempotency keys, expired downloads (reconciliation and audit CSVs, and any a crashed
    // run left half written), and dialogs abandoned for a week (a picker nobody finished).
    name: 'purge-stale-state',
    everyMs: 60 * 60_000,
    quiet: true,
    run: async () => {
      await store.idempotency.purgeExpired();
      await store.downloads.purgeExpired();
      await store.botState.purgeOlderThan(7 * 86_400_000);
    },
  });
  scheduler.start();
  closers.unshift({ name: 'scheduler', close: () => scheduler.stop() });

  if (config.playground.enabled) {
    const playground = await startPlaygroundIfInstalled(`${app.server.url}/api/messages`, config, logger);
    if (playground) closers.unshift({ name: 'playground', close: () => playground.stop() });
  }

  const readyMs = Math.round(performance.now() - started);
  logger.info(
    {
      url: `${app.server.url}/api/messages`,
      readyMs,
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
    'bot ready',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const { name, close } of closers) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error, part: name }, 'error while shutting down');
      }
    }
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

interface PartnerCenterConnection {
  client: PartnerCenterClient;
  /** Readiness: Partner Center answers (a cached catalog read, so probes do not add load). */
  probe: () => Promise<void>;
  /** Sandbox: the simulator's URL (it serves Microsoft Graph and its identity endpoint too). */
  simulatorBaseUrl?: string;
}

/** The real service when credentials are configured; otherwise the built-in simulator (sandbox only). */
async function connectPartnerCenter(
  config: AppConfig,
  store: Store,
  keyring: Keyring,
  logger: Logger,
  closers: Array<{ name: string; close: () => Promise<void> }>,
): Promise<PartnerCenterConnection> {
  // The client's cache plugin re-reads this row at most every 30 s and writes it when it changes;
  // the row holds tokens and the App+User refresh token, so it is encrypted (the Graph billing
  // client has its own row, GRAPH_TOKEN_CACHE_KEY).
  const tokenCache = encryptedTokenCache({
    store: store.kv,
    key: TOKEN_CACHE_KEY,
    keyring,
    logger: logger.child({ component: 'token-cache' }),
  });
  let baseUrl: string;
  let credentials: PartnerCenterCredentials;
  let simulatorBaseUrl: string | undefined;
  if (config.partnerCenter) {
    baseUrl = config.partnerCenter.baseUrl;
    credentials = {
      tenantId: config.partnerCenter.tenantId,
      clientId: config.partnerCenter.clientId,
      clientSecret: config.partnerCenter.clientSecret,
      refreshToken: config.partnerCenter.refreshToken,
      tokenCache,
    };
  } else {
    if (config.simulator.url) {
      // A simulator of its own (a test's): its state outlives this process, as Partner Center's would.
      baseUrl = config.simulator.url.replace(/\/+$/, '');
      logger.info({ url: baseUrl }, 'using the Partner Center simulator at SIMULATOR_URL (sandbox)');
    } else {
      const simulator = await startSimulator({
        port: config.simulator.port,
        orderCompletionDelayMs: config.simulator.orderCompletionMs,
        orderListLagMs: config.simulator.orderListLagMs,
        runtimeIdNamespace: `sandbox-${randomUUID()}`,
        logger: logger.child({ component: 'simulator' }),
      });
      closers.unshift({ name: 'simulator', close: () => simulator.close() });
      logger.info({ url: simulator.baseUrl }, 'Partner Center simulator started (sandbox)');
      baseUrl = simulator.baseUrl;
    }
    simulatorBaseUrl = baseUrl;
    credentials = {
      tenantId: SANDBOX_IDENTITIES.tenantId,
      clientId: SANDBOX_PC_CLIENT_ID,
      clientSecret: 'sandbox-secret',
      refreshToken: DEFAULT_REFRESH_TOKEN,
      tokenCache,
      identityBaseUrl: baseUrl,
    };
  }
  const client = new PartnerCenterClient({
    baseUrl,
    credentials,
    logger: logger.child({ component: 'partner-center' }),
    applicationName: config.partnerCenter?.applicationName ?? 'AzurePlanOps',
    timeoutMs: config.partnerCenter?.timeoutMs ?? config.simulator.timeoutMs,
  });
  // Closed after the executions drain (they still call it) and before the simulator.
  closers.unshift({ name: 'partner center client', close: () => client.close() });
  const probe = async () => {
    await client.catalog.listProducts('US', { targetView: 'MicrosoftAzure' });
  };
  return { client, probe, simulatorBaseUrl };
}

/**
 * The Microsoft Graph partner billing client (reconciliation v2): its own Entra app and its own
 * encrypted token cache row. In the sandbox the simulator serves Graph and its token endpoint.
 */
function connectGraphBilling(
  config: AppConfig,
  store: Store,
  keyring: Keyring,
  logger: Logger,
  closers: Array<{ name: string; close: () => Promise<void> }>,
  simulatorBaseUrl: string | undefined,
): GraphBillingClient | undefined {
  const tokenCache = encryptedTokenCache({
    store: store.kv,
    key: GRAPH_TOKEN_CACHE_KEY,
    keyring,
    logger: logger.child({ component: 'token-cache', cache: 'graph-billing' }),
  });
  let baseUrl: string;
  let credentials: GraphBillingCredentials;
  const graph = config.graphBilling;
  if (graph) {
    baseUrl = graph.baseUrl;
    credentials = {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      clientCertificate: graph.certificate
        ? {
            thumbprintSha256: graph.certificate.thumbprintSha256,
            privateKey: readFileSync(graph.certificate.privateKeyPath, 'utf8'),
          }
        : undefined,
      tokenCache,
    };
  } else if (simulatorBaseUrl) {
    baseUrl = simulatorBaseUrl;
    credentials = {
      tenantId: SANDBOX_IDENTITIES.tenantId,
      clientId: SANDBOX_GRAPH_CLIENT_ID,
      clientSecret: 'sandbox-secret',
      tokenCache,
      identityBaseUrl: simulatorBaseUrl,
    };
  } else {
    // Real Partner Center without a Graph billing app (a sandbox run against the integration
    // sandbox): new-commerce reconciliation says it is not configured.
    logger.warn('no Microsoft Graph billing app configured: new-commerce reconciliation is unavailable');
    return undefined;
  }
  const client = new GraphBillingClient({
    baseUrl,
    credentials,
    logger: logger.child({ component: 'graph-billing' }),
    polling: {
      intervalMs: config.reconciliation.pollIntervalMs,
      timeoutMs: config.reconciliation.exportTimeoutMs,
    },
  });
  closers.unshift({ name: 'graph billing client', close: () => client.close() });
  return client;
}

/**
 * Entra directory reads (group memberships for roles, people's names for grants) through Microsoft
 * Graph with the bot's own app registration (User.Read.All and GroupMember.Read.All, admin consent);
 * its own encrypted token cache row. In the sandbox the simulator serves the directory.
 */
function connectDirectory(
  config: AppConfig,
  store: Store,
  keyring: Keyring,
  logger: Logger,
  closers: Array<{ name: string; close: () => Promise<void> }>,
  simulatorBaseUrl: string | undefined,
): GraphDirectoryClient | undefined {
  const tokenCache = encryptedTokenCache({
    store: store.kv,
    key: DIRECTORY_TOKEN_CACHE_KEY,
    keyring,
    logger: logger.child({ component: 'token-cache', cache: 'graph-directory' }),
  });
  // The sandbox's people are the Playground's, which the simulator's directory holds.
  const directory = config.mode === 'sandbox' && simulatorBaseUrl ? undefined : config.directory;
  let client: GraphDirectoryClient;
  if (directory) {
    client = new GraphDirectoryClient({
      baseUrl: directory.baseUrl,
      credentials: {
        tenantId: directory.tenantId,
        clientId: directory.clientId,
        clientSecret: directory.clientSecret,
        tokenCache,
      },
      logger: logger.child({ component: 'graph-directory' }),
    });
  } else if (simulatorBaseUrl) {
    client = new GraphDirectoryClient({
      baseUrl: simulatorBaseUrl,
      credentials: {
        tenantId: SANDBOX_IDENTITIES.tenantId,
        clientId: SANDBOX_DIRECTORY_CLIENT_ID,
        clientSecret: 'sandbox-secret',
        tokenCache,
        identityBaseUrl: simulatorBaseUrl,
      },
      logger: logger.child({ component: 'graph-directory' }),
    });
  } else {
    return undefined;
  }
  closers.unshift({ name: 'graph directory client', close: () => client.close() });
  return client;
}

interface PlaygroundLauncher {
  startPlayground(options: {
    botEndpoint: string;
    port?: number;
    logger?: Logger;
  }): Promise<{ url: string; stop(): Promise<void> }>;
}

/** The Agents Playground is a development dependency: present in the sandbox, absent in production images. */
async function startPlaygroundIfInstalled(
  botEndpoint: string,
  config: AppConfig,
  logger: Logger,
): Promise<{ stop(): Promise<void> } | undefined> {
  try {
    require.resolve('@microsoft/m365agentsplayground/package.json');
  } catch {
    logger.warn(
      'the Agents Playground is not installed (npm install without --omit=dev); chat with the bot another way',
    );
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startPlayground } = require(
    path.join(__dirname, '../scripts/playgroundLauncher'),
  ) as PlaygroundLauncher;
  const playground = await startPlayground({ botEndpoint, port: config.playground.port, logger });
  logger.info({ url: playground.url }, `Open ${playground.url} in your browser to chat with the bot`);
  process.stdout.write(`\n  Azure Plan Ops is ready. Open ${playground.url} to chat with it.\n\n`);
  return playground;
}

/** The keys for secrets at rest; a start without a usable key stops here, naming the setting. */
function openKeyring(config: AppConfig, logger: Logger): Keyring {
  try {
    return loadKeyring(config.encryption, logger).keyring;
  } catch (error) {
    if (error instanceof EncryptionKeyError) {
      process.stderr.write(
        `Invalid configuration:\n  - ${error.message}\nSee .env.example for every setting.\n`,
      );
      process.exit(1);
    }
    throw error;
  }
}

function openStore(config: AppConfig, logger: Logger): Promise<Store> {
  return createStore(
    config.database.kind === 'postgres'
      ? { databaseUrl: config.database.url, logger }
      : { sqlitePath: config.database.path, logger },
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Azure Plan Ops failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
