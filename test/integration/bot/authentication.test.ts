import { request } from 'node:http';
import { parseConfig } from '../../../src/config';
import { createStore, type Store } from '../../../src/store';
import { startTestBot } from '../../support/testBot';
import { TENANT_ID, cardAction } from '../../support/teamsActivities';
import { BotFrameworkIdentity } from './botFrameworkIdentity';

const APP_ID = '3c5b2a1d-0000-4000-8000-00000000b0b1';
/** Replies would go there; these tests use invokes, answered in the HTTP response, so nothing is sent. */
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

describe('/api/messages with Bot Framework authentication on', () => {
  let identity: BotFrameworkIdentity;
  let store: Store;
  let bot: Awaited<ReturnType<typeof startTestBot>>;

  const start = async () => {
    const config = parseConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'bot-client-secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT_ID,
      ToBotFromChannelOpenIdMetadataUrl: identity.metadataUrl,
    });
    return startTestBot({ config, store });
  };

  const post = async (body: unknown, authorization?: string): Promise<Answer> => {
    const response = await fetch(`${bot.server.url}/api/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text(), headers: response.headers };
  };

  /** An invoke the bot answers in the response (an unknown verb: 400 from the bot itself). */
  const invoke = () => cardAction('no.such.verb', {}, { serviceUrl: SERVICE_URL });

  const answeredByTheBot = (answer: Answer) => {
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
    });
  };

  const refusedWithoutDetail = (answer: Answer) => {
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  };

  beforeEach(async () => {
    identity = await BotFrameworkIdentity.start(APP_ID);
    store = await createStore({ sqlitePath: ':memory:' });
    bot = await start();
  });

  afterEach(async () => {
    await bot.close();
    await store.close();
    await identity.close();
  });

  it('runs the turn of a request carrying a valid channel token', async () => {
    answeredByTheBot(await post(invoke(), `Bearer ${identity.token(SERVICE_URL)}`));
  });

  it('answers 401 with no detail to a request without a token, before reading its body', async () => {
    refusedWithoutDetail(await post(invoke()));
    // Not JSON, not an activity: still 401, never the 400 that would name our fields.
    refusedWithoutDetail(await post('{"type": "message", '));
    refusedWithoutDetail(await post({ hello: 'world' }));
    refusedWithoutDetail(await post('[1,2,3]'));
    expect(await store.conversations.list({})).toEqual([]);
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bare scheme', 'Bearer'],
    ['two parts', 'Bearer abc.def'],
    ['garbage', 'Bearer !!!.???.***'],
    ['base64 that is not JSON', 'Bearer aGVsbG8.d29ybGQ.c2ln'],
    ['an oversized token', `Bearer ${'a'.repeat(12_000)}.${'b'.repeat(4_000)}.c`],
  ])('answers 401 with no detail to a malformed Authorization header (%s)', async (_name, authorization) => {
    refusedWithoutDetail(await post(invoke(), authorization));
    refusedWithoutDetail(await post('not even json', authorization));
  });

  it('answers 401 with no detail to alg=none and HS256 forgeries, without fetching keys for them', async () => {
    const forged = identity.forgedTokens(SERVICE_URL);
    refusedWithoutDetail(await post(invoke(), `Bearer ${forged.none}`));
    refusedWithoutDetail(await post(invoke(), `Bearer ${forged.hs256}`));
    expect(identity.requests).toBe(0);
  });

  it('answers 401 to tokens for someone else: another audience, issuer, an expired one, another serviceUrl', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const claims of [
      { aud: 'another-bot' },
      { iss: 'https://sts.windows.net/x/' },
      { exp: now - 600 },
    ]) {
      refusedWithoutDetail(await post(invoke(), `Bearer ${identity.token(SERVICE_URL, claims)}`));
    }
    // Valid token, but issued for another connector than the one the activity names.
    refusedWithoutDetail(
      await post(invoke(), `Bearer ${identity.token('https://smba.trafficmanager.net/amer/')}`),
    );
    // Valid token, but the key is not endorsed for the channel the activity claims.
    refusedWithoutDetail(
      await post({ ...invoke(), channelId: 'webchat' }, `Bearer ${identity.token(SERVICE_URL)}`),
    );
  });

  it('answers a malformed body from an authenticated caller with 400, naming the field', async () => {
    const token = `Bearer ${identity.token(SERVICE_URL)}`;
    const answer = await post({ ...invoke(), conversation: undefined }, token);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('conversation');
  });

  it('answers 503 with a correlation id, and nothing internal, when the signing keys cannot be fetched', async () => {
    identity.setDown(true);
    const answer = await post(invoke(), `Bearer ${identity.token(SERVICE_URL)}`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    const correlationId = answer.headers.get('x-correlation-id');
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        code: 'AuthenticationUnavailable',
        message: 'The caller cannot be authenticated right now; retry shortly.',
        correlationId,
      },
    });
    for (const internal of ['127.0.0.1', '503', 'Error', 'at ', 'fetch', 'openid', 'keys']) {
      expect(answer.text.replace(correlationId ?? '', '')).not.toContain(internal);
    }
  });

  it('keeps authenticating with the keys it has while the key endpoint is down', async () => {
    answeredByTheBot(await post(invoke(), `Bearer ${identity.token(SERVICE_URL)}`));
    const fetched = identity.requests;
    identity.setDown(true);
    for (let i = 0; i < 10; i++) {
      answeredByTheBot(await post(invoke(), `Bearer ${identity.token(SERVICE_URL)}`));
    }
    expect(identity.requests).toBe(fetched);
  });

  it('refuses an oversized body with 413 before authenticating or reading it', async () => {
    const big = JSON.stringify({ ...invoke(), padding: 'x'.repeat(600 * 1024) });
    const anonymous = await post(big);
    expect(anonymous.status).toBe(413);
    expect(JSON.parse(anonymous.text)).toMatchObject({ error: { code: 'PayloadTooLarge' } });
    expect((await post(big, `Bearer ${identity.token(SERVICE_URL)}`)).status).toBe(413);
  });

  it('stops reading a body sent without its length at the limit, with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${bot.server.url}/api/messages`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
            authorization: `Bearer ${identity.token(SERVICE_URL)}`,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 40) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });
});
