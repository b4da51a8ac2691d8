import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { constants, createGzip, gzipSync } from 'node:zlib';
import {
  GraphBillingClient,
  PartnerCenterError,
  type ReconciliationLineItem,
} from '../../../src/partnercenter';
import { splitLines } from '../../../src/partnercenter/graph/jsonLines';

/**
 * A scripted Microsoft Graph + blob storage on loopback: a token endpoint, the export, an
 * operation that has succeeded, a one-blob manifest, and a blob each test writes itself.
 */

const TENANT = '11111111-2222-3333-4444-555555555555';
const BILLING = '/v1.0/reports/partners/billing';
const BLOB_PATH = '/blobs/recon/v1/PartnerTenantId=x/Fragment=full/part-00000-a.c000.json.gz';

type BlobWriter = (res: ServerResponse) => void;

interface FakeGraph {
  baseUrl: string;
  calls: string[];
  blob: BlobWriter;
  /** Replies for `METHOD path` before the default one, first in first out. */
  override: Map<string, ((res: ServerResponse) => void)[]>;
  blobClosed: Promise<void>;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function startFakeGraph(): Promise<FakeGraph> {
  const sockets = new Set<Socket>();
  let markBlobClosed: () => void = () => undefined;
  const fake: FakeGraph = {
    baseUrl: '',
    calls: [],
    blob: (res) => res.end(gzipSync('')),
    override: new Map(),
    blobClosed: new Promise<void>((resolve) => (markBlobClosed = resolve)),
    close: async () => undefined,
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const key = `${req.method} ${path}`;
      fake.calls.push(`${key}${req.headers.authorization ? ' (token)' : ''}`);
      const queued = fake.override.get(key)?.shift();
      if (queued) return queued(res);
      if (path.endsWith('/oauth2/v2.0/token'))
        return json(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: 'graph-token' });
      if (key === `POST ${BILLING}/reconciliation/billed/export`) {
        res.writeHead(202, { Location: `${fake.baseUrl}${BILLING}/operations/op-1` });
        return res.end();
      }
      if (key === `GET ${BILLING}/operations/op-1`)
        return json(res, 200, {
          id: 'op-1',
          status: 'succeeded',
          'resourceLocation@odata.navigationLink': `https://graph.microsoft.com${BILLING}/manifests/m-1`,
        });
      if (key === `GET ${BILLING}/manifests/m-1`)
        return json(res, 200, {
          id: 'm-1',
          dataFormat: 'compressedJSON',
          rootDirectory: `${fake.baseUrl}${BLOB_PATH.slice(0, BLOB_PATH.lastIndexOf('/'))}`,
          sasToken: 'sv=2021-08-06&sig=abc',
          blobCount: 1,
          blobs: [{ name: BLOB_PATH.slice(BLOB_PATH.lastIndexOf('/') + 1), partitionValue: 'default' }],
        });
      if (key === `GET ${BLOB_PATH}`) {
        res.once('close', () => markBlobClosed());
        return fake.blob(res);
      }
      json(res, 404, { error: { code: 'ResourceNotFound', message: key } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return fake;
}

let fake: FakeGraph;
let client: GraphBillingClient;

beforeEach(async () => {
  fake = await startFakeGraph();
  client = new GraphBillingClient({
    baseUrl: fake.baseUrl,
    credentials: {
      tenantId: TENANT,
      clientId: 'graph-app',
      clientSecret: 'secret',
      identityBaseUrl: fake.baseUrl,
    },
    timeoutMs: 2_000,
    retry: { maxRetries: 3, initialDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 5_000 },
    polling: { intervalMs: 10, timeoutMs: 5_000 },
  });
});

afterEach(async () => {
  await client.close();
  await fake.close();
});

const row = (customer: string, total: number | string) =>
  JSON.stringify({ CustomerId: customer, InvoiceNumber: 'G1', TotalForCustomer: total, Extra: 'kept' });

async function drain<T>(items: AsyncIterable<T>): Promise<{ read: T[]; error: unknown }> {
  const read: T[] = [];
  try {
    for await (const item of items) read.push(item);
  } catch (error) {
    return { read, error };
  }
  return { read, error: undefined };
}

const exportAll = () => client.exportLineItems('billedReconciliation', { invoiceId: 'G1' });

describe('GraphBillingClient streams the blobs', () => {
  it('yields the first line items before the blob has finished downloading', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    fake.blob = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const gzip = createGzip();
      gzip.pipe(res);
      gzip.write(`${row('a', 1)}\n${row('b', 2)}\n`);
      gzip.flush(constants.Z_SYNC_FLUSH);
      // The rest comes only once the client has handed out a line item: a client that waited for
      // the whole blob would never get there.
      void released.then(() => gzip.end(`${row('c', 3)}\n`));
    };
    const seen: string[] = [];
    for await (const line of exportAll()) {
      seen.push(line.customerId);
      release();
    }
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('releases the download when the reader stops early', async () => {
    fake.blob = (res) => {
      res.writeHead(200);
      const gzip = createGzip();
      gzip.pipe(res);
      gzip.write(`${row('a', 1)}\n`);
      gzip.flush(constants.Z_SYNC_FLUSH);
      // Never ends on its own.
    };
    for await (const line of exportAll()) {
      expect(line.customerId).toBe('a');
      break;
    }
    await fake.blobClosed;
  });

  it('ends a blob that stalls mid-download with a timeout instead of waiting forever', async () => {
    const impatient = new GraphBillingClient({
      baseUrl: fake.baseUrl,
      credentials: {
        tenantId: TENANT,
        clientId: 'graph-app',
        clientSecret: 'secret',
        identityBaseUrl: fake.baseUrl,
      },
      timeoutMs: 300,
      polling: { intervalMs: 10 },
    });
    fake.blob = (res) => {
      res.writeHead(200);
      const gzip = createGzip();
      gzip.pipe(res);
      gzip.write(`${row('a', 1)}\n`);
      gzip.flush(constants.Z_SYNC_FLUSH);
    };
    const { read, error } = await drain(
      impatient.exportLineItems('billedReconciliation', { invoiceId: 'G1' }),
    );
    await impatient.close();
    expect(read.map((l) => l.customerId)).toEqual(['a']);
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('reads PascalCase attributes, numbers as text, CRLF and blank lines, and keeps unknown fields', async () => {
    fake.blob = (res) => res.end(gzipSync(`${row('a', '1.25')}\r\n\r\n${row('b', 2)}`));
    const lines: ReconciliationLineItem[] = (await drain(exportAll())).read;
    expect(lines.map((l) => [l.customerId, l.totalForCustomer, l.invoiceNumber])).toEqual(
      [
        ['a', 1.25],
        ['b', 2],
      ].map(([c, t]) => [c, t, 'G1']),
    );
    expect((lines[0] as Record<string, unknown>).Extra).toBe('kept');
  });

  it('fails a line that is not JSON with the blob and the line number, after the lines before it', async () => {
    fake.blob = (res) => res.end(gzipSync(`${row('a', 1)}\n{not json\n${row('c', 3)}\n`));
    const { read, error } = await drain(exportAll());
    expect(read.map((l) => l.customerId)).toEqual(['a']);
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error).toMatchObject({ code: 'schema', schemaPath: 'part-00000-a.c000.json.gz:2' });
  });

  it('fails a line item without its amount, naming the field', async () => {
    fake.blob = (res) => res.end(gzipSync(`${JSON.stringify({ CustomerId: 'a' })}\n`));
    const { error } = await drain(exportAll());
    expect(error).toMatchObject({
      code: 'schema',
      schemaPath: 'part-00000-a.c000.json.gz:1.totalForCustomer',
    });
  });

  it('fails a blob that is not gzip', async () => {
    fake.blob = (res) => res.end(`${row('a', 1)}\n`);
    const { error } = await drain(exportAll());
    expect(error).toMatchObject({ code: 'schema' });
    expect((error as PartnerCenterError).description).toContain('not valid gzip');
  });

  it('never sends the Graph token to blob storage', async () => {
    fake.blob = (res) => res.end(gzipSync(`${row('a', 1)}\n`));
    await drain(exportAll());
    expect(fake.calls.filter((c) => c.startsWith('GET /blobs/'))).toEqual([`GET ${BLOB_PATH}`]);
    expect(fake.calls.filter((c) => c.includes('/v1.0/')).every((c) => c.endsWith('(token)'))).toBe(true);
  });
});

describe('GraphBillingClient errors and retries', () => {
  it('retries a throttled or failing Graph call and a 503 from storage', async () => {
    fake.override.set(`GET ${BILLING}/manifests/m-1`, [
      (res) =>
        json(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'Retry-After': '0' }),
      (res) => json(res, 503, { error: { code: 'serviceNotAvailable', message: 'busy' } }),
    ]);
    fake.override.set(`GET ${BLOB_PATH}`, [
      // Not chained: restify, loaded by other suites in this worker, makes writeHead return nothing.
      (res) => {
        res.writeHead(503);
        res.end('<Error><Code>ServerBusy</Code></Error>');
      },
    ]);
    fake.blob = (res) => res.end(gzipSync(`${row('a', 1)}\n`));
    const { read, error } = await drain(exportAll());
    expect(error).toBeUndefined();
    expect(read).toHaveLength(1);
    expect(fake.calls.filter((c) => c.startsWith(`GET ${BILLING}/manifests`))).toHaveLength(3);
  });

  it("maps Graph's 403 to 'auth' with Graph's code, without retrying", async () => {
    fake.override.set(`POST ${BILLING}/reconciliation/billed/export`, [
      (res) =>
        json(res, 403, { error: { code: 'Forbidden', message: 'Missing role PartnerBilling.Read.All' } }),
    ]);
    const { error } = await drain(exportAll());
    expect(error).toMatchObject({ code: 'auth', status: 403 });
    expect((error as PartnerCenterError).description).toContain('Forbidden: Missing role');
  });

  it('refuses an accepted export without a Location', async () => {
    fake.override.set(`POST ${BILLING}/reconciliation/billed/export`, [
      (res) => {
        res.writeHead(202);
        res.end();
      },
    ]);
    const { error } = await drain(exportAll());
    expect(error).toMatchObject({ code: 'schema', schemaPath: 'headers.location' });
  });

  it('asks only the configured Graph host, whatever host the links name', async () => {
    fake.blob = (res) => res.end(gzipSync(`${row('a', 1)}\n`));
    await drain(exportAll());
    // The manifest link names graph.microsoft.com; the client asked its own base URL for it.
    expect(fake.calls).toContain(`GET ${BILLING}/manifests/m-1 (token)`);
  });
});

describe('splitLines', () => {
  it('splits across chunk boundaries, including inside a multi-byte character', async () => {
    const bytes = Buffer.from('é1\nàb\r\nlast', 'utf8');
    const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 5), bytes.subarray(5)];
    const lines: string[] = [];
    for await (const line of splitLines(Readable.from(chunks), 100)) lines.push(line);
    expect(lines).toEqual(['é1', 'àb', 'last']);
  });

  it('refuses a line longer than the limit instead of buffering it', async () => {
    const source = Readable.from([Buffer.alloc(50, 'x'), Buffer.alloc(60, 'x')]);
    await expect(
      (async () => {
        for await (const _line of splitLines(source, 100)) void _line;
      })(),
    ).rejects.toThrow(/longer than 100/);
  });
});
