import type { RunningSimulator, SimulatorOptions } from './options';
import { startSimulatorServer } from './server';

export type { RunningSimulator, SimulatorOptions, SimLogger } from './options';
export { DEFAULT_REFRESH_TOKEN } from './options';
export { RATE_LIMITS } from './http/throttling';

/**
 * Starts the Partner Center simulator on loopback: the documented PC REST shapes under `/v1`, an
 * Entra-like token endpoint under `/{tenantId}/oauth2/v2.0/token`, and the control API under `/_sim`.
 */
export function startSimulator(options?: SimulatorOptions): Promise<RunningSimulator> {
  return startSimulatorServer(options);
}
