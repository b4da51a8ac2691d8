import type { AppConfig } from '../config';
import type { JobDefinition } from '../jobs/scheduler';
import type { Logger } from '../logging';
import type { PartnerCenterClient } from '../partnercenter';
import type { Store } from '../store';
import {
  ApprovalPolicies,
  KindRegistry,
  NotificationDispatcher,
  purchaseKind,
  reactivateKind,
  suspendKind,
  upgradeKind,
  RequestRunner,
  RequestService,
  RolePolicy,
  WorkQueue,
  type RequestKind,
  type RequestNotifier,
  type RunPoint,
} from '../workflows';

export interface DomainOptions {
  store: Store;
  pc: PartnerCenterClient;
  logger: Logger;
  config: Pick<AppConfig, 'roles' | 'approvals' | 'jobs' | 'lifecycle'>;
  /**
   * A stable name for this process's place (host and port): work a previous run of this process
   * left half done is taken back at once on start-up.
   */
  node: string;
  now?: () => number;
  /** Timings tests shorten. */
  tuning?: {
    leaseMs?: number;
    retryDelaysMs?: readonly number[];
    firstOrderPollMs?: number;
    maxOrderPollMs?: number;
    /** First read-back of a plan's status and of an upgrade's. */
    firstStatusPollMs?: number;
    maxStatusPollMs?: number;
  };
  /** Kinds beyond the product's (tests register their own). */
  extraKinds?: RequestKind[];
  /** Told of each point of a request's run (tests freeze runs there to play crashes). */
  observe?: (point: RunPoint) => void | Promise<void>;
}

/** The domain, composed once (outside the bot layer), the same way by main.ts and by the tests. */
export interface Domain {
  roles: RolePolicy;
  kinds: KindRegistry;
  policies: ApprovalPolicies;
  requests: RequestService;
  runner: RequestRunner;
  queue: WorkQueue;
  /** Where notices go once the bot can send them; until then they wait in the store. */
  attachNotifier(notifier: RequestNotifier): void;
  /** Takes back what a previous run of this process left and queues every request that should run. */
  start(): Promise<void>;
  /** The periodic jobs the domain needs (the scheduler runs them). */
  jobs(): JobDefinition[];
  close(): Promise<void>;
}

/**
 * Every kind of change the product makes: one registration line each. A kind is one module in
 * src/workflows/kinds; its words live with its feature in src/bot/features.
 */
function registerProductKinds(kinds: KindRegistry, options: DomainOptions): void {
  const { pc, store, tuning, config } = options;
  const timing = {
    firstPollMs: tuning?.firstStatusPollMs,
    maxPollMs: tuning?.maxStatusPollMs,
    deadlineMs: config.lifecycle.statusDeadlineMs,
  };
  kinds.register(
    purchaseKind({ pc, store, firstPollMs: tuning?.firstOrderPollMs, maxPollMs: tuning?.maxOrderPollMs }),
  );
  kinds.register(suspendKind({ pc, timing }));
  kinds.register(reactivateKind({ pc, timing }));
  kinds.register(upgradeKind({ pc, ...timing, deadlineMs: config.lifecycle.upgradeDeadlineMs }));
}

export function composeDomain(options: DomainOptions): Domain {
  const { store, logger, config } = options;
  const roles = new RolePolicy(config.roles);
  const kinds = new KindRegistry();
  registerProductKinds(kinds, options);
  for (const kind of options.extraKinds ?? []) kinds.register(kind);
  const policies = new ApprovalPolicies(kinds, config.approvals.policy);
  const queue = new WorkQueue({
    watches: store.watches,
    node: options.node,
    logger,
    now: options.now,
    leaseMs: options.tuning?.leaseMs,
  });
  const runner = new RequestRunner({
    store,
    kinds,
    now: options.now,
    retryDelaysMs: options.tuning?.retryDelaysMs,
    observe: options.observe,
  });
  queue.register(runner);
  const requests = new RequestService({
    store,
    roles,
    kinds,
    policies,
    work: queue,
    now: options.now,
    logger,
  });
  let notifierAttached = false;

  return {
    roles,
    kinds,
    policies,
    requests,
    runner,
    queue,
    attachNotifier(notifier) {
      if (notifierAttached) throw new Error('a notifier is already attached');
      notifierAttached = true;
      queue.register(new NotificationDispatcher({ store, notifier }));
      queue.kick();
    },
    async start() {
      await queue.recover();
      await requests.ensureRunning();
      queue.kick();
    },
    jobs() {
      return [
        {
          // Request runs, order polls and notices: every instance takes its share, item by item.
          name: 'work',
          everyMs: config.jobs.workEveryMs,
          shared: true,
          quiet: true,
          run: () => queue.tick(),
        },
        {
          // A safety net for a crash between a decision and its work item.
          name: 'ensure-running',
          everyMs: 60_000,
          quiet: true,
          run: async () => {
            await requests.ensureRunning();
          },
        },
        {
          name: 'expire-requests',
          everyMs: config.jobs.requestExpiryEveryMs,
          quiet: true,
          run: async () => {
            await requests.expireStale();
          },
        },
      ];
    },
    close: () => queue.close(),
  };
}
