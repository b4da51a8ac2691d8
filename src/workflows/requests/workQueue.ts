import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging';
import { silentLogger } from '../../logging';
import { withoutCallDeadline } from '../../partnercenter';
import type { JsonObject, Watch, WatchInput, WatchRepository } from '../../store';
import { startSoon } from '../heldWork';

export interface TaskContext {
  correlationId: string;
  logger: Logger;
  /** Aborted when this process loses the task's claim or stops. */
  signal: AbortSignal;
  now(): number;
}

export type TaskOutcome =
  | { type: 'done' }
  /** Run again after the delay; the payload replaces the stored one when given. */
  | { type: 'retry'; delayMs: number; payload?: JsonObject };

/** Works one kind of durable task (a request to run, a notice to deliver). */
export interface TaskHandler {
  readonly kind: string;
  handle(task: Watch, context: TaskContext): Promise<TaskOutcome>;
}

/** What the domain needs of the queue: put work in, and ask for it to be looked at soon. */
export interface WorkScheduler {
  kick(): void;
}

export interface WorkQueueOptions {
  watches: WatchRepository;
  /**
   * A stable name for this process's place (host and port, say). Claims are held as
   * `<node>#<incarnation>`: at start-up a process frees at once what its previous incarnation held
   * when it died, instead of waiting for those claims to run out.
   */
  node: string;
  logger?: Logger;
  now?: () => number;
  /** How long a claim lasts; renewed every third of it while the task runs (default 15 s). */
  leaseMs?: number;
  /** Tasks claimed at a time (default 20). */
  batchSize?: number;
  /** Tasks of different requests worked at once (default 4). */
  concurrency?: number;
}

const DEFAULT_LEASE_MS = 15_000;

/**
 * Durable work items in the store (the `watches` table), claimed one by one with a short lease that
 * is renewed while the work runs: two instances never work the same item, and a crashed holder's
 * items are taken up again (at once by its own restart, else when its lease runs out). Items of one
 * request are worked one after the other, in order; items of different requests side by side.
 */
export class WorkQueue implements WorkScheduler {
  readonly holder: string;
  private readonly handlers = new Map<string, TaskHandler>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private readonly stop = new AbortController();
  /** Renewal timers of the tasks in hand (cleared by halt(), as a crash would). */
  private readonly renewals = new Set<NodeJS.Timeout>();

