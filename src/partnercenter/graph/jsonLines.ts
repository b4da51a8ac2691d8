import { pipeline, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import { PartnerCenterError } from '../errors';

/**
 * Reading an export blob as it arrives: gunzip → lines → JSON → zod, one line at a time. Async
 * iteration pulls the next chunk only when the previous lines were consumed, so memory holds one
 * chunk and one line at most, whatever the size of the blob.
 */

export class LineTooLongError extends Error {}

/** The lines of a text stream (`\n` or `\r\n`), without their end; a final line without end too. */
export async function* splitLines(
  source: AsyncIterable<Buffer | string>,
  maxLineLength: number,
): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const strip = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield strip(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLineLength)
      throw new LineTooLongError(`a line is longer than ${maxLineLength} characters`);
  }
  pending += decoder.end();
  if (pending.length > 0) yield strip(pending);
}

export interface BlobLocation {
  /** The blob's URL path (for errors). */
  path: string;
  name: string;
  correlationId: string;
}

/** A property of a thrown value (errors of Node's own modules may come from another realm). */
function field(error: unknown, name: 'code' | 'message'): string | undefined {
  if (typeof error !== 'object' || error === null || !(name in error)) return undefined;
  const value: unknown = (error as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The items of a gzip JSON-lines blob, parsed with `schema` as they are read. Empty lines are
 * skipped. A line that is not JSON or does not match fails with a 'schema' PartnerCenterError that
 * names the blob and the line; a broken download with 'network'.
 */
export async function* readJsonLines<T>(
  raw: Readable,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  blob: BlobLocation,
  options: { maxLineLength: number; signal?: AbortSignal },
): AsyncGenerator<T, void, undefined> {
  const fail = (code: string, description: string, schemaPath?: string) =>
    new PartnerCenterError({
      code,
      description,
      method: 'GET',
      path: blob.path,
      correlationId: blob.correlationId,
      schemaPath,
    });
  // pipeline() destroys both streams on an error and hands it to the reader of the last one.
  const text = pipeline(raw, createGunzip(), () => undefined);
  let lineNumber = 0;
  try {
    for await (const line of splitLines(text, options.maxLineLength)) {
      lineNumber += 1;
      if (options.signal?.aborted) throw fail('aborted', 'The download was cancelled');
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw fail('schema', `Blob ${blob.name}, line ${lineNumber}: not JSON`, `${blob.name}:${lineNumber}`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const at = issue.path.join('.');
        throw fail(
          'schema',
          `Blob ${blob.name}, line ${lineNumber}: the line item does not match the expected shape at "${at}": ${issue.message}`,
          `${blob.name}:${lineNumber}${at ? `.${at}` : ''}`,
        );
      }
      yield parsed.data;
    }
  } catch (error) {
    if (error instanceof PartnerCenterError) throw error;
    if (error instanceof LineTooLongError)
      throw fail('schema', `Blob ${blob.name}: ${error.message}`, `${blob.name}:${lineNumber + 1}`);
    if (field(error, 'code')?.startsWith('Z_'))
      throw fail('schema', `Blob ${blob.name} is not valid gzip data`, blob.name);
    if (options.signal?.aborted) throw fail('aborted', 'The download was cancelled');
    const reason = field(error, 'message') ?? 'unknown cause';
    if (field(error, 'code') === 'ETIMEDOUT')
      throw fail(
        'timeout',
        `The download of blob ${blob.name} stalled after ${lineNumber} lines (${reason})`,
      );
    throw fail(
      'network',
      `The download of blob ${blob.name} broke off after ${lineNumber} lines (${reason})`,
    );
  } finally {
    // Stopping early (break, error) releases the connection.
    raw.destroy();
    text.destroy();
  }
}
