import { join } from 'node:path';
import { Scheduler, type JobContext } from '../../../src/jobs/scheduler';
import { createLogger } from '../../../src/logging';
import { createStore, type Store } from '../../../src/store';
import { TestClock, createPgSchema, createTempDir } from '../store/testDatabases';

interface Target {
  open(now: () => number): Promise<Store>;
  dispose(): Promise<void>;
}

const targets: [string, () => Promise<Target>][] = [
  [
    'sqlite file',
    async () => {
      const dir = createTempDir('azure-plan-ops-jobs-');
      const sqlitePath = join(dir.path, 'jobs.sqlite');
      return { open: (now) => createStore({ sqlitePath, now }), dispose: async () => dir.remove() };
    },
  ],
  [
    'postgres',
    async () => {
      const pg = await createPgSchema('jobs');
      return {
        open: (now) => createStore({ databaseUrl: pg.url, postgresSchema: pg.schema, poolMax: 3, now }),
        dispose: () => pg.drop(),
      };
    },
  ],
];

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(targets)('scheduler on %s', (_label, makeTarget) => {
  let target: Target;
  const clock = new TestClock();
  // Two instances on a hand-moved clock, two on the real one (for the tests with real timers).
  let storeA: Store;
  let storeB: Store;
  let realA: Store;
  let realB: Store;
  const schedulers: Scheduler[] = [];
  let jobCounter = 0;

  beforeAll(async () => {
    target = await makeTarget();
    storeA = await target.open(clock.now);
    storeB = await target.open(clock.now);
    realA = await target.open(Date.now);
    realB = await target.open(Date.now);
  });

  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await Promise.all([storeA, storeB, realA, realB].map((s) => s?.close()));
    await target?.dispose();
  });

  function scheduler(store: Store, instanceId: string, options: { now?: () => number } = {}) {
    const logs = captureLogs();
    const created = new Scheduler({ leases: store.leases, instanceId, logger: logs.logger, ...options });
    schedulers.push(created);
    return { scheduler: created, lines: logs.lines };
  }

  function uniqueJobName(): string {
    jobCounter += 1;
    return `job-${jobCounter}-${Date.now()}`;
  }

  it('runs a tick on exactly one of two schedulers sharing the database', async () => {
    const name = uniqueJobName();
    const runs: string[] = [];
    const a = scheduler(storeA, 'instance-a').scheduler;
    const b = scheduler(storeB, 'instance-b').scheduler;
    a.register({ name, everyMs: 60_000, run: async () => void runs.push('a') });
    b.register({ name, everyMs: 60_000, run: async () => void runs.push('b') });

    const outcomes = await Promise.all([a.runNow(name), b.runNow(name)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['ran', 'skipped']);
    expect(outcomes.find((o) => o.status === 'skipped')).toEqual({ status: 'skipped', reason: 'lease-held' });
    expect(runs).toHaveLength(1);
  });

  it('lets another instance take the job over once a silent holder’s lease expires', async () => {
    const name = uniqueJobName();
    const runs: string[] = [];
    const a = scheduler(storeA, 'instance-a').scheduler;
    const b = scheduler(storeB, 'instance-b').scheduler;
    a.register({ name, everyMs: 10_000, run: async () => void runs.push('a') });
    b.register({ name, everyMs: 10_000, run: async () => void runs.push('b') });

    await expect(a.runNow(name)).resolves.toMatchObject({ status: 'ran' });
    await expect(b.runNow(name)).resolves.toEqual({ status: 'skipped', reason: 'lease-held' });
    // Instance A goes quiet (a crash): its lease lasts 90% of the period, then B takes over.
    clock.advance(9_000);
    await expect(b.runNow(name)).resolves.toMatchObject({ status: 'ran' });
    await expect(a.runNow(name)).resolves.toEqual({ status: 'skipped', reason: 'lease-held' });
    expect(runs).toEqual(['a', 'b']);
  });

  it('releases its leases on stop so another instance takes over at once', async () => {
    const name = uniqueJobName();
    const a = scheduler(storeA, 'instance-a').scheduler;
    const b = scheduler(storeB, 'instance-b').scheduler;
    a.register({ name, everyMs: 60_000, run: async () => undefined });
    b.register({ name, everyMs: 60_000, run: async () => undefined });

    await expect(a.runNow(name)).resolves.toMatchObject({ status: 'ran' });
    await a.stop();
    await expect(b.runNow(name)).resolves.toMatchObject({ status: 'ran' });
  });

  it('gives each run a new correlation id, a bound child logger and the injected clock', async () => {
    const store = storeA;
    const name = uniqueJobName();
    const { scheduler: s, lines } = scheduler(store, 'instance-a', { now: clock.now });
    const seen: { correlationId: string; now: number; instanceId: string }[] = [];
    s.register({
      name,
      everyMs: 60_000,
      run: async (ctx: JobContext) => {
        seen.push({ correlationId: ctx.correlationId, now: ctx.now(), instanceId: ctx.instanceId });
        ctx.logger.info({ customerId: 'cust-1' }, 'checked budgets');
      },
    });

    const first = await s.runNow(name);
    const second = await s.runNow(name);
    expect(first.status === 'ran' && second.status === 'ran').toBe(true);
    expect(seen[0].correlationId).not.toBe(seen[1].correlationId);
    expect(seen[0].now).toBe(clock.now());
    expect(seen[0].instanceId).toBe('instance-a');
    const jobLines = lines.filter((l) => l.msg === 'checked budgets');
    expect(jobLines).toEqual([
      expect.objectContaining({ job: name, correlationId: seen[0].correlationId, instanceId: 'instance-a' }),
      expect.objectContaining({ job: name, correlationId: seen[1].correlationId, instanceId: 'instance-a' }),
    ]);
  });

  it('logs a failing job and keeps ticking', async () => {
    const store = realA;
    const name = uniqueJobName();
    const { scheduler: s, lines } = scheduler(store, 'instance-a');
    let attempts = 0;
    s.register({
      name,
      everyMs: 20,
      leaseMs: 5_000,
      run: async () => {
        attempts += 1;
        throw new Error(`partner center down (attempt ${attempts})`);
      },
    });
    s.start();
    await waitFor(() => attempts >= 3);
    await s.stop();

    const failures = lines.filter((l) => l.msg === 'job failed');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toMatchObject({
      level: 50,
      job: name,
      err: expect.objectContaining({ message: 'partner center down (attempt 1)' }),
    });
  });

  it('reports a failed run through runNow without throwing', async () => {
    const store = realA;
    const name = uniqueJobName();
    const s = scheduler(store, 'instance-a').scheduler;
    s.register({ name, everyMs: 60_000, run: async () => Promise.reject(new Error('boom')) });
    const outcome = await s.runNow(name);
    expect(outcome).toMatchObject({ status: 'failed', error: expect.objectContaining({ message: 'boom' }) });
  });

  it('aborts a job in flight on stop and waits for it to finish', async () => {
    const store = realA;
    const name = uniqueJobName();
    const s = scheduler(store, 'instance-a').scheduler;
    let started = false;
    let cleanedUp = false;
    s.register({
      name,
      everyMs: 60_000,
      run: async ({ signal }) => {
        started = true;
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        await new Promise((resolve) => setTimeout(resolve, 20));
        cleanedUp = true;
      },
    });
    const outcome = s.runNow(name);
    await waitFor(() => started);
    await s.stop();
    expect(cleanedUp).toBe(true);
    await expect(outcome).resolves.toMatchObject({ status: 'aborted' });
  });

  it('skips a tick while the previous run of the job is still in flight', async () => {
    const store = realA;
    const name = uniqueJobName();
    const s = scheduler(store, 'instance-a').scheduler;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    s.register({ name, everyMs: 60_000, run: () => gate });
    const first = s.runNow(name);
    await expect(s.runNow(name)).resolves.toEqual({ status: 'skipped', reason: 'already-running' });
    release();
    await expect(first).resolves.toMatchObject({ status: 'ran' });
  });

  it('aborts a run whose lease another instance took over', async () => {
    const name = uniqueJobName();
    const a = scheduler(storeA, 'instance-a').scheduler;
    let started = false;
    a.register({
      name,
      everyMs: 60_000,
      leaseMs: 60,
      run: ({ signal }) =>
        new Promise<void>((resolve) => {
          started = true;
          signal.addEventListener('abort', () => resolve(), { once: true });
        }),
    });
    const outcome = a.runNow(name);
    await waitFor(() => started);
    clock.advance(61);
    await expect(storeB.leases.tryAcquire(`job:${name}`, 'instance-b', 60_000)).resolves.toBe(true);
    await expect(outcome).resolves.toMatchObject({ status: 'aborted' });
  });

  it('never runs a job on two timed schedulers at the same time', async () => {
    const name = uniqueJobName();
    let active = 0;
    let maxActive = 0;
    const ranBy: string[] = [];
    const job = (instance: string) => async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      ranBy.push(instance);
      await new Promise((resolve) => setTimeout(resolve, 15));
      active -= 1;
    };
    const a = scheduler(realA, 'instance-a').scheduler;
    const b = scheduler(realB, 'instance-b').scheduler;
    // The lease outlives any event-loop stall of a loaded CI machine; a lease of a few tens of
    // milliseconds can expire while its holder's timers wait, which is lease loss (tested above).
    a.register({ name, everyMs: 40, leaseMs: 1_000, run: job('a') });
    b.register({ name, everyMs: 40, leaseMs: 1_000, run: job('b') });
    a.start();
    b.start();
    await waitFor(() => ranBy.length >= 5);
    await Promise.all([a.stop(), b.stop()]);
    expect(maxActive).toBe(1);
    expect(active).toBe(0);
  });

  it('accepts cron schedules and rejects ambiguous or duplicate registrations', async () => {
    const store = realA;
    const s = scheduler(store, 'instance-a').scheduler;
    const name = uniqueJobName();
    s.register({ name, cron: '*/10 * * * * *', run: async () => undefined });
    await expect(s.runNow(name)).resolves.toMatchObject({ status: 'ran' });
    const lease = await store.leases.get(`job:${name}`);
    // The lease spans 90% of the ten-second period between two cron occurrences.
    expect(lease && { holder: lease.holder, ttl: lease.expiresAt - lease.acquiredAt }).toEqual({
      holder: 'instance-a',
      ttl: 9000,
    });
    expect(() => s.register({ name, everyMs: 1000, run: async () => undefined })).toThrow(
      /already registered/,
    );
    expect(() => s.register({ name: uniqueJobName(), run: async () => undefined })).toThrow(/exactly one/);
    expect(() =>
      s.register({ name: uniqueJobName(), everyMs: 1000, cron: '* * * * *', run: async () => undefined }),
    ).toThrow(/exactly one/);
    expect(() => s.runNow('no-such-job')).toThrow(/No job named/);
  });
});
