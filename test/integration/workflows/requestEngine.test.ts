import { join } from 'node:path';
import { z } from 'zod';
import { silentLogger } from '../../../src/logging';
import { PartnerCenterError } from '../../../src/partnercenter';
import type { ActionRequest } from '../../../src/store';
import { runTask, step, RequestFailure, type RequestKind, type StepResult } from '../../../src/workflows';
import { createTempDir, type TempDir } from '../store/testDatabases';
import { closeEngines, engineInstance, type EngineInstance } from './engineHarness';
import {
  ADELE,
  ALEX,
  MEGAN,
  READER,
  RecordingNotifier,
  TestClock,
  freeze,
  signalWhen,
} from './workflowHarness';

/**
 * The kind-neutral request engine with a kind that exists only here: created, approved, run step by
 * step from stored checkpoints under a claim, one outcome, notices delivered once, whatever crashes.
 */

const TEST_KIND = 'test-change';

interface Script {
  /** Every step run, in order (a re-run shows twice). */
  ran: string[];
  /** What a step does on its n-th run (0-based); default: done with `{ by: <step>#<run> }`. */
  behaviour: Partial<Record<string, (run: number) => Promise<StepResult>>>;
}

function testKind(script: Script, extra: Partial<RequestKind> = {}): RequestKind {
  const stepNamed = (name: string) => ({
    name,
    async run() {
      const run = script.ran.filter((s) => s === name).length;
      script.ran.push(name);
      const behaviour = script.behaviour[name];
      return behaviour ? behaviour(run) : step.done({ by: `${name}#${run}` });
    },
  });
  return {
    name: TEST_KIND,
    payload: z.object({ note: z.string().min(1) }),
    requiredRole: 'requester',
    approval: { approvers: 1, expiryHours: 24 },
    steps: [stepNamed('first'), stepNamed('second')],
    facts: (_request, payload) => [{ key: 'note', value: String(payload.note) }],
    ...extra,
  };
}

function newScript(behaviour: Script['behaviour'] = {}): Script {
  return { ran: [], behaviour };
}

let dir: TempDir;
beforeAll(() => {
  dir = createTempDir('engine-');
});
afterAll(() => dir.remove());
afterEach(closeEngines);

async function created(engine: EngineInstance, note = 'a change'): Promise<ActionRequest> {
  const outcome = await engine.service.create({
    kind: TEST_KIND,
    caller: MEGAN,
    customerId: 'customer-1',
    customerName: 'Contoso France',
    payload: { note },
    correlationId: 'corr-create',
  });
  if (!outcome.ok) throw new Error(`create refused: ${outcome.reason}`);
  return outcome.request;
}

async function approved(engine: EngineInstance): Promise<ActionRequest> {
  const request = await created(engine);
  const outcome = await engine.service.approve(request.id, ADELE, 'corr-approve');
  if (!outcome.ok) throw new Error(`approve refused: ${outcome.reason}`);
  return outcome.request;
}

