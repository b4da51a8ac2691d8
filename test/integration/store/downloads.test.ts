import { randomBytes } from 'node:crypto';
import { createStore, type Store } from '../../../src/store';
import { TestClock, createPgSchema, type PgSchema } from './testDatabases';

/** The downloads repository (files behind signed links, stored in chunks) on both engines. */
describe.each(['sqlite', 'postgres'] as const)('downloads on %s', (engine) => {
  let clock: TestClock;
  let store: Store;
  let pg: PgSchema | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') pg = await createPgSchema('downloads');
  });

  beforeEach(async () => {
    clock = new TestClock();
    store =
      engine === 'postgres' && pg
        ? await createStore({ databaseUrl: pg.url, postgresSchema: pg.schema, poolMax: 2, now: clock.now })
        : await createStore({ sqlitePath: ':memory:', now: clock.now });
  });

  afterEach(async () => {
    await store.close();
  });

  afterAll(async () => {
    await pg?.drop();
  });

  const id = () => randomBytes(16).toString('base64url');
  const input = (downloadId: string, ttlMs = 60_000) => ({
    id: downloadId,
    fileName: 'reconciliation-G1.csv',
    contentType: 'text/csv; charset=utf-8',
    encoding: 'gzip' as const,
    meta: { invoiceId: 'G1' },
    expiresAt: clock.now() + ttlMs,
  });

  async function read(downloadId: string, count: number): Promise<Buffer[]> {
    const chunks: Buffer[] = [];
    for await (const chunk of store.downloads.chunks(downloadId, count)) chunks.push(chunk);
    return chunks;
  }

  it('keeps the bytes of each chunk, in order, and serves only once finished', async () => {
    const downloadId = id();
    await store.downloads.create(input(downloadId));
    const chunks = [randomBytes(70_000), Buffer.from([0, 1, 2, 255, 0]), randomBytes(3)];
    for (const [seq, chunk] of chunks.entries()) await store.downloads.appendChunk(downloadId, seq, chunk);
    expect(await store.downloads.get(downloadId)).toBeUndefined();
    const size = chunks.reduce((n, c) => n + c.length, 0);
    expect(
      await store.downloads.finish(downloadId, { sizeBytes: size, chunkCount: 3, meta: { rows: 12 } }),
    ).toBe(true);
    const ready = await store.downloads.get(downloadId);
    expect(ready).toMatchObject({ state: 'ready', sizeBytes: size, chunkCount: 3, meta: { rows: 12 } });
    expect(Buffer.concat(await read(downloadId, 3)).equals(Buffer.concat(chunks))).toBe(true);
    expect(await store.downloads.finish(downloadId, { sizeBytes: 0, chunkCount: 0 })).toBe(false);
  });

  it('hides an expired download and purges it with its chunks', async () => {
    const [old, fresh] = [id(), id()];
    await store.downloads.create(input(old, 1_000));
    await store.downloads.create(input(fresh, 60_000));
    for (const downloadId of [old, fresh]) {
      await store.downloads.appendChunk(downloadId, 0, Buffer.from('x'));
      await store.downloads.finish(downloadId, { sizeBytes: 1, chunkCount: 1 });
    }
    clock.advance(1_000);
    expect(await store.downloads.get(old)).toBeUndefined();
    expect(await store.downloads.get(fresh)).toBeDefined();
    expect(await store.downloads.purgeExpired()).toBe(1);
    expect(await read(old, 1)).toEqual([]);
    expect(await read(fresh, 1)).toHaveLength(1);
  });

  it('deletes a download being written, chunks and all', async () => {
    const downloadId = id();
    await store.downloads.create(input(downloadId));
    await store.downloads.appendChunk(downloadId, 0, Buffer.from('partial'));
    expect(await store.downloads.delete(downloadId)).toBe(true);
    expect(await read(downloadId, 1)).toEqual([]);
    expect(await store.downloads.finish(downloadId, { sizeBytes: 7, chunkCount: 1 })).toBe(false);
  });
});
