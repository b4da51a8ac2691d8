import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';

export type BodyRead = { ok: true; text: string } | { ok: false; reason: 'too-large' | 'aborted' };

/**
 * The request body as UTF-8 text, read only up to `limit` bytes: past it the reading stops (the
 * caller answers 413 and closes the connection) instead of buffering whatever a client sends.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8');
    let text = '';
    let bytes = 0;
    let settled = false;
    const settle = (result: BodyRead) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        req.pause();
        settle({ ok: false, reason: 'too-large' });
        return;
      }
      text += decoder.write(chunk);
    };
    const onEnd = () => settle({ ok: true, text: text + decoder.end() });
    const onAbort = () => settle({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
    if (req.readableEnded) onEnd();
  });
}
