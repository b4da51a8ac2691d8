import type { Reply } from './reply';

/** What identifies one logical call: the partner, the method and path, and its MS-RequestId. */
export interface ReplayKey {
  tenantId: string;
  method: string;
  path: string;
  requestId: string;
}

const keyOf = (k: ReplayKey) =>
  [k.tenantId.toLowerCase(), k.method.toUpperCase(), k.path.toLowerCase(), k.requestId].join('\n');

const copy = (reply: Reply): Reply => structuredClone(reply);

/**
 * Partner Center's promise on MS-RequestId: a call repeated with the same id (same partner, method
 * and path) returns the first result instead of acting twice. A repeat that arrives while the first
 * call is still running waits for it. Only answers that did something (2xx) are kept: an error
 * changed nothing, so the same id may be tried again. The request body is not compared.
 */
export class ReplayCache {
  private readonly done = new Map<string, Reply>();
  private readonly running = new Map<string, Promise<Reply>>();

  constructor(private readonly capacity = 10_000) {}

  /** The first answer for this key, or `act()`'s; `replayed` says which. */
  async run(key: ReplayKey, act: () => Promise<Reply>): Promise<{ reply: Reply; replayed: boolean }> {
    const k = keyOf(key);
    const kept = this.done.get(k);
    if (kept) return { reply: copy(kept), replayed: true };
    const inFlight = this.running.get(k);
    if (inFlight) return { reply: copy(await inFlight), replayed: true };
    const first = act();
    this.running.set(k, first);
    try {
      const reply = await first;
      if (reply.status >= 200 && reply.status < 300) this.keep(k, copy(reply));
      return { reply, replayed: false };
    } finally {
      this.running.delete(k);
    }
  }

  private keep(k: string, reply: Reply): void {
    this.done.set(k, reply);
    if (this.done.size > this.capacity) {
      const oldest = this.done.keys().next();
      if (!oldest.done) this.done.delete(oldest.value);
    }
  }

  get size(): number {
    return this.done.size;
  }

  clear(): void {
    this.done.clear();
  }
}
