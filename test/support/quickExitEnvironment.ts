import { TestEnvironment } from 'jest-environment-node';

const INSTALLED = Symbol.for('azure-plan-ops.quick-worker-exit');

/**
 * Node's test environment, plus one thing for the jest worker process that runs it: once the
 * worker's event loop is empty, it exits at once instead of running Node's full teardown (freeing
 * a heap of some 500 MB), which takes 600-900 ms on this project's machines, past the 500 ms jest
 * waits before it reports a worker "force exited" (and blames leaking tests that leaked nothing).
 * A real leak still shows: an open handle keeps the loop from ever emptying, so this never runs
 * and jest reports the worker as before.
 */
export default class QuickExitEnvironment extends TestEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    const worker = process as NodeJS.Process & { [INSTALLED]?: true };
    // Only in a worker (forked with an IPC channel), never in a --runInBand jest process.
    if (process.send === undefined || worker[INSTALLED]) return;
    worker[INSTALLED] = true;
    process.once('beforeExit', (code) => process.exit(code));
  }
}
