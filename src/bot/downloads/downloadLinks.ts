import { LinkSigner } from '../../security/signedLinks';

export const DOWNLOAD_PATH = '/downloads';
export const DEFAULT_LINK_TTL_MS = 15 * 60_000;

export interface DownloadLinkSettings {
  /** HMAC-SHA256 key (32 bytes), the same on every instance. */
  signingKey: Buffer;
  /** Where users' browsers reach the bot (https://bot.contoso.com); default: the bot's own URL. */
  publicBaseUrl?: string;
  /** How long a link works (default 15 minutes). */
  ttlMs?: number;
  now?: () => number;
}

export interface DownloadLink {
  url: string;
  expiresAt: number;
}

/**
 * Links to the files the bot serves: `<public base>/downloads/<id>?expires=…&signature=…`. Without
 * a configured public base URL (the sandbox) links use the bot's own URL, known once it listens.
 */
export class DownloadLinks {
  readonly signer: LinkSigner;
  readonly ttlMs: number;
  /** The clock links are made and checked with. */
  readonly now: () => number;
  private serverUrl: string | undefined;

  constructor(private readonly settings: DownloadLinkSettings) {
    this.signer = new LinkSigner(settings.signingKey, 'download');
    this.ttlMs = settings.ttlMs ?? DEFAULT_LINK_TTL_MS;
    this.now = settings.now ?? Date.now;
  }

  /** The bot's own URL, used when no public base URL is configured. */
  useServerUrl(url: string): void {
    this.serverUrl = url;
  }

  /** A link to a download, valid for the link lifetime and never past the file's own expiry. */
  link(downloadId: string, fileExpiresAt: number): DownloadLink {
    const expiresAt = Math.min(this.now() + this.ttlMs, fileExpiresAt);
    const { expires, signature } = this.signer.sign(downloadId, expiresAt);
    const base = (this.settings.publicBaseUrl ?? this.serverUrl ?? 'http://127.0.0.1').replace(/\/+$/, '');
    const query = new URLSearchParams({ expires, signature });
    return {
      url: `${base}${DOWNLOAD_PATH}/${encodeURIComponent(downloadId)}?${query.toString()}`,
      expiresAt: Number(expires) * 1000,
    };
  }
}
