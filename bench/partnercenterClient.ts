import http from 'node:http';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { Agent, request } from 'undici';
import { PartnerCenterClient } from '../src/partnercenter';
import { RateLimiter } from '../src/partnercenter/http/rateLimiter';
import { startSimulator } from '../src/simulator';

export interface BenchResult {
  name: string;
  figures: Record<string, number>;
  notes?: string[];
}

const TENANT_ID = '7a4c2d1e-0000-4000-8000-00000000be0c';
const ROUNDS = 5;
const CALLS_PER_ROUND = 200;
const WARM_UP_CALLS = 100;

const calls = (): number => ROUNDS * CALLS_PER_ROUND;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeCalls(calls: number, call: () => Promise<unknown>, into: number[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < calls; i += 1) {
    const t0 = performance.now();
    await call();
    into.push(performance.now() - t0);
  }
  return performance.now() - started;
}

/**
 * Sequential calls per second for a cheap GET (a customer by id) against the simulator: through
 * the client (token cache, limiter, retry policy, zod parse) and with raw undici (the client's own
 * transport) on the same route and the same keep-alive, so the ratio is the client's own overhead;
 * raw axios (the client's transport before) beside them for reference.
 */
export async function benchPartnerCenterClient(): Promise<BenchResult> {
  const sim = await startSimulator({ rateLimits: false, logger: silent });
  const agent = new http.Agent({ keepAlive: true });
  const dispatcher = new Agent({ keepAliveTimeout: 60_000 });
  const client = new PartnerCenterClient({
    baseUrl: sim.baseUrl,
    credentials: {
      tenantId: TENANT_ID,
      clientId: 'bench',
      clientSecret: 'bench-secret',
      identityBaseUrl: sim.baseUrl,
    },
    // The bench measures the pipeline, not the client-side throttle.
    limits: { perMinute: { customers: 1_000_000 } },
  });
  try {
    const { data: seed } = await axios.get<{ items: { id: string }[] }>(`${sim.baseUrl}/_sim/customers`);
    const customerId = seed.items[0].id;
    const { data: token } = await axios.post<{ access_token: string }>(
      `${sim.baseUrl}/${TENANT_ID}/oauth2/v2.0/token`,
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'bench',
        client_secret: 'bench-secret',
        scope: 'https://api.partnercenter.microsoft.com/.default',
      }).toString(),
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
    );
    const url = `${sim.baseUrl}/v1/customers/${customerId}`;
    const headers = { Accept: 'application/json', Authorization: `Bearer ${token.access_token}` };
    const raw = async () => {
      const answer = await request(url, { headers, dispatcher });
      return answer.body.text();
    };
    const rawAxios = () => axios.get(url, { httpAgent: agent, headers });
    const viaClient = () => client.customers.get(customerId);

    const discard: number[] = [];
    await timeCalls(WARM_UP_CALLS, raw, discard);
    await timeCalls(WARM_UP_CALLS, rawAxios, discard);
    await timeCalls(WARM_UP_CALLS, viaClient, discard);

    const rawLatencies: number[] = [];
    const axiosLatencies: number[] = [];
    const clientLatencies: number[] = [];
    let rawMs = 0;
    let clientMs = 0;
    // Interleaved rounds, so that drift on a shared machine hits every side alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      rawMs += await timeCalls(CALLS_PER_ROUND, raw, rawLatencies);
      await timeCalls(CALLS_PER_ROUND, rawAxios, axiosLatencies);
      clientMs += await timeCalls(CALLS_PER_ROUND, viaClient, clientLatencies);
    }
    // What the client-side limiter alone costs per call, to read the ratio above.
    const limiter = new RateLimiter({ perMinute: { customers: 1_000_000 } });
    const limiterMs = await timeCalls(
      calls(),
      () => limiter.schedule('customers', async () => undefined),
      discard,
    );
    await limiter.stop();

    rawLatencies.sort((a, b) => a - b);
    axiosLatencies.sort((a, b) => a - b);
    clientLatencies.sort((a, b) => a - b);
    const total = calls();
    const rawPerSecond = (total / rawMs) * 1000;
    const clientPerSecond = (total / clientMs) * 1000;
    const round2 = (value: number) => Math.round(value * 100) / 100;
    return {
      name: 'partnercenter-client',
      figures: {
        clientCallsPerSecond: round2(clientPerSecond),
        rawUndiciCallsPerSecond: round2(rawPerSecond),
        overheadRatio: round2(rawPerSecond / clientPerSecond),
        clientP50Ms: round2(percentile(clientLatencies, 50)),
        clientP95Ms: round2(percentile(clientLatencies, 95)),
        rawP50Ms: round2(percentile(rawLatencies, 50)),
        rawP95Ms: round2(percentile(rawLatencies, 95)),
        rawAxiosP50Ms: round2(percentile(axiosLatencies, 50)),
        rawAxiosP95Ms: round2(percentile(axiosLatencies, 95)),
        limiterMsPerCall: round2(limiterMs / total),
        calls: total,
      },
      notes: [
        'GET /v1/customers/{id} against the simulator on loopback, sequential, keep-alive on both sides',
        'overheadRatio = raw undici calls/s ÷ client calls/s (1.0 = no overhead); raw axios p50/p95 for reference (the transport before undici)',
        "simulator rate limits off; the client's limiter raised so that it never waits",
        'limiterMsPerCall = the client-side limiter alone on a no-op job, sequentially',
      ],
    };
  } finally {
    await client.close();
    agent.destroy();
    await dispatcher.close();
    await sim.close();
  }
}

if (require.main === module) {
  benchPartnerCenterClient()
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
