import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for Microsoft's Bot Framework identity endpoints: the OpenID metadata and the
 * JWKS it names (RSA keys endorsed for msteams), and tokens signed as the Bot Connector signs them.
 * It can go down (answer 503) and roll its keys, to exercise outages and key rotation.
 */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

interface SigningPair {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

function newPair(): SigningPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: randomUUID(), privateKey, publicJwk: publicKey.export({ format: 'jwk' }) };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class BotFrameworkIdentity {
  /** Requests served (metadata and keys), to see how often the bot asks. */
  requests = 0;
  private down = false;
  private pairs: SigningPair[];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly appId: string,
  ) {
    this.pairs = [newPair()];
  }

  static async start(appId: string): Promise<BotFrameworkIdentity> {
    const holder: { identity?: BotFrameworkIdentity } = {};
    const server = createServer((req, res) => holder.identity?.handle(req.url ?? '', res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    holder.identity = new BotFrameworkIdentity(server, `http://127.0.0.1:${port}`, appId);
    return holder.identity;
  }

  get metadataUrl(): string {
    return `${this.baseUrl}/v1/.well-known/openidconfiguration`;
  }

  /** While down, both endpoints answer 503. */
  setDown(down: boolean): void {
    this.down = down;
  }

  /** Publishes a new key and signs with it from now on (the old one is dropped). */
  rollKeys(): void {
    this.pairs = [newPair()];
  }

  /** A channel token for the bot, as the Bot Connector sends it for `serviceUrl`. */
  token(
    serviceUrl: string,
    overrides: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ): string {
    const now = Math.floor(Date.now() / 1000);
    const pair = this.pairs[0];
    const head = b64url({ alg: 'RS256', typ: 'JWT', kid: pair.kid, ...header });
    const body = b64url({
      iss: BOT_FRAMEWORK_ISSUER,
      aud: this.appId,
      serviceurl: serviceUrl,
      nbf: now - 10,
      exp: now + 3600,
      ...overrides,
    });
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), pair.privateKey).toString('base64url');
    return `${head}.${body}.${signature}`;
  }

  /** The classic forgeries: an unsigned token, and one "signed" with HS256 using the public key as secret. */
  forgedTokens(serviceUrl: string): Record<'none' | 'hs256', string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = b64url({
      iss: BOT_FRAMEWORK_ISSUER,
      aud: this.appId,
      serviceurl: serviceUrl,
      exp: now + 3600,
    });
    const kid = this.pairs[0].kid;
    const hsHead = b64url({ alg: 'HS256', typ: 'JWT', kid });
    const secret = JSON.stringify(this.pairs[0].publicJwk);
    const hsSignature = createHmac('sha256', secret).update(`${hsHead}.${claims}`).digest('base64url');
    return {
      none: `${b64url({ alg: 'none', typ: 'JWT', kid })}.${claims}.`,
      hs256: `${hsHead}.${claims}.${hsSignature}`,
    };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(url: string, res: import('node:http').ServerResponse): void {
    this.requests += 1;
    if (this.down) {
      res.statusCode = 503;
      res.end();
      return;
    }
    if (url === '/v1/.well-known/openidconfiguration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${this.baseUrl}/v1/keys` }));
      return;
    }
    if (url === '/v1/keys') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          keys: this.pairs.map((p) => ({
            ...p.publicJwk,
            kid: p.kid,
            use: 'sig',
            endorsements: ['msteams'],
          })),
        }),
      );
      return;
    }
    res.statusCode = 404;
    res.end();
  }
}
