import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { silentLogger } from '../logging';
import type { LeaseRepository } from '../store';

export interface JobContext {
  /** New for every run; pass it to Partner Center calls and audit records. */
  correlationId: string;
  /** Bound to `{ job, correlationId }`. */
  logger: Logger;
  /** Aborted when the scheduler stops or this instance loses the job's lease mid-run. */
  signal: AbortSignal;
  now: () => number;
  /** This scheduler's instance id: the holder name to use for watch claims. */
  instanceId: string;
}

export interface JobDefinition {
  name: string;
  /** Run every so many milliseconds… */
  everyMs?: number;
  /** …or on a cron pattern (croner syntax, seconds optional). Exactly one of the two. */
  cron?: string;
  /** IANA time zone for `cron`; the host's by default. */
  timezone?: string;
  /**
   * How long one instance owns the job after it takes a tick. Defaults to 90% of the period, so
   * that whichever instance ticks first in a period runs it and a dead holder is replaced within
   * one period. Renewed while a run is in flight.
   */
  leaseMs?: number;
  /** Log a finished run at debug level (frequent jobs whose runs are mostly empty). */
  quiet?: boolean;
  /** Also tick once right after start() (e.g. to resume watches after a restart). */
  runOnStart?: boolean;
  /**
   * Run on every instance at each tick, without the job's lease: for work that claims its own items
   * (the work queue), where one instance per tick would only slow everyone down.
   */
  shared?: boolean;
  run(ctx: JobContext): Promise<void>;
}

export type RunOutcome =
  | { status: 'ran'; correlationId: string; durationMs: number }
  | { status: 'failed'; correlationId: string; durationMs: number; error: unknown }
  | { status: 'aborted'; correlationId: string; durationMs: number }
  | { status: 'skipped'; reason: 'lease-held' | 'already-running' | 'stopped' | 'lease-error' };

export interface SchedulerOptions {
  /** The lease table; pass `store.leases`. */
  leases: LeaseRepository;
  logger?: Logger;
  /** Identifies this process among the instances sharing the database. */
  instanceId?: string;
  /** The clock handed to jobs; the lease clock is the store's own. */
  now?: () => number;
  /** How long stop() waits for jobs in flight after aborting them. Default 30 s. */
  stopGraceMs?: number;
}

interface RegisteredJob {
  definition: JobDefinition;
  leaseName: string;
  leaseMs: number;
  /** Milliseconds to the next tick, or undefined when the schedule has no more. */
  nextDelay: () => number | undefined;
  timer?: NodeJS.Timeout;
  inFlight?: Promise<RunOutcome>;
  abort?: AbortController;
}

const MIN_LEASE_MS = 10;

export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

export class SchedulerStoppedError extends Error {
  override readonly name = 'SchedulerStoppedError';
}

/**
 * Named periodic jobs, each tick guarded by a lease in the store so that several bot instances on
 * one database run each tick once between them.
 */
export class Scheduler {
  readonly instanceId: string;
  private readonly jobs = new Map<string, RegisteredJob>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly stopGraceMs: number;
  private running = false;

  constructor(private readonly options: SchedulerOptions) {
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.logger = (options.logger ?? silentLogger()).child({
      component: 'scheduler',
      instanceId: this.instanceId,
    });
    this.now = options.now ?? Date.now;
    this.stopGraceMs = options.stopGraceMs ?? 30_000;
  }

