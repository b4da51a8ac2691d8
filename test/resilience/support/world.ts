import type { ActionRequest, Store } from '../../../src/store';
import type { SimRequest, SimulatorHarness } from '../../integration/partnercenter/simulatorHarness';
import { waitFor } from './waitFor';

/** What the tests read from outside the bot: its requests in the store, and Partner Center's log. */

export const FINAL_STATES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
  'expired',
]);

/** Waits until the request has its outcome (or the patience runs out, saying where it stands). */
export async function outcomeOf(
  store: Store,
  requestId: string,
  options: { patienceMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<ActionRequest> {
  return waitFor(
    `request ${requestId} to end`,
    async () => {
      const request = await store.requests.get(requestId);
      return request && FINAL_STATES.has(request.state) ? request : undefined;
    },
    {
      patienceMs: options.patienceMs,
      describe: async () => {
        const request = await store.requests.get(requestId);
        const extra = options.describe ? await options.describe() : '';
        return `it is ${JSON.stringify({ state: request?.state, execution: request?.execution })}\n${extra}`;
      },
    },
  );
}

/**
 * Waits until the request has its outcome and nothing of it is left to do: no run, poll or notice
 * waiting in the work queue. Every message about it has then been sent, so counting them is fair.
 */
export async function settledOutcomeOf(
  store: Store,
  requestId: string,
  options: { patienceMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<ActionRequest> {
  await outcomeOf(store, requestId, options);
  await waitFor(
    `the work items of request ${requestId} to be done`,
    async () => (await store.watches.list({ requestId })).length === 0,
    {
      patienceMs: options.patienceMs,
      describe: async () =>
        `left: ${JSON.stringify(await store.watches.list({ requestId }))}
${options.describe ? await options.describe() : ''}`,
    },
  );
  const request = await store.requests.get(requestId);
  if (!request) throw new Error(`request ${requestId} is gone`);
  return request;
}

/** The simulator's log from `afterSeq` on: the calls with their MS-RequestId and replay mark. */
export async function callsSince(simulator: SimulatorHarness, afterSeq: number): Promise<SimRequest[]> {
  return (await simulator.requests()).filter((r) => r.seq > afterSeq);
}

export async function lastSeq(simulator: SimulatorHarness): Promise<number> {
  const all = await simulator.requests();
  return all.length > 0 ? all[all.length - 1].seq : 0;
}

/** Calls of a method to paths that match, in order. */
export function callsTo(calls: SimRequest[], method: string, path: RegExp): SimRequest[] {
  return calls.filter((c) => c.method === method && path.test(c.path));
}

/**
 * The sends among these that were not answered from an earlier send's result (the MS-RequestId
 * replay). A send the client gave up on is logged with status 0 whether or not the simulator acted
 * (a latency fault acts, a hang does not), so what was done is read from the state, not from here.
 */
export function firstSends(calls: SimRequest[]): SimRequest[] {
  return calls.filter((c) => c.replayed !== true);
}
