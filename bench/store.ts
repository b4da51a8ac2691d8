import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createStore, type Store } from '../src/store';
import type { BenchResult } from './benchResult';

const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

const SQLITE_OPERATIONS = 3000;
const POSTGRES_OPERATIONS = 1500;
const CONCURRENCY = 8;

/** Compare-and-set transitions and audit appends per second, on a SQLite file and on PostgreSQL. */
export async function benchStore(): Promise<BenchResult> {
  const figures: Record<string, number> = {};
  const notes: string[] = [
    `each figure: operations per second over ${SQLITE_OPERATIONS} (SQLite) / ${POSTGRES_OPERATIONS} (PostgreSQL) operations`,
    'sequential = one awaited at a time; concurrent = ' + `${CONCURRENCY} in flight on one Store`,
  ];

  const dir = mkdtempSync(join(tmpdir(), 'azure-plan-ops-bench-'));
  try {
    const store = await createStore({ sqlitePath: join(dir, 'bench.sqlite') });
    try {
      Object.assign(figures, prefixed('sqliteFile', await measure(store, SQLITE_OPERATIONS)));
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    notes.push(
      `postgres skipped: not reachable at ${DATABASE_URL} (${(error as Error).message}); ` +
        'start it with `pg_ctlcluster 15 main start`',
    );
    return { name: 'store', figures, notes };
  }
  try {
    const store = await createStore({
      databaseUrl: DATABASE_URL,
      postgresSchema: schema,
      poolMax: CONCURRENCY,
    });
    try {
      Object.assign(figures, prefixed('postgres', await measure(store, POSTGRES_OPERATIONS)));
    } finally {
      await store.close();
    }
  } finally {
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  }
  return { name: 'store', figures, notes };
}

async function measure(store: Store, operations: number): Promise<Record<string, number>> {
  const ids: string[] = [];
  for (let i = 0; i < operations; i++) {
    const request = await store.requests.create({
      kind: 'purchase',
      customerId: `cust-${i % 50}`,
      customerName: 'Contoso',
      requesterId: 'user-1',
      requesterName: 'User One',
      payload: { productId: 'DZH318Z0BPS6', skuId: '0001', quantity: 1 },
      correlationId: randomUUID(),
    });
    ids.push(request.id);
  }

  const transitionsSequential = await rate(operations, async () => {
    for (const id of ids)
      await expectOk(store.requests.transition(id, { from: 'requested', to: 'approved' }));
  });
  const transitionsConcurrent = await rate(operations, () =>
    inParallel(ids, (id) => expectOk(store.requests.transition(id, { from: 'approved', to: 'executing' }))),
  );
  const entry = (i: number) => ({
    actorId: 'user-1',
    action: 'request.approved',
    requestId: ids[i % ids.length],
    customerId: `cust-${i % 50}`,
    correlationId: randomUUID(),
    outcome: 'ok',
    details: { i },
  });
  const auditSequential = await rate(operations, async () => {
    for (let i = 0; i < operations; i++) await store.audit.append(entry(i));
  });
  const auditConcurrent = await rate(operations, () =>
    inParallel(
      ids.map((_, i) => i),
      (i) => store.audit.append(entry(i)).then(() => undefined),
    ),
  );
  return {
    transitionsPerSecSequential: transitionsSequential,
    transitionsPerSecConcurrent: transitionsConcurrent,
    auditAppendsPerSecSequential: auditSequential,
    auditAppendsPerSecConcurrent: auditConcurrent,
  };
}

async function expectOk(result: Promise<{ ok: boolean }>): Promise<void> {
  if (!(await result).ok) throw new Error('benchmark transition was refused');
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function rate(operations: number, body: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await body();
  const seconds = (performance.now() - started) / 1000;
  return Math.round(operations / seconds);
}

function prefixed(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}.${k}`, v]));
}

if (require.main === module) {
  benchStore().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
