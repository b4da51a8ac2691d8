import { z } from 'zod';
import { seededRandom } from '../state/ids';

export const faultSpecSchema = z
  .object({
    method: z.string().min(1).optional(),
    path: z.string().min(1),
    times: z.number().int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
    status: z.number().int().min(400).max(599).optional(),
    code: z.string().optional(),
    description: z.string().optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    hang: z.boolean().optional(),
    malformed: z.boolean().optional(),
    reset: z.boolean().optional(),
    /** With `probability`: this fault draws from a generator of its own, seeded with this value. */
    seed: z.union([z.string().min(1), z.number().int()]).optional(),
  })
  .strict();

export type FaultSpec = z.infer<typeof faultSpecSchema>;

interface Fault {
  id: string;
  spec: FaultSpec;
  segments: string[];
  remaining: number;
  /** Its own draws (a seeded probability fault); else the registry's shared generator. */
  random?: () => number;
}

const segmentsOf = (path: string) => path.toLowerCase().split('/').filter(Boolean);

/**
 * Injected failures for the next matching calls. `*` matches one path segment, `**` any number of
 * them (none included); faults are tried in the order they were added; with `probability` a fault
 * stays until cleared and hits that share of calls, drawn from a fixed-seed generator shared by the
 * registry, or from one of the fault's own when it names a `seed` (the same seed and the same
 * sequence of matching calls give the same hits, whatever other faults draw meanwhile).
 */
export class FaultRegistry {
  private faults: Fault[] = [];
  private counter = 0;
  private random = seededRandom('faults');

  add(spec: FaultSpec): string {
    this.counter += 1;
    const id = `fault-${this.counter}`;
    this.faults.push({
      id,
      spec,
      segments: segmentsOf(spec.path),
      remaining: spec.times ?? 1,
      ...(spec.seed !== undefined ? { random: seededRandom(`faults:${String(spec.seed)}`) } : {}),
    });
    return id;
  }

  clear(): void {
    this.faults = [];
    this.random = seededRandom('faults');
  }

  get size(): number {
    return this.faults.length;
  }

  /** The fault that applies to this call, consuming one of its `times`; undefined if none. */
  take(method: string, path: string): FaultSpec | undefined {
    const segments = segmentsOf(path);
    for (const fault of this.faults) {
      if (fault.spec.method && fault.spec.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!matches(fault.segments, segments)) continue;
      if (fault.spec.probability !== undefined) {
        if ((fault.random ?? this.random)() < fault.spec.probability) return fault.spec;
        continue;
      }
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault.spec;
    }
    return undefined;
  }
}

export function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return segments.length === 0;
  if (head === '**') {
    for (let skip = 0; skip <= segments.length; skip++) {
      if (matches(rest, segments.slice(skip))) return true;
    }
    return false;
  }
  return segments.length > 0 && (head === '*' || head === segments[0]) && matches(rest, segments.slice(1));
}

/** A body that breaks the documented schema: ids of the wrong type, lists that are not lists. */
export function malformedBody(body: unknown): unknown {
  if (body === undefined || body === null || typeof body !== 'object') return { unexpected: true };
  if (Array.isArray(body)) return { items: 'not-a-list' };
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.items)) return { ...record, totalCount: 'many', items: 'not-a-list' };
  const broken: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'id') continue;
    if (typeof value === 'string') broken[key] = 12345;
    else if (typeof value === 'number') broken[key] = 'not-a-number';
    else if (typeof value === 'boolean') broken[key] = 'yes';
    else broken[key] = value;
  }
  return { ...broken, id: 12345 };
}