describe('a kind registered by a test runs end to end through the real service, runner and store', () => {
  it('create → approve → execute: each step once, one outcome, each notice delivered once', async () => {
    const script = newScript();
    const engine = await engineInstance({ kinds: () => [testKind(script)] });
    const request = await approved(engine);
    expect(request.state).toBe('approved');
    expect(await engine.store.watches.get(`request:${request.id}`)).toBeDefined();

    await engine.tick();

    const done = await engine.store.requests.get(request.id);
    expect(done).toMatchObject({ state: 'succeeded', result: { by: 'second#0' } });
    expect(done?.execution?.checkpoints).toMatchObject({ first: { data: { by: 'first#0' } } });
    expect(script.ran).toEqual(['first', 'second']);
    expect(engine.notifier.of(request.id)).toEqual(['created', 'approved', 'executing', 'succeeded']);
    // Nothing is left to do: no task, and another tick delivers nothing twice.
    expect(await engine.store.watches.list()).toEqual([]);
    await engine.tick();
    expect(engine.notifier.of(request.id)).toHaveLength(4);
    const audit = (await engine.store.audit.list({ requestId: request.id })).reverse().map((a) => a.action);
    expect(audit).toEqual([
      'request.create',
      'request.approve',
      'request.claim',
      'request.step',
      'request.succeed',
    ]);
  });

  it('refuses a caller without the kind’s role and a payload its schema refuses, storing nothing', async () => {
    const engine = await engineInstance({ kinds: () => [testKind(newScript())] });
    const base = { kind: TEST_KIND, customerId: 'c', customerName: 'C', correlationId: 'c' };
    expect(await engine.service.create({ ...base, caller: READER, payload: { note: 'x' } })).toEqual({
      ok: false,
      reason: 'forbidden',
    });
    expect(await engine.service.create({ ...base, caller: MEGAN, payload: { note: '' } })).toMatchObject({
      ok: false,
      reason: 'invalid-payload',
      issues: [expect.stringContaining('note')],
    });
    expect(
      await engine.service.create({ ...base, kind: 'nothing-like-it', caller: MEGAN, payload: {} }),
    ).toEqual({
      ok: false,
      reason: 'unknown-kind',
    });
    expect(await engine.store.requests.list()).toEqual([]);
  });

  it('a step that waits runs again after its delay, knowing how long it has waited; the request stays executing', async () => {
    const script = newScript({
      second: async (run) => (run < 2 ? step.wait(1_000 * (run + 1)) : step.done({ polls: run })),
    });
    const engine = await engineInstance({ kinds: () => [testKind(script)] });
    const request = await approved(engine);
    await engine.tick();
    expect((await engine.store.requests.get(request.id))?.state).toBe('executing');
    const task = await engine.store.watches.get(`request:${request.id}`);
    expect(task).toMatchObject({
      nextRunAt: engine.clock.now() + 1_000,
      payload: { poll: { step: 'second', polls: 1 } },
    });

    await engine.advance(999);
    expect(script.ran).toEqual(['first', 'second']);
    await engine.advance(1);
    expect(script.ran).toEqual(['first', 'second', 'second']);
    await engine.advance(2_000);
    expect(await engine.store.requests.get(request.id)).toMatchObject({
      state: 'succeeded',
      result: { polls: 2 },
    });
    expect(engine.notifier.of(request.id).filter((e) => e === 'succeeded')).toHaveLength(1);
  });
});

