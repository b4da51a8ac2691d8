import { HeldWork, startSoon } from '../../../src/workflows/heldWork';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('background work a turn sets off', () => {
  it('outside a turn, starts on the next turn of the event loop', async () => {
    const started: string[] = [];
    startSoon(() => started.push('work'));
    expect(started).toEqual([]);
    await tick();
    expect(started).toEqual(['work']);
  });

  it('during a turn, waits until the turn is released, then starts in order', async () => {
    const held = new HeldWork();
    const started: string[] = [];
    await held.run(async () => {
      startSoon(() => started.push('first'));
      await tick();
      await tick();
      startSoon(() => started.push('second'));
      await tick();
    });
    await tick();
    expect(started).toEqual([]);
    held.release();
    await tick();
    expect(started).toEqual(['first', 'second']);
  });

  it('work set off by the turn after its release starts at once, not held forever', async () => {
    const held = new HeldWork();
    const started: string[] = [];
    let later: (() => void) | undefined;
    await held.run(async () => {
      // Something the turn started that finishes after the turn has answered.
      void new Promise<void>((resolve) => (later = resolve)).then(() =>
        startSoon(() => started.push('late')),
      );
    });
    held.release();
    later?.();
    await tick();
    await tick();
    expect(started).toEqual(['late']);
  });
});
