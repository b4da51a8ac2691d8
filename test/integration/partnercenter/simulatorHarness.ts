import axios from 'axios';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator';
import {
  PartnerCenterClient,
  type PartnerCenterClientOptions,
  type PartnerCenterCredentials,
} from '../../../src/partnercenter';

export const PARTNER_TENANT_ID = '7a4c2d1e-0000-4000-8000-00000000a11c';

export interface SimCustomer {
  id: string;
  companyName: string;
  domain: string;
  country: string;
  currency: string;
}

export interface SimRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  requestId?: string;
  correlationId?: string;
  tokenKind: 'app' | 'app+user' | 'none';
  tokenId?: string;
  replayed?: boolean;
}

/** The simulator's configuration keys (PUT /_sim/config). */
export interface SimConfig {
  orderCompletionDelayMs?: number;
  orderListLagMs?: number;
  upgradeCompletionDelayMs?: number;
  rateLimits?: boolean;
  planSuspensionAnswer?: 'ok' | 'accepted';
  planSuspensionDelayMs?: number;
  planReactivationAnswer?: 'ok' | 'accepted';
  planReactivationDelayMs?: number;
  appUserMfa?: boolean;
}

export interface FaultSpec {
  method?: string;
  path: string;
  times?: number;
  probability?: number;
  status?: number;
  code?: string;
  description?: string;
  retryAfterSeconds?: number;
  latencyMs?: number;
  hang?: boolean;
  malformed?: boolean;
  reset?: boolean;
  /** With probability: the fault's own seeded draws. */
  seed?: string | number;
}

/** The simulator and its control API (`/_sim/...`), as the contract describes them. */
export class SimulatorHarness {
  private constructor(readonly sim: RunningSimulator) {}

  static async start(options: SimulatorOptions = {}): Promise<SimulatorHarness> {
    return new SimulatorHarness(await startSimulator({ rateLimits: false, ...options }));
  }

  /** A simulator running elsewhere (another process, for a benchmark that measures its own memory). */
  static attach(running: RunningSimulator): SimulatorHarness {
    return new SimulatorHarness(running);
  }

  get baseUrl(): string {
    return this.sim.baseUrl;
  }

  /** A client that knows only the base URL and credentials, as in production. */
  client(
    overrides: Omit<Partial<PartnerCenterClientOptions>, 'credentials'> & {
      credentials?: Partial<PartnerCenterCredentials>;
    } = {},
  ): PartnerCenterClient {
    const { credentials, ...rest } = overrides;
    return new PartnerCenterClient({
      baseUrl: this.sim.baseUrl,
      timeoutMs: 2_000,
      retry: { maxRetries: 3, initialDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 10_000 },
      subscriptionPolling: { intervalMs: 50, timeoutMs: 5_000 },
      ...rest,
      credentials: {
        tenantId: PARTNER_TENANT_ID,
        clientId: 'azure-plan-ops-test',
        clientSecret: 'not-a-real-secret',
        refreshToken: 'sandbox-refresh-token',
        identityBaseUrl: this.sim.baseUrl,
        ...credentials,
      },
    });
  }

  async customers(): Promise<SimCustomer[]> {
    return (await axios.get<{ items: SimCustomer[] }>(`${this.baseUrl}/_sim/customers`)).data.items;
  }

  async customer(companyName: string): Promise<SimCustomer> {
    const found = (await this.customers()).find((c) => c.companyName === companyName);
    if (!found) throw new Error(`seed customer ${companyName} not found`);
    return found;
  }

  async fault(spec: FaultSpec): Promise<string> {
    return (await axios.post<{ id: string }>(`${this.baseUrl}/_sim/faults`, spec)).data.id;
  }

  async clearFaults(): Promise<void> {
    await axios.delete(`${this.baseUrl}/_sim/faults`);
  }

  async advanceClock(ms: number): Promise<void> {
    await axios.post(`${this.baseUrl}/_sim/clock/advance`, { ms });
  }

  async configure(config: SimConfig): Promise<void> {
    await axios.put(`${this.baseUrl}/_sim/config`, config);
  }

  /** The carts the simulator holds for a customer (no Partner Center API lists them). */
  async carts(customerId: string): Promise<{ id: string; status: string }[]> {
    const url = `${this.baseUrl}/_sim/customers/${customerId}/carts`;
    return (await axios.get<{ items: { id: string; status: string }[] }>(url)).data.items;
  }

  /** POST to a control route of the simulator (`/_sim` + path); returns the answer's body. */
  async control<T = Record<string, unknown>>(path: string, body: unknown = {}): Promise<T> {
    return (await axios.post<T>(`${this.baseUrl}/_sim${path}`, body)).data;
  }

  async requests(): Promise<SimRequest[]> {
    return (await axios.get<{ items: SimRequest[] }>(`${this.baseUrl}/_sim/requests`)).data.items;
  }

  async clearRequests(): Promise<void> {
    await axios.delete(`${this.baseUrl}/_sim/requests`);
  }

  /** Back to the seed, with `extraCustomers` generated ones ("Blue Yonder Airlines 00001"…). */
  async reseed(extraCustomers?: number): Promise<void> {
    await axios.post(`${this.baseUrl}/_sim/reseed`, extraCustomers === undefined ? {} : { extraCustomers });
  }

  close(): Promise<void> {
    return this.sim.close();
  }
}

/** Runs an async iterable to the end. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
