import { AsyncLocalStorage } from 'node:async_hooks';

interface Held {
  work: Array<() => void>;
  released: boolean;
}

const current = new AsyncLocalStorage<Held>();

/**
 * Starts background work (a request to run, a notice to post) on the next turn of the event loop,
 * or, when called while a chat turn is being answered, once that answer has gone out: on the same
 * event loop the work would otherwise compete with the rest of the turn (store writes, the card)
 * and delay the answer the person is waiting for.
 */
export function startSoon(work: () => void): void {
  const held = current.getStore();
  if (held && !held.released) held.work.push(work);
  else setImmediate(work);
}

/**
 * A turn's background work, held until `release` (called once the turn has answered, whether it
 * succeeded or not). Work started after the release, by something the turn set off, starts at once.
 */
export class HeldWork {
  private readonly held: Held = { work: [], released: false };

  run<T>(turn: () => Promise<T>): Promise<T> {
    return current.run(this.held, turn);
  }

  release(): void {
    this.held.released = true;
    for (const work of this.held.work.splice(0)) setImmediate(work);
  }
}