describe('crashes and several runners', () => {
  it('a runner killed between two steps: the restarted process resumes from the checkpoint at once, one outcome', async () => {
    const sqlitePath = join(dir.path, 'kill-between-steps.sqlite');
    const script = newScript();
    const clock = new TestClock();
    const reached = signalWhen<string>((point) => point === 'first recorded');
    const doomed = await engineInstance({
      sqlitePath,
      clock,
      kinds: () => [testKind(script)],
      node: 'host-1:3978',
      observe: (point) => {
        if (point.point !== 'step-recorded') return undefined;
        reached.observe(`${point.step} recorded`);
        return freeze();
      },
    });
    const request = await approved(doomed);
    void doomed.tick();
    await reached.seen;
    doomed.queue.halt(); // the process dies: its claim is neither renewed nor released

    // The same place restarts: it takes back what its previous run held, without waiting for the claim to run out.
    const restarted = await engineInstance({
      sqlitePath,
      clock,
      kinds: () => [testKind(script)],
      node: 'host-1:3978',
    });
    expect(await restarted.queue.recover()).toBe(1);
    await restarted.tick();

    const done = await restarted.store.requests.get(request.id);
    expect(done).toMatchObject({ state: 'succeeded', result: { by: 'second#0' } });
    expect(script.ran).toEqual(['first', 'second']); // 'first' was not run again
    const audit = await restarted.store.audit.list({ requestId: request.id });
    expect(audit.filter((a) => a.action === 'request.succeed')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'request.claim')).toHaveLength(1);
  });

  it('another instance takes a dead runner’s request once its claim has run out, not before', async () => {
    const sqlitePath = join(dir.path, 'dead-holder.sqlite');
    const script = newScript();
    const clock = new TestClock();
    const reached = signalWhen<string>((point) => point === 'second ran');
    const doomed = await engineInstance({
      sqlitePath,
      clock,
      leaseMs: 15_000,
      kinds: () => [testKind(script)],
      node: 'host-1:3978',
      observe: (point) => {
        if (point.point !== 'step-ran') return undefined;
        reached.observe(`${point.step} ran`);
        return point.step === 'second' ? freeze() : undefined;
      },
    });
    const request = await approved(doomed);
    void doomed.tick();
    await reached.seen;
    doomed.queue.halt();

    const other = await engineInstance({
      sqlitePath,
      clock,
      leaseMs: 15_000,
      kinds: () => [testKind(script)],
      node: 'host-2:3978',
    });
    await other.tick();
    expect((await other.store.requests.get(request.id))?.state).toBe('executing');
    await other.advance(15_001);
    expect((await other.store.requests.get(request.id))?.state).toBe('succeeded');
    // 'second' ran in the dead process without its result being stored, so it ran again: steps are idempotent.
    expect(script.ran).toEqual(['first', 'second', 'second']);
  });

  it('two runners on one store run a request once', async () => {
    const sqlitePath = join(dir.path, 'two-runners.sqlite');
    const script = newScript();
    const clock = new TestClock();
    const a = await engineInstance({ sqlitePath, clock, kinds: () => [testKind(script)], node: 'a' });
    const b = await engineInstance({ sqlitePath, clock, kinds: () => [testKind(script)], node: 'b' });
    const request = await approved(a);
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect((await a.store.requests.get(request.id))?.state).toBe('succeeded');
    expect(script.ran).toEqual(['first', 'second']);
    const delivered = [...a.notifier.of(request.id), ...b.notifier.of(request.id)];
    expect(delivered.sort()).toEqual(['approved', 'created', 'executing', 'succeeded']);
  });

  it('keeps the checkpoint another run stored first: a late run never overwrites a step’s result', async () => {
    const sqlitePath = join(dir.path, 'late-run.sqlite');
    const script = newScript();
    const clock = new TestClock();
    const lateRan = signalWhen<string>((point) => point === 'first ran');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const late = await engineInstance({
      sqlitePath,
      clock,
      leaseMs: 1_000,
      kinds: () => [testKind(script)],
      node: 'late',
      observe: async (point) => {
        if (point.point === 'step-ran' && point.step === 'first' && script.ran.length === 1) {
          lateRan.observe('first ran');
          await held; // this run stalls after doing its step, before storing the result
        }
      },
    });
    const request = await approved(late);
    const lateRun = late.tick();
    await lateRan.seen;

    // Its claim runs out; another instance runs 'first' again and stores ITS result first.
    const other = await engineInstance({
      sqlitePath,
      clock,
      leaseMs: 1_000,
      kinds: () => [testKind(script)],
      node: 'other',
    });
    clock.advance(1_001);
    const first = await other.runner.handle(
      (await other.store.watches.claim(`request:${request.id}`, clock.now(), 'other#x', 60_000))!,
      {
        correlationId: 'c',
        logger: silentLogger(),
        signal: new AbortController().signal,
        now: clock.now,
      },
    );
    expect(first).toEqual({ type: 'done' });
    const stored = await other.store.requests.get(request.id);
    expect(stored?.execution?.checkpoints.first.data).toEqual({ by: 'first#1' });
    expect(stored?.result).toEqual({ by: 'second#0' });

    release();
    await lateRun;
    const after = await other.store.requests.get(request.id);
    expect(after?.execution?.checkpoints.first.data).toEqual({ by: 'first#1' });
    expect(after?.state).toBe('succeeded');
    expect(script.ran).toEqual(['first', 'first', 'second']);
  });
});

