import type { AppConfig } from '../config';
import type { JobDefinition } from '../jobs/scheduler';
import type { Logger } from '../logging';
import type { PartnerCenterClient } from '../partnercenter';
import type { Store } from '../store';
import { purgeAuditTrail } from '../workflows/audit/retention';
import {
  ApprovalPolicies,
  budgetKinds,
  BudgetMonitor,
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
  type GroupMembership,
  type RequestKind,
  type RequestNotifier,
  type RunPoint,
} from '../workflows';

export interface DomainOptions {
  store: Store;
  pc: PartnerCenterClient;
  logger: Logger;
  config: Pick<AppConfig, 'roles' | 'approvals' | 'jobs' | 'lifecycle' | 'spend' | 'audit'>;
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
    /** Customers per budget check task and per listing page. */
    sweepChunk?: number;
    sweepPageSize?: number;
  };
  /** Entra group memberships (Microsoft Graph), when roles name groups. */
  directory?: GroupMembership;
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
  /** The budget monitor and its own queue (sweeps never hold up request runs). */
  monitor: BudgetMonitor;
  spendQueue: WorkQueue;
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
  for (const kind of budgetKinds({ pc })) kinds.register(kind);
}

export function composeDomain(options: DomainOptions): Domain {
  const { store, logger, config } = options;
  const roles = new RolePolicy(config.roles, {
    grants: store.roleGrants,
    groups: options.directory,
    groupCacheMs: config.roles.groupCacheMs,
    now: options.now,
    logger,
  });
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
  const monitor = new BudgetMonitor({
    pc: options.pc,
    store,
    posts: queue,
    logger,
    chunkSize: options.tuning?.sweepChunk ?? config.spend.sweepChunk,
    pageSize: options.tuning?.sweepPageSize,
  });
  // Checks claimed as many at a time as are worked at once: a claimed check never waits unrenewed.
  const sweepLanes = config.spend.sweepConcurrency;
  const spendQueue = new WorkQueue({
    watches: store.watches,
    node: options.node,
    logger,
    now: options.now,
    leaseMs: options.tuning?.leaseMs,
    batchSize: sweepLanes,
    concurrency: sweepLanes,
  });
  for (const handler of monitor.handlers()) spendQueue.register(handler);
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
    monitor,
    spendQueue,
    attachNotifier(notifier) {
      if (notifierAttached) throw new Error('a notifier is already attached');
      notifierAttached = true;
      queue.register(new NotificationDispatcher({ store, notifier }));
      queue.kick();
    },
    async start() {
      await queue.recover();
      await spendQueue.recover();
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
          // The budget monitor: one sweep per tick, whichever instance ticks first.
          name: 'budget-sweep',
          cron: config.spend.sweepCron,
          timezone: config.spend.sweepTimezone,
          run: async (ctx) => {
            await monitor.startSweep(ctx.now());
            spendQueue.kick();
          },
        },
        {
          // The sweep's checks: every instance takes its share, chunk by chunk.
          name: 'budget-work',
          everyMs: config.jobs.workEveryMs,
          shared: true,
          quiet: true,
          run: () => spendQueue.tick(),
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
          // Retention: audit entries older than AUDIT_RETENTION_DAYS go (the trail's only delete).
          name: 'purge-audit',
          everyMs: 6 * 3_600_000,
          quiet: true,
          run: async (ctx) => {
            const purged = await purgeAuditTrail(store.audit, config.audit.retentionDays, ctx.now());
            if (purged > 0)
              logger.info({ purged, retentionDays: config.audit.retentionDays }, 'audit entries purged');
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
    close: async () => {
      await Promise.all([queue.close(), spendQueue.close()]);
    },
  };
}
