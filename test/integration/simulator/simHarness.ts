import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index';

/** Real HTTP against a started simulator (fetch), plus the sample files to compare shapes with. */

import { SAMPLES_DIR } from '../../support/samples';

export { SAMPLES_DIR };
export const PARTNER_TENANT = '11111111-2222-4333-8444-555555555555';

export function sample(file: string): unknown {
  return JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8'));
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

type Json = Record<string, unknown>;

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export class SimHarness {
  appToken = '';
  userToken = '';
  private readonly customerIds = new Map<string, string>();

  constructor(
    readonly sim: RunningSimulator,
    private readonly refreshToken = 'sandbox-refresh-token',
  ) {}

  static async start(options: SimulatorOptions = {}): Promise<SimHarness> {
    const harness = new SimHarness(await startSimulator(options), options.refreshToken);
    await harness.refreshTokens();
    await harness.loadCustomers();
    return harness;
  }

  get baseUrl(): string {
    return this.sim.baseUrl;
  }

  async close(): Promise<void> {
    await this.sim.close();
  }

  async raw<T = Json>(method: string, path: string, options: CallOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /** A PC API call with the app token (or the user token when `user` is true). */
  api<T = Json>(method: string, path: string, options: CallOptions & { user?: boolean } = {}) {
    return this.raw<T>(method, `/v1${path}`, {
      token: options.user ? this.userToken : this.appToken,
      ...options,
    });
  }

  user<T = Json>(method: string, path: string, options: CallOptions = {}) {
    return this.api<T>(method, path, { ...options, user: true });
  }

  control<T = Json>(method: string, path: string, body?: unknown) {
    return this.raw<T>(method, `/_sim${path}`, { body });
  }

  token(form: Record<string, string>) {
    return this.raw<Json>('POST', `/${PARTNER_TENANT}/oauth2/v2.0/token`, {
      body: new URLSearchParams(form).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  }

  async refreshTokens(): Promise<void> {
    const app = await this.token({
      grant_type: 'client_credentials',
      client_id: 'test-app',
      client_secret: 'secret',
      scope: 'https://api.partnercenter.microsoft.com/.default',
    });
    const user = await this.token({
      grant_type: 'refresh_token',
      client_id: 'test-app',
      refresh_token: this.refreshToken,
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation offline_access openid profile',
    });
    this.appToken = String(app.body.access_token);
    this.userToken = String(user.body.access_token);
  }

  async loadCustomers(): Promise<void> {
    const res = await this.control<{ items: { id: string; companyName: string }[] }>('GET', '/customers');
    for (const c of res.body.items) this.customerIds.set(c.companyName, c.id);
  }

  id(companyName: string): string {
    const id = this.customerIds.get(companyName);
    if (!id) throw new Error(`no customer named ${companyName}`);
    return id;
  }

  async advance(ms: number): Promise<void> {
    await this.control('POST', '/clock/advance', { ms });
  }

  async reseed(extraCustomers?: number): Promise<void> {
    await this.control('POST', '/reseed', extraCustomers === undefined ? {} : { extraCustomers });
    await this.loadCustomers();
  }

  /** The customer's Azure plan subscription (first item with the plan's offer). */
  async planOf(companyName: string): Promise<Json> {
    const res = await this.api<{ items: Json[] }>('GET', `/customers/${this.id(companyName)}/subscriptions`);
    const plan = res.body.items.find((s) => String(s.offerId).startsWith('DZH318Z0BPS6'));
    if (!plan) throw new Error(`${companyName} has no Azure plan`);
    return plan;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The keys of `expected` (a documentation sample) that `actual` lacks, recursively: nested objects
 * are compared key by key and arrays by their first elements. `ignore` lists dotted paths to skip.
 */
export function missingKeys(actual: unknown, expected: unknown, ignore: string[] = [], path = ''): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [path || '(root)'];
    if (expected.length === 0 || actual.length === 0) return [];
    return missingKeys(actual[0], expected[0], ignore, `${path}[]`);
  }
  if (!isObject(expected)) return [];
  if (!isObject(actual)) return [path || '(root)'];
  const missing: string[] = [];
  for (const key of Object.keys(expected)) {
    const childPath = path ? `${path}.${key}` : key;
    if (ignore.includes(childPath)) continue;
    if (!(key in actual)) {
      missing.push(childPath);
      continue;
    }
    missing.push(...missingKeys(actual[key], expected[key], ignore, childPath));
  }
  return missing;
}