describe('a request never stays stuck', () => {
  it('an unknown kind fails the request and tells the requester', async () => {
    const engine = await engineInstance({ kinds: () => [testKind(newScript())] });
    const stored = await engine.store.requests.create({
      kind: 'retired-kind',
      state: 'approved',
      customerId: 'c',
      customerName: 'Contoso France',
      requesterId: MEGAN.aadObjectId,
      requesterName: MEGAN.name,
      payload: {},
      correlationId: 'c',
    });
    await engine.store.watches.upsert(runTask(stored.id, engine.clock.now()));
    await engine.tick();
    expect(await engine.store.requests.get(stored.id)).toMatchObject({
      state: 'failed',
      error: { code: 'unknown-kind', errorId: expect.any(String) },
    });
    expect(engine.notifier.of(stored.id)).toEqual(['failed']);
  });

  it('a step that throws something unexpected fails the request with an error id and says so', async () => {
    const script = newScript({
      second: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      },
    });
    const engine = await engineInstance({ kinds: () => [testKind(script)] });
    const request = await approved(engine);
    await engine.tick();
    const failed = await engine.store.requests.get(request.id);
    expect(failed).toMatchObject({
      state: 'failed',
      error: { code: 'internal', errorId: expect.any(String) },
    });
    expect(engine.notifier.of(request.id).at(-1)).toBe('failed');
    expect(await engine.store.watches.list()).toEqual([]);
  });

  it('a refusal with blockers fails the request and keeps what blocks it', async () => {
    const script = newScript({
      first: async () =>
        step.failed(
          new RequestFailure('900115', 'The plan has active Azure subscriptions', {
            blockers: [{ type: 'azure-subscription', id: 'sub-1', name: 'Production' }],
          }),
        ),
    });
    const engine = await engineInstance({ kinds: () => [testKind(script)] });
    const request = await approved(engine);
    await engine.tick();
    expect(await engine.store.requests.get(request.id)).toMatchObject({
      state: 'failed',
      error: { code: '900115', blockers: [{ type: 'azure-subscription', id: 'sub-1', name: 'Production' }] },
    });
  });

  it('Partner Center busy: waits 5 s, 15 s…, at least its Retry-After, then succeeds; fails for a person once the window is over', async () => {
    const busy = () =>
      new PartnerCenterError({
        code: '429',
        description: 'Rate limit',
        method: 'POST',
        path: '/v1/x',
        status: 429,
        retryAfterSeconds: 20,
      });
    const script = newScript({
      first: async (run) => {
        if (run < 2) throw busy();
        return step.done();
      },
    });
    const engine = await engineInstance({
      kinds: () => [testKind(script)],
      retryDelaysMs: [5_000, 15_000, 45_000],
    });
    const request = await approved(engine);
    await engine.tick();
    const waiting = await engine.store.requests.get(request.id);
    expect(waiting).toMatchObject({
      state: 'executing',
      execution: { deferrals: 1, lastError: { code: '429' } },
    });
    expect((await engine.store.watches.get(`request:${request.id}`))?.nextRunAt).toBe(
      engine.clock.now() + 20_000,
    );
    await engine.advance(20_000);
    expect((await engine.store.watches.get(`request:${request.id}`))?.nextRunAt).toBe(
      engine.clock.now() + 20_000,
    );
    await engine.advance(20_000);
    expect((await engine.store.requests.get(request.id))?.state).toBe('succeeded');

    const always = newScript({
      first: async () => {
        throw new PartnerCenterError({
          code: '800003',
          description: 'Oops',
          method: 'GET',
          path: '/v1/y',
          status: 503,
        });
      },
    });
    const stubborn = await engineInstance({
      kinds: () => [testKind(always, { retryWindowMs: 60_000 })],
      retryDelaysMs: [10_000],
    });
    const other = await approved(stubborn);
    for (let i = 0; i < 8; i++) await stubborn.advance(10_000);
    expect(await stubborn.store.requests.get(other.id)).toMatchObject({
      state: 'failed',
      error: { code: 'gave-up', lastCode: '800003' },
    });
    expect(stubborn.notifier.of(other.id).filter((e) => e === 'failed')).toHaveLength(1);
  });
});

