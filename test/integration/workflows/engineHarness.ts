import { createStore, type SqlStore } from '../../../src/store';
import {
  ApprovalPolicies,
  KindRegistry,
  NotificationDispatcher,
  RequestRunner,
  RequestService,
  WorkQueue,
  type ApprovalOverrides,
  type RequestKind,
  type RunPoint,
} from '../../../src/workflows';
import { RecordingNotifier, ROLES, TestClock } from './workflowHarness';

/**
 * The request engine as main.ts composes it (service, runner, work queue, notice dispatch), on a real
 * SQLite store, with a clock that moves only when told to and a notifier that records what it is
 * told. One "instance" per call: several on one SQLite file play several bot processes.
 */
export interface EngineInstance {
  store: SqlStore;
  clock: TestClock;
  notifier: RecordingNotifier;
  kinds: KindRegistry;
  service: RequestService;
  runner: RequestRunner;
  queue: WorkQueue;
  /** Works every task due now, until none is left. */
  tick(): Promise<void>;
  /** Moves the clock, then works what came due. */
  advance(ms: number): Promise<void>;
}

export interface EngineOptions {
  kinds: (store: SqlStore) => RequestKind[];
  /** An SQLite file shared by several instances; in memory by default. */
  sqlitePath?: string;
  clock?: TestClock;
  notifier?: RecordingNotifier;
  /** The process's place: a restart at the same place takes back its claims at once. */
  node?: string;
  leaseMs?: number;
  retryDelaysMs?: readonly number[];
  policy?: ApprovalOverrides;
  observe?: (point: RunPoint) => void | Promise<void>;
}

const opened: SqlStore[] = [];

export async function engineInstance(options: EngineOptions): Promise<EngineInstance> {
  const clock = options.clock ?? new TestClock();
  const store = await createStore({ sqlitePath: options.sqlitePath ?? ':memory:', now: clock.now });
  opened.push(store);
  const notifier = options.notifier ?? new RecordingNotifier();
  const kinds = new KindRegistry();
  for (const kind of options.kinds(store)) kinds.register(kind);
  const queue = new WorkQueue({
    watches: store.watches,
    node: options.node ?? 'node-a',
    now: clock.now,
    leaseMs: options.leaseMs ?? 30_000,
  });
  const runner = new RequestRunner({
    store,
    kinds,
    now: clock.now,
    retryDelaysMs: options.retryDelaysMs,
    observe: options.observe,
  });
  queue.register(runner);
  queue.register(new NotificationDispatcher({ store, notifier }));
  const service = new RequestService({
    store,
    roles: ROLES,
    kinds,
    policies: new ApprovalPolicies(kinds, options.policy),
    now: clock.now,
  });
  const tick = () => queue.tick();
  return {
    store,
    clock,
    notifier,
    kinds,
    service,
    runner,
    queue,
    tick,
    async advance(ms) {
      clock.advance(ms);
      await tick();
    },
  };
}

/** Closes every store the instances opened (call in afterEach). */
export async function closeEngines(): Promise<void> {
  const stores = opened.splice(0);
  await Promise.all(stores.map((s) => s.close()));
}
