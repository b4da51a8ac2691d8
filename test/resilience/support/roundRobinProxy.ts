import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One endpoint in front of several bot instances, as a load balancer would be: each request goes
 * to the next instance in turn (round robin), body and answer passed through unchanged.
 */
export interface RoundRobinProxy {
  url: string;
  /** Requests each target was given, by target URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served = new Map<string, number>(targets.map((t) => [t, 0]));
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const target = targets[next++ % targets.length];
    served.set(target, (served.get(target) ?? 0) + 1);
    const upstream = http.request(
      `${target}${req.url ?? '/'}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
