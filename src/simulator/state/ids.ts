import { hash } from 'node:crypto';

function digest(seed: string): Buffer {
  return hash('sha1', seed, 'buffer');
}

/** A GUID (version-4 layout) derived from a seed string: the same seed always gives the same id. */
export function stableGuid(seed: string): string {
  const b = Buffer.from(digest(seed).subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Lower-case hex of the given length derived from a seed (order ids look like `a68736758d9c`). */
export function stableHex(seed: string, length: number): string {
  return digest(seed).toString('hex').slice(0, length);
}

/** mulberry32 seeded from a string: deterministic pseudo-random numbers in [0, 1). */
export function seededRandom(seed: string): () => number {
  let state = digest(seed).readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Ids minted while the simulator runs (carts, orders, new subscriptions). They come from a counter
 * reset by a reseed, so the same sequence of calls yields the same ids on every run.
 */
export class RuntimeIds {
  private counter = 0;

  constructor(private readonly namespace: string) {}

  private nextSeed(kind: string): string {
    this.counter += 1;
    return `${this.namespace}:${kind}:${this.counter}`;
  }

  guid(kind: string): string {
    return stableGuid(this.nextSeed(kind));
  }

  hex(kind: string, length: number): string {
    return stableHex(this.nextSeed(kind), length);
  }
}
