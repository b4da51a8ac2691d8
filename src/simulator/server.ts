import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { FaultRegistry } from './http/faults';
import { mountBlobRoute, mountGraphRoute } from './http/graphPipeline';
import { mountControl, mountRoute, type SimContext, type SimLogger } from './http/pipeline';
import { ReplayCache } from './http/replay';
import { RequestLog } from './http/requestLog';
import { RateLimiter } from './http/throttling';
import { TokenService } from './identity/tokens';
import { DEFAULT_REFRESH_TOKEN, type RunningSimulator, type SimulatorOptions } from './options';
import { controlRoutes } from './routes/control';
import { billingBlobRoute, graphBillingRoutes, graphNotFoundRoutes } from './routes/graphBilling';
import { graphDirectoryRoutes } from './routes/graphDirectory';
import { apiRoutes, notFoundRoutes } from './routes/index';
import { SimClock } from './state/clock';
import { DEFAULT_CONFIG, World } from './state/world';

const silentLogger: SimLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Builds the engine and the HTTP server, listens, and returns how to reach and stop it. */
export async function startSimulatorServer(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const logger = options.logger ?? silentLogger;
  const world = new World(
    new SimClock(),
    {
      ...DEFAULT_CONFIG,
      ...(options.orderCompletionDelayMs !== undefined
        ? { orderCompletionDelayMs: options.orderCompletionDelayMs }
        : {}),
      ...(options.orderListLagMs !== undefined ? { orderListLagMs: options.orderListLagMs } : {}),
      ...(options.upgradeCompletionDelayMs !== undefined
        ? { upgradeCompletionDelayMs: options.upgradeCompletionDelayMs }
        : {}),
      ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}),
    },
    options.extraCustomers ?? 0,
    options.runtimeIdNamespace,
  );
  let baseUrl = '';
  const sim: SimContext = {
    world,
    tokens: new TokenService(options.refreshToken ?? DEFAULT_REFRESH_TOKEN),
    faults: new FaultRegistry(),
    limiter: new RateLimiter(),
    requestLog: new RequestLog(),
    replays: new ReplayCache(),
    logger,
    baseUrl: () => baseUrl,
  };

  // find-my-way takes `caseSensitive` through restify's options; @types/restify does not list it.
  const serverOptions: restify.ServerOptions & { caseSensitive: boolean } = {
    name: 'partner-center-simulator',
    caseSensitive: false,
    ignoreTrailingSlash: true,
    handleUpgrades: false,
  };
  const server = restify.createServer(serverOptions);
  for (const route of controlRoutes) mountControl(server, sim, route);
  for (const route of apiRoutes) mountRoute(server, sim, route);
  // Microsoft Graph partner billing and its blob storage, on the same server (other dialects).
  for (const route of [...graphBillingRoutes, ...graphDirectoryRoutes, ...graphNotFoundRoutes])
    mountGraphRoute(server, sim, route);
  mountBlobRoute(server, sim, billingBlobRoute);
  for (const route of notFoundRoutes) mountRoute(server, sim, route);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info({ baseUrl, customers: world.customers.count }, 'Partner Center simulator listening');

  let closed: Promise<void> | undefined;
  return {
    baseUrl,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
