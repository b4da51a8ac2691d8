import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream';
import type { Logger } from '../../logging';
import type { DownloadRepository } from '../../store';
import type { LinkSigner } from '../../security/signedLinks';
import { streamOf, type HttpRoute } from '../httpRoute';
import { DOWNLOAD_PATH } from './downloadLinks';

export interface DownloadRouteDeps {
  downloads: DownloadRepository;
  signer: LinkSigner;
  logger: Logger;
  now?: () => number;
}

/** The same few words whatever went wrong: a refused link tells nothing of why. */
const FORBIDDEN = 'This link is not valid.\n';
const GONE = 'This link has expired. Ask the bot for a new one.\n';

/** `filename="…"` for old clients (ASCII) and `filename*=` (RFC 5987) for the real name. */
function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * `GET /downloads/:id?expires=…&signature=…`, outside Bot Framework auth: the signed link is the
 * permission. A link that is malformed or altered gets 403, one past its expiry (or whose file is
 * gone) 410, both with a fixed text; the file is streamed from the store chunk by chunk (gunzipped
 * on the way when stored gzipped), so any instance serves it in bounded memory.
 */
export function downloadRoute(deps: DownloadRouteDeps): HttpRoute {
  const now = deps.now ?? Date.now;
  return {
    method: 'GET',
    path: `${DOWNLOAD_PATH}/:id`,
    async handle({ params, query }) {
      const id = params.id ?? '';
      const check = deps.signer.verify(
        id,
        { expires: query.get('expires') ?? undefined, signature: query.get('signature') ?? undefined },
        now(),
      );
      if (check === 'forged') {
        deps.logger.warn({ route: 'download' }, 'refused a download link that is not ours');
        return { status: 403, body: FORBIDDEN };
      }
      if (check === 'expired') return { status: 410, body: GONE };
      const download = await deps.downloads.get(id);
      if (!download) return { status: 410, body: GONE };
      const stored = streamOf(deps.downloads.chunks(download.id, download.chunkCount));
      const body = download.encoding === 'gzip' ? pipeline(stored, createGunzip(), () => undefined) : stored;
      deps.logger.info({ downloadId: download.id, bytes: download.sizeBytes }, 'download served');
      return {
        status: 200,
        headers: {
          'Content-Type': download.contentType,
          'Content-Disposition': contentDisposition(download.fileName),
          'Referrer-Policy': 'no-referrer',
        },
        body,
      };
    },
  };
}
