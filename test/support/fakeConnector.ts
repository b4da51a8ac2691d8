import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for the Bot Connector service (Microsoft's cloud, which tests cannot reach): records
 * every call the bot makes to `serviceUrl` and answers like the connector does.
 */
export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  headers: http.IncomingHttpHeaders;
  /** The activity id the connector answered with (a new conversation: its first activity's). */
  answeredId?: string;
  /** A new conversation: the id the connector gave it. */
  conversationId?: string;
}

export interface FakeConnector {
  serviceUrl: string;
  calls: ConnectorCall[];
  /** Activities the bot sent or updated (POST/PUT under /v3/conversations/...). */
  sent(): Array<Record<string, unknown> & { method: string; path: string }>;
  /** Answer the next `times` calls with `status` (e.g. 429) before behaving normally again. */
  failNext(status: number, times?: number, retryAfterSeconds?: number): void;
  /** Holds every answer until the returned function is called (keeps the bot's turns in flight). */
  hold(): () => void;
  /** The calls being held right now (arrived, not yet answered nor recorded in `calls`). */
  held(): ConnectorCall[];
  /** Resolves once at least `count` activities were sent. */
  waitForSent(count: number, timeoutMs?: number): Promise<void>;
  clear(): void;
  close(): Promise<void>;
}

export interface FakeConnectorOptions {
  /**
   * Keep each call (default). A benchmark that sends thousands of cards turns it off: the calls
   * would be this stand-in's memory counted as the bot's; `calls` then stays empty.
   */
  record?: boolean;
}

export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const record = options.record ?? true;
  const calls: ConnectorCall[] = [];
  let failures: { status: number; remaining: number; retryAfter?: number } | undefined;
  let nextId = 1;
  const waiters: Array<() => void> = [];
  let held: Array<() => void> | undefined;
  const pending: ConnectorCall[] = [];

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      if (!held) return answer();
      const parked = request();
      pending.push(parked);
      held.push(() => {
        pending.splice(pending.indexOf(parked), 1);
        answer();
      });
    });
    const request = (): ConnectorCall => ({
      method: req.method ?? 'GET',
      path: (req.url ?? '').split('?')[0],
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined,
      headers: req.headers,
    });
    const answer = () => {
      const call = request();
      const { path } = call;
      if (failures && failures.remaining > 0) {
        failures.remaining--;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (failures.retryAfter !== undefined) headers['retry-after'] = String(failures.retryAfter);
        res.writeHead(failures.status, headers);
        res.end(JSON.stringify({ error: { code: 'Throttled', message: 'Too many requests' } }));
        return;
      }
      if (record) calls.push(call);
      waiters.splice(0).forEach((wake) => wake());
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.method === 'POST' && /^\/v3\/conversations\/?$/.test(path)) {
        const id = `19:thread-${nextId}@thread.tacv2`;
        call.answeredId = `activity-${nextId++}`;
        call.conversationId = id;
        res.end(JSON.stringify({ id, activityId: call.answeredId }));
        return;
      }
      const updated = /\/activities\/([^/]+)$/.exec(path);
      call.answeredId =
        req.method === 'PUT' && updated ? decodeURIComponent(updated[1]) : `activity-${nextId++}`;
      res.end(JSON.stringify({ id: call.answeredId }));
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;

  const sent = () =>
    calls
      .filter(
        (call) =>
          call.path.startsWith('/v3/conversations/') && (call.method === 'POST' || call.method === 'PUT'),
      )
      .map((call) => ({ ...(call.body ?? {}), method: call.method, path: call.path }));

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    calls,
    sent,
    failNext(status, times = 1, retryAfterSeconds) {
      failures = { status, remaining: times, retryAfter: retryAfterSeconds };
    },
    async waitForSent(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (sent().length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} activities, connector saw ${sent().length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100).unref();
        });
      }
    },
    held: () => [...pending],
    hold() {
      held = [];
      return () => {
        const release = held ?? [];
        held = undefined;
        release.forEach((answer) => answer());
      };
    },
    clear() {
      calls.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
