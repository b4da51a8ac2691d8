import type { IncomingMessage } from 'node:http';
import { invalidInput } from '../state/errors';

/** Query parameters with names matched case-insensitively (the docs mix `targetView`, `targetview`...). */
export class QueryMap {
  private readonly values = new Map<string, string>();
  readonly raw: Record<string, string> = {};

  constructor(search: string) {
    for (const [key, value] of new URLSearchParams(search)) {
      if (!this.values.has(key.toLowerCase())) this.values.set(key.toLowerCase(), value);
      this.raw[key] = value;
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase());
  }

  /** The query string without the named parameters (to build `self` and `next` links). */
  without(...names: string[]): string {
    const drop = new Set(names.map((n) => n.toLowerCase()));
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(this.raw))
      if (!drop.has(key.toLowerCase())) params.append(key, value);
    const s = params.toString();
    return s ? `?${s}` : '';
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.get(name);
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n)) throw invalidInput(`The ${name} parameter must be an integer.`);
    return Math.min(Math.max(n, min), max);
  }
}

export function readBody(req: IncomingMessage, limitBytes = 1_000_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(invalidInput('The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function camel(key: string): string {
  return key.length > 0 ? key[0].toLowerCase() + key.slice(1) : key;
}

/** Partner Center reads property names case-insensitively; requests in the docs use PascalCase. */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]));
  }
  return value;
}

export function parseJsonBody(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return camelKeys(JSON.parse(raw));
  } catch {
    throw invalidInput('The request body is not valid JSON.');
  }
}