  register(definition: JobDefinition): void {
    if (!definition.name) throw new TypeError('A job needs a name');
    if (this.jobs.has(definition.name)) throw new Error(`Job "${definition.name}" is already registered`);
    const { nextDelay, periodMs } = schedule(definition);
    const leaseMs = definition.leaseMs ?? Math.max(MIN_LEASE_MS, Math.floor(periodMs * 0.9));
    const job: RegisteredJob = { definition, leaseName: `job:${definition.name}`, leaseMs, nextDelay };
    this.jobs.set(definition.name, job);
    if (this.running) this.arm(job, definition.runOnStart === true);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const job of this.jobs.values()) this.arm(job, job.definition.runOnStart === true);
    this.logger.info({ jobs: [...this.jobs.keys()] }, 'scheduler started');
  }

  /** Stops ticking, aborts runs in flight, waits for them (up to the grace period), releases leases. */
  async stop(): Promise<void> {
    this.running = false;
    const inFlight: Promise<RunOutcome>[] = [];
    for (const job of this.jobs.values()) {
      if (job.timer) clearTimeout(job.timer);
      job.timer = undefined;
      job.abort?.abort(new SchedulerStoppedError('scheduler stopping'));
      if (job.inFlight) inFlight.push(job.inFlight);
    }
    let graceTimer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.all(inFlight).then(() => true),
      new Promise<false>((resolve) => {
        graceTimer = setTimeout(() => resolve(false), this.stopGraceMs);
      }),
    ]);
    clearTimeout(graceTimer);
    if (!settled)
      this.logger.warn({ graceMs: this.stopGraceMs }, 'jobs still running after stop grace period');
    await Promise.all(
      [...this.jobs.values()].map((job) =>
        this.options.leases.release(job.leaseName, this.instanceId).catch((err: unknown) => {
          this.logger.warn({ err, job: job.definition.name }, 'could not release job lease');
        }),
      ),
    );
    this.logger.info('scheduler stopped');
  }

  /** Runs one tick of a job now, through the same lease guard as a timed tick. */
  runNow(name: string): Promise<RunOutcome> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named "${name}"`);
    return this.tick(job);
  }

  private arm(job: RegisteredJob, immediately: boolean): void {
    const delay = immediately ? 0 : job.nextDelay();
    if (delay === undefined) {
      this.logger.warn({ job: job.definition.name }, 'job schedule has no further ticks');
      return;
    }
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (!this.running) return;
      void this.tick(job).finally(() => {
        if (this.running && !job.timer) this.arm(job, false);
      });
    }, delay);
    // The HTTP server keeps the process alive; a pending tick alone should not.
    job.timer.unref();
  }

  private tick(job: RegisteredJob): Promise<RunOutcome> {
    if (job.inFlight) return Promise.resolve({ status: 'skipped', reason: 'already-running' });
    const run = this.guardedRun(job).finally(() => {
      job.inFlight = undefined;
      job.abort = undefined;
    });
    job.inFlight = run;
    return run;
  }

  private async guardedRun(job: RegisteredJob): Promise<RunOutcome> {
    const name = job.definition.name;
    const abort = new AbortController();
    job.abort = abort;
    let acquired: boolean;
    try {
      acquired =
        job.definition.shared === true ||
        (await this.options.leases.tryAcquire(job.leaseName, this.instanceId, job.leaseMs));
    } catch (err) {
      this.logger.error({ err, job: name }, 'could not take job lease');
      return { status: 'skipped', reason: 'lease-error' };
    }
    if (!acquired) {
      this.logger.debug({ job: name }, 'job lease held elsewhere; tick skipped');
      return { status: 'skipped', reason: 'lease-held' };
    }
    if (abort.signal.aborted) return { status: 'skipped', reason: 'stopped' };

    const correlationId = randomUUID();
    const logger = this.logger.child({ job: name, correlationId });
    const renewal = job.definition.shared ? undefined : this.keepLease(job, abort, logger);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      logger.debug('job started');
      await job.definition.run({
        correlationId,
        logger,
        signal: abort.signal,
        now: this.now,
        instanceId: this.instanceId,
      });
      if (abort.signal.aborted) {
        logger.warn({ durationMs: elapsed(), reason: String(abort.signal.reason) }, 'job aborted');
        return { status: 'aborted', correlationId, durationMs: elapsed() };
      }
      // A quiet tick (nothing to do) is not worth an info line: a busy log buries what matters.
      logger[job.definition.quiet ? 'debug' : 'info']({ durationMs: elapsed() }, 'job finished');
      return { status: 'ran', correlationId, durationMs: elapsed() };
    } catch (error) {
      if (abort.signal.aborted) {
        logger.warn({ durationMs: elapsed(), reason: String(abort.signal.reason) }, 'job aborted');
        return { status: 'aborted', correlationId, durationMs: elapsed() };
      }
      logger.error({ err: error, durationMs: elapsed() }, 'job failed');
      return { status: 'failed', correlationId, durationMs: elapsed(), error };
    } finally {
      clearInterval(renewal);
    }
  }

  /** Renews the lease while the run lasts; a lost lease aborts the run so two instances never overlap. */
  private keepLease(job: RegisteredJob, abort: AbortController, logger: Logger): NodeJS.Timeout {
    const every = Math.max(5, Math.floor(job.leaseMs / 3));
    const timer = setInterval(() => {
      this.options.leases.renew(job.leaseName, this.instanceId, job.leaseMs).then(
        (kept) => {
          if (!kept && !abort.signal.aborted) {
            logger.warn('job lease lost mid-run; aborting');
            abort.abort(new LeaseLostError(`lease ${job.leaseName} lost`));
          }
        },
        (err: unknown) => logger.warn({ err }, 'could not renew job lease'),
      );
    }, every);
    timer.unref();
    return timer;
  }
}

function schedule(definition: JobDefinition): { nextDelay: () => number | undefined; periodMs: number } {
  const { everyMs, cron: pattern } = definition;
  if ((everyMs === undefined) === (pattern === undefined)) {
    throw new TypeError(`Job "${definition.name}" needs exactly one of everyMs or cron`);
  }
  if (everyMs !== undefined) {
    if (!Number.isFinite(everyMs) || everyMs <= 0)
      throw new RangeError(`Job "${definition.name}": bad everyMs`);
    return { nextDelay: () => everyMs, periodMs: everyMs };
  }
  const cron = new Cron(pattern as string, { paused: true, timezone: definition.timezone });
  const [first, second] = cron.nextRuns(2);
  if (!first || !second) throw new RangeError(`Job "${definition.name}": cron pattern never fires again`);
  return {
    // Timers run on the real clock; the injected clock is for what jobs see.
    nextDelay: () => {
      const ms = cron.msToNext();
      return ms === null ? undefined : Math.max(0, ms);
    },
    periodMs: second.getTime() - first.getTime(),
  };
}