  constructor(private readonly options: WorkQueueOptions) {
    this.holder = `${options.node}#${randomUUID().slice(0, 8)}`;
    this.logger = (options.logger ?? silentLogger()).child({ component: 'work-queue', holder: this.holder });
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.batchSize = options.batchSize ?? 20;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  register(handler: TaskHandler): this {
    if (this.handlers.has(handler.kind)) throw new Error(`A handler for "${handler.kind}" tasks exists`);
    this.handlers.set(handler.kind, handler);
    return this;
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  enqueue(task: WatchInput): Promise<Watch> {
    return this.options.watches.upsert(task);
  }

  /** Frees the claims of this node's previous incarnation (call once at start-up). */
  async recover(): Promise<number> {
    const released = await this.options.watches.releaseHeldBy(`${this.options.node}#`, this.holder);
    if (released > 0) this.logger.info({ released }, 'took back the work a previous run left');
    return released;
  }

  /**
   * Looks for due work soon, without waiting for the next scheduled tick. Often called from a chat
   * turn: the pass is background work, outside the turn's deadline, and starts once the turn has
   * answered.
   */
  kick(): void {
    if (this.closed) return;
    startSoon(() =>
      withoutCallDeadline(
        () => void this.tick().catch((err: unknown) => this.logger.error({ err }, 'work tick failed')),
      ),
    );
  }

  /**
   * Claims and works every due task of the registered kinds; concurrent calls share one pass (a
   * call during a pass makes another pass follow it).
   */
  tick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const pass = (async () => {
      do {
        this.again = false;
        await this.drainDue();
      } while (this.again && !this.closed);
    })().finally(() => {
      this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  /** Waits for the pass in flight. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops taking work, aborts the tasks in hand and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    this.stop.abort(new Error('work queue closing'));
    await this.drain();
  }

  /**
   * Stops renewing claims without releasing them and takes no more work: what a crash does. For
   * tests that play a process dying in the middle of a task.
   */
  halt(): void {
    this.closed = true;
    for (const timer of this.renewals) clearInterval(timer);
    this.renewals.clear();
  }

  private async drainDue(): Promise<void> {
    const kinds = this.kinds();
    if (kinds.length === 0) return;
    for (;;) {
      if (this.closed) return;
      const claimed = await this.options.watches.due(
        this.now(),
        this.batchSize,
        this.holder,
        this.leaseMs,
        kinds,
      );
      if (claimed.length === 0) return;
      // Work done here makes more (a notice, the next poll): look again until nothing is due.
      await this.work(claimed);
    }
  }

  /** One lane per request (in order), up to `concurrency` lanes at once. */
  private async work(tasks: Watch[]): Promise<void> {
    const lanes = new Map<string, Watch[]>();
    for (const task of tasks) {
      const key = task.requestId ?? task.id;
      lanes.set(key, [...(lanes.get(key) ?? []), task]);
    }
    const queue = [...lanes.values()];
    const workers = Array.from({ length: Math.min(this.concurrency, queue.length) }, async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const task of lane) await this.run(task);
      }
    });
    await Promise.all(workers);
  }

  private async run(task: Watch): Promise<void> {
    const handler = this.handlers.get(task.kind);
    if (!handler) return;
    if (this.closed) {
      await this.options.watches.reschedule(task.id, this.holder, task.nextRunAt);
      return;
    }
    const correlationId = randomUUID();
    const logger = this.logger.child({ task: task.id, correlationId, requestId: task.requestId });
    const abort = new AbortController();
    const onStop = () => abort.abort(this.stop.signal.reason);
    this.stop.signal.addEventListener('abort', onStop, { once: true });
    const renewal = this.keepClaim(task, abort, logger);
    try {
      const outcome = await handler.handle(task, {
        correlationId,
        logger,
        signal: abort.signal,
        now: this.now,
      });
      if (this.renewals.has(renewal) || !this.closed) await this.settle(task, outcome, logger);
    } catch (error) {
      const delayMs = Math.min(5 * 60_000, 1_000 * 2 ** Math.min(task.attempts, 8));
      logger.error({ err: error, delayMs }, 'task failed; it will run again');
      await this.settle(task, { type: 'retry', delayMs }, logger);
    } finally {
      clearInterval(renewal);
      this.renewals.delete(renewal);
      this.stop.signal.removeEventListener('abort', onStop);
    }
  }

  private async settle(task: Watch, outcome: TaskOutcome, logger: Logger): Promise<void> {
    const kept =
      outcome.type === 'done'
        ? await this.options.watches.complete(task.id, this.holder)
        : await this.options.watches.reschedule(
            task.id,
            this.holder,
            this.now() + Math.max(0, outcome.delayMs),
            outcome.payload,
          );
    if (!kept) logger.warn('the task was no longer ours when it ended');
    else if (outcome.type === 'done') logger.debug('task done');
    else logger.debug({ delayMs: outcome.delayMs }, 'task rescheduled');
  }

  private keepClaim(task: Watch, abort: AbortController, logger: Logger): NodeJS.Timeout {
    const every = Math.max(5, Math.floor(this.leaseMs / 3));
    const timer = setInterval(() => {
      this.options.watches.renew(task.id, this.holder, this.leaseMs).then(
        (kept) => {
          if (!kept && !abort.signal.aborted) {
            logger.warn('task claim lost; stopping it');
            abort.abort(new Error(`claim of ${task.id} lost`));
          }
        },
        (err: unknown) => logger.warn({ err }, 'could not renew a task claim'),
      );
    }, every);
    timer.unref();
    this.renewals.add(timer);
    return timer;
  }
}
