import type { SimLogger } from './http/pipeline';

export type { SimLogger };

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Simulated time from checkout to order 'completed'; default 60_000. */
  orderCompletionDelayMs?: number;
  /** Simulated time before a new order shows in the orders LIST; default 15 * 60_000. */
  orderListLagMs?: number;
  /** Default 120_000. */
  upgradeCompletionDelayMs?: number;
  /** Generated customers on top of the named seed (10_000 must work). */
  extraCustomers?: number;
  /** Default true (per endpoint family, defaults from the reference). */
  rateLimits?: boolean;
  /** The one refresh token the token endpoint accepts; default 'sandbox-refresh-token'. */
  refreshToken?: string;
  logger?: SimLogger;
  /**
   * Seeds the ids of carts, orders and subscriptions created at run time. The default keeps them
   * the same from run to run (tests); the sandbox passes a new value at each start, so that ids
   * never repeat against records a persistent database kept from an earlier run.
   */
  runtimeIdNamespace?: string;
}

export interface RunningSimulator {
  /** e.g. 'http://127.0.0.1:41234'; the PC API is under `${baseUrl}/v1`. */
  baseUrl: string;
  close(): Promise<void>;
}

export const DEFAULT_REFRESH_TOKEN = 'sandbox-refresh-token';
