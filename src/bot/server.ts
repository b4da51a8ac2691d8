import type { AddressInfo } from 'node:net';
import restify from 'restify';
import type { Logger } from '../logging';
import type { AzurePlanOpsBot } from './activityHandler';
import type { AzurePlanOpsAdapter } from './adapter';
import { writeRouteResponse, type HttpRoute } from './httpRoute';
import { messagesEndpoint } from './messagesEndpoint';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface BotServerDeps {
  adapter: AzurePlanOpsAdapter;
  bot: AzurePlanOpsBot;
  logger: Logger;
  readiness: ReadinessCheck[];
  /** The features' own routes (downloads…), outside Bot Framework auth. */
  routes?: readonly HttpRoute[];
  /** How long a turn's Partner Center calls may take in all (default 10 s). */
  turnDeadlineMs?: number;
}

export interface BotServer {
  readonly url: string;
  readonly port: number;
  /** Stops taking requests and waits (up to graceMs) for turns in flight. */
  close(graceMs?: number): Promise<void>;
  inFlight(): number;
}

const READINESS_TIMEOUT_MS = 5_000;

export async function startBotServer(deps: BotServerDeps, port: number, host: string): Promise<BotServer> {
  const { logger } = deps;
  const handleActivity = messagesEndpoint(deps);
  const server = restify.createServer({ name: 'azure-plan-ops', handleUncaughtExceptions: false });
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  server.post('/api/messages', async (req, res) => {
    if (draining) {
      res.header('Retry-After', '5');
      res.send(503, { error: { code: 'ShuttingDown', message: 'The bot is restarting; retry shortly.' } });
      return;
    }
    inFlight++;
    try {
      await handleActivity(req, res);
    } finally {
      inFlight--;
      if (draining && inFlight === 0) drained?.();
    }
  });

  for (const route of deps.routes ?? []) {
    server.get(route.path, async (req, res) => {
      inFlight++;
      try {
        const params = Object.fromEntries(
          Object.entries((req.params ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
        );
        const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
        await writeRouteResponse(res, await route.handle({ params, query, headers: req.headers }));
      } catch (error) {
        logger.error({ err: error, route: route.path }, 'route failed');
        if (!res.headersSent) await writeRouteResponse(res, { status: 500, body: 'Internal error\n' });
        else res.destroy();
      } finally {
        inFlight--;
        if (draining && inFlight === 0) drained?.();
      }
    });
  }

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: draining ? 'draining' : 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      deps.readiness.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), READINESS_TIMEOUT_MS, name);
          return { name, ok: true };
        } catch (error) {
          logger.warn({ err: error, check: name }, 'readiness check failed');
          return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = !draining && results.every((r) => r.ok);
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not-ready', checks: results });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  return {
    url,
    port: address.port,
    inFlight: () => inFlight,
    async close(graceMs = 10_000) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.server.closeAllConnections();
      await closed;
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
