import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { RepositoryContext } from './context';
import { jsonObject, parseColumn, parseJson, toJson, type JsonObject } from './json';
import type { DownloadTable } from './schema';

export type DownloadEncoding = 'gzip' | 'identity';
export type DownloadState = 'writing' | 'ready';

export interface NewDownload {
  /** Unguessable (the signed link names it); 16 random bytes, base64url. */
  id: string;
  fileName: string;
  contentType: string;
  /** How the chunks hold the bytes; a gzip download is served decompressed. */
  encoding: DownloadEncoding;
  /** What the owner wants back with the file (parsed with its own schema on the way out). */
  meta: JsonObject;
  expiresAt: number;
}

export interface Download extends NewDownload {
  state: DownloadState;
  /** Stored (encoded) bytes. */
  sizeBytes: number;
  chunkCount: number;
  createdAt: number;
}

/**
 * Files served through signed links, stored as ordered chunks so that a large file is written and
 * read a chunk at a time (bounded memory) and any instance can serve it. A download is `writing`
 * until `finish`; only a `ready`, unexpired download is ever returned. Expired rows are purged
 * (their chunks go with them).
 */
export interface DownloadRepository {
  create(input: NewDownload): Promise<void>;
  /** Adds chunk `seq` (0, 1, 2… in order) of a download being written. */
  appendChunk(id: string, seq: number, data: Buffer): Promise<void>;
  /** Marks a download ready with its size; false when it no longer exists (purged meanwhile). */
  finish(id: string, totals: { sizeBytes: number; chunkCount: number; meta?: JsonObject }): Promise<boolean>;
  /** A ready download that has not expired; undefined otherwise. */
  get(id: string): Promise<Download | undefined>;
  /** The chunks of a download in order, read one at a time; ends early if the download is purged. */
  chunks(id: string, chunkCount: number): AsyncGenerator<Buffer, void, undefined>;
  delete(id: string): Promise<boolean>;
  /** Deletes every expired download (written or not) with its chunks; how many went. */
  purgeExpired(): Promise<number>;
}

const encodingSchema = z.enum(['gzip', 'identity']);
const stateSchema = z.enum(['writing', 'ready']);

export function downloadRepository(ctx: RepositoryContext): DownloadRepository {
  const { db } = ctx;

  function toDownload(row: Selectable<DownloadTable>): Download {
    const where = (column: string) => ({ table: 'downloads', key: row.id, column });
    return {
      id: row.id,
      fileName: row.file_name,
      contentType: row.content_type,
      encoding: parseColumn(row.encoding, encodingSchema, where('encoding')),
      state: parseColumn(row.state, stateSchema, where('state')),
      sizeBytes: row.size_bytes,
      chunkCount: row.chunk_count,
      meta: parseJson(row.meta_json, jsonObject, where('meta_json')),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  return {
    async create(input) {
      await db
        .insertInto('downloads')
        .values({
          id: input.id,
          file_name: input.fileName,
          content_type: input.contentType,
          encoding: input.encoding,
          state: 'writing',
          size_bytes: 0,
          chunk_count: 0,
          meta_json: toJson(input.meta),
          created_at: ctx.now(),
          expires_at: input.expiresAt,
        })
        .execute();
    },

    async appendChunk(id, seq, data) {
      await db.insertInto('download_chunks').values({ download_id: id, seq, data }).execute();
    },

    async finish(id, totals) {
      const result = await db
        .updateTable('downloads')
        .set({
          state: 'ready',
          size_bytes: totals.sizeBytes,
          chunk_count: totals.chunkCount,
          ...(totals.meta ? { meta_json: toJson(totals.meta) } : {}),
        })
        .where('id', '=', id)
        .where('state', '=', 'writing')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async get(id) {
      const row = await db
        .selectFrom('downloads')
        .selectAll()
        .where('id', '=', id)
        .where('state', '=', 'ready')
        .where('expires_at', '>', ctx.now())
        .executeTakeFirst();
      return row ? toDownload(row) : undefined;
    },

    async *chunks(id, chunkCount) {
      for (let seq = 0; seq < chunkCount; seq++) {
        const row = await db
          .selectFrom('download_chunks')
          .select('data')
          .where('download_id', '=', id)
          .where('seq', '=', seq)
          .executeTakeFirst();
        if (!row) return;
        yield Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data);
      }
    },

    async delete(id) {
      await db.deleteFrom('download_chunks').where('download_id', '=', id).execute();
      const result = await db.deleteFrom('downloads').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async purgeExpired() {
      const now = ctx.now();
      const expired = db.selectFrom('downloads').select('id').where('expires_at', '<=', now);
      await db.deleteFrom('download_chunks').where('download_id', 'in', expired).execute();
      const result = await db.deleteFrom('downloads').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows) > 0 ? Number(result.numDeletedRows) : 0;
    },
  };
}