describe('approval policy per kind', () => {
  it('two approvers: the same person clicking twice counts once; a second person approves', async () => {
    const script = newScript();
    const engine = await engineInstance({
      kinds: () => [testKind(script)],
      policy: { [TEST_KIND]: { approvers: 2 } },
    });
    const request = await created(engine);
    expect(request.policy).toEqual({ approvers: 2, expiryHours: 24 });

    const firstClick = await engine.service.approve(request.id, ADELE, 'c1');
    expect(firstClick).toMatchObject({ ok: true, complete: false, request: { state: 'requested' } });
    const again = await engine.service.approve(request.id, ADELE, 'c2');
    expect(again).toMatchObject({ ok: false, reason: 'already-approved' });
    await engine.tick();
    expect(script.ran).toEqual([]);

    const second = await engine.service.approve(request.id, ALEX, 'c3');
    expect(second).toMatchObject({ ok: true, complete: true, request: { state: 'approved' } });
    expect(second.ok && second.request.approvals.map((a) => a.id)).toEqual([
      ADELE.aadObjectId,
      ALEX.aadObjectId,
    ]);
    await engine.tick();
    expect((await engine.store.requests.get(request.id))?.state).toBe('succeeded');
    expect(engine.notifier.of(request.id)).toEqual([
      'created',
      'approval-recorded',
      'approved',
      'executing',
      'succeeded',
    ]);
  });

  it('ten clicks of two approvers at once approve once and run once', async () => {
    const script = newScript();
    const engine = await engineInstance({
      kinds: () => [testKind(script)],
      policy: { [TEST_KIND]: { approvers: 2 } },
    });
    const request = await created(engine);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => engine.service.approve(request.id, i % 2 ? ADELE : ALEX, `c${i}`)),
    );
    expect(outcomes.filter((o) => o.ok && o.complete)).toHaveLength(1);
    expect(outcomes.filter((o) => o.ok && !o.complete)).toHaveLength(1);
    await engine.tick();
    expect(script.ran).toEqual(['first', 'second']);
  });

  it('no approver: approved at once and run', async () => {
    const script = newScript();
    const engine = await engineInstance({
      kinds: () => [testKind(script)],
      policy: { [TEST_KIND]: { approvers: 0 } },
    });
    const request = await created(engine);
    expect(request).toMatchObject({ state: 'approved', expiresAt: undefined });
    await engine.tick();
    expect((await engine.store.requests.get(request.id))?.state).toBe('succeeded');
    expect(engine.notifier.of(request.id)).toEqual(['created', 'executing', 'succeeded']);
  });

  it('a policy for a kind nobody registered stops the start', async () => {
    await expect(
      engineInstance({ kinds: () => [testKind(newScript())], policy: { 'no-such-kind': { approvers: 2 } } }),
    ).rejects.toThrow(/unknown request kind\(s\): no-such-kind/);
  });
});

describe('notices', () => {
  it('a notice Teams could not take is delivered on a later tick, once, and in order', async () => {
    const notifier = new RecordingNotifier();
    const engine = await engineInstance({ kinds: () => [testKind(newScript())], notifier });
    notifier.failNext = 1;
    const request = await approved(engine);
    await engine.tick();
    // 'created' failed: nothing after it was delivered out of order.
    expect(notifier.of(request.id)).toEqual([]);
    await engine.advance(60_000);
    expect(notifier.of(request.id)).toEqual(['created', 'approved', 'executing', 'succeeded']);
  });
});
