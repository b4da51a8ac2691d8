import type { BotApp } from '../../../src/bot/app';
import { ProactiveMessenger, connectorRetryPolicy } from '../../../src/bot/proactive';
import { parseConfig } from '../../../src/config';
import { silentLogger } from '../../../src/logging';
import { createStore, type Store } from '../../../src/store';
import { startFakeConnector, type FakeConnector } from '../../support/fakeConnector';
import { startTestBot } from '../../support/testBot';
import {
  APPROVER,
  GENERAL_CHANNEL,
  OUTSIDER,
  REQUESTER,
  cardAction,
  channelMessageWithMention,
  installationUpdate,
  personalMessage,
  type TeamsActivity,
} from '../../support/teamsActivities';

interface Card {
  type: string;
  version: string;
  body: Array<Record<string, unknown>>;
  actions?: Array<Record<string, unknown>>;
}

function cardOf(activity: Record<string, unknown>): Card {
  const attachments = activity.attachments as Array<{ contentType: string; content: Card }> | undefined;
  const attachment = attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!attachment) throw new Error(`no Adaptive Card in ${JSON.stringify(activity).slice(0, 300)}`);
  return attachment.content;
}

function cardText(card: Card): string {
  return JSON.stringify(card);
}

describe('bot over HTTP (Teams-shaped activities, fake connector)', () => {
  let connector: FakeConnector;
  let store: Store;
  let app: BotApp;

  const post = async (
    activity: TeamsActivity | Record<string, unknown> | string,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${app.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof activity === 'string' ? activity : JSON.stringify(activity),
    });
    const text = await response.text();
    return {
      status: response.status,
      text,
      json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
  };

  beforeAll(async () => {
    connector = await startFakeConnector();
    store = await createStore({ sqlitePath: ':memory:' });
    const config = parseConfig({});
    app = await startTestBot({ config, store });
  });

  afterAll(async () => {
    await app.server.close(1000);
    await store.close();
    await connector.close();
  });

  beforeEach(() => connector.clear());

  it('answers "help" in a personal chat with the English help card', async () => {
    const result = await post(personalMessage('help', { serviceUrl: connector.serviceUrl }));
    expect(result.status).toBe(200);
    await connector.waitForSent(1);
    const card = cardOf(connector.sent()[0]);
    expect(card.version).toBe('1.5');
    expect(cardText(card)).toContain('Commands');
    expect(cardText(card)).toContain('whoami');
    expect(cardText(card)).not.toContain('${');
  });

  it('answers "AIDE" with the French help card when the client locale is fr-FR', async () => {
    await post(personalMessage('AIDE', { serviceUrl: connector.serviceUrl, locale: 'fr-FR' }));
    await connector.waitForSent(1);
    const text = cardText(cardOf(connector.sent()[0]));
    expect(text).toContain('Commandes');
    expect(text).toContain('Afficher ce que je sais faire');
  });

  it('strips the @mention in a channel and shows the caller identity and roles for whoami', async () => {
    await post(channelMessageWithMention('whoami', { serviceUrl: connector.serviceUrl, user: APPROVER }));
    await connector.waitForSent(1);
    const sent = connector.sent()[0];
    expect(sent.path).toContain(encodeURIComponent(GENERAL_CHANNEL).slice(0, 10));
    const text = cardText(cardOf(sent));
    expect(text).toContain(APPROVER.aadObjectId);
    expect(text).toContain('Adele Vance');
    expect(text).toContain('Approver');
    // The sandbox makes Adele an administrator too, which holds every role.
    expect(text).toContain('Requester');
    expect(text).toContain('Administrator');
  });

  it('shows the requester without the approver role', async () => {
    await post(personalMessage('whoami', { serviceUrl: connector.serviceUrl, user: REQUESTER }));
    await connector.waitForSent(1);
    const text = cardText(cardOf(connector.sent()[0]));
    expect(text).toContain('Requester');
    expect(text).not.toContain('Approver');
  });

  it('suggests the closest command for a typo', async () => {
    await post(personalMessage('hepl', { serviceUrl: connector.serviceUrl }));
    await connector.waitForSent(1);
    const text = cardText(cardOf(connector.sent()[0]));
    expect(text).toContain('I don\'t know \\"hepl\\"');
    expect(text).toContain('Did you mean **help**?');
  });

  it('recognises French commands with or without accents', async () => {
    // This harness has no Partner Center: both spellings reach the reactivate flow, whose customer
    // lookup fails with the localized "cannot reach Partner Center" message (never "unknown command").
    const french = { serviceUrl: connector.serviceUrl, locale: 'fr-FR' };
    await post(personalMessage('Réactiver Tailspin', { ...french, conversationId: 'a:accented' }));
    await post(personalMessage('reactiver Tailspin', { ...french, conversationId: 'a:unaccented' }));
    await connector.waitForSent(2);
    const [first, second] = connector.sent().map((a) => String(a.text).replace(/[0-9a-f-]{36}/g, '<id>'));
    expect(first).toContain('Impossible de joindre Partner Center.');
    expect(first).toContain('<id>');
    expect(first).not.toContain('Je ne connais pas');
    expect(second).toBe(first);
  });

  it('welcomes on installation and stores the conversation reference', async () => {
    const activity = installationUpdate({ serviceUrl: connector.serviceUrl, user: REQUESTER });
    await post(activity);
    await connector.waitForSent(1);
    expect(String(connector.sent()[0].text)).toContain('Azure Plan Ops');
    const stored = await store.conversations.get((activity.conversation as { id: string }).id);
    expect(stored?.serviceUrl).toBe(connector.serviceUrl);
    expect(stored?.conversationType).toBe('personal');
  });

  it('stores the channel root when a channel thread talks to the bot', async () => {
    await post(channelMessageWithMention('help', { serviceUrl: connector.serviceUrl }));
    const root = await store.conversations.get(GENERAL_CHANNEL);
    expect(root?.conversationType).toBe('channel');
    expect((root?.reference as { conversation: { id: string } }).conversation.id).toBe(GENERAL_CHANNEL);
  });

  it('rewrites a conversation reference only when more than its activity id changed', async () => {
    const conversationId = 'a:personal-reference-writes';
    const first = personalMessage('help', { serviceUrl: connector.serviceUrl, conversationId });
    await post(first);
    await post(personalMessage('help', { serviceUrl: connector.serviceUrl, conversationId }));
    const unchanged = await store.conversations.get(conversationId);
    expect((unchanged?.reference as { activityId?: string }).activityId).toBe(first.id);

    const french = personalMessage('aide', {
      serviceUrl: connector.serviceUrl,
      conversationId,
      locale: 'fr-FR',
    });
    await post(french);
    const changed = await store.conversations.get(conversationId);
    expect(changed?.reference).toMatchObject({ activityId: french.id, locale: 'fr-FR' });
  });

  it('runs a help-card button (adaptiveCard/action) and answers the invoke', async () => {
    const result = await post(
      cardAction('command.run', { command: 'whoami' }, { serviceUrl: connector.serviceUrl }),
    );
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
    });
    await connector.waitForSent(1);
    expect(cardText(cardOf(connector.sent()[0]))).toContain(REQUESTER.aadObjectId);
  });

  it('answers an unknown verb with a proper error invoke response', async () => {
    const result = await post(
      cardAction('nope.verb', {}, { serviceUrl: connector.serviceUrl, locale: 'fr-FR' }),
    );
    expect(result.status).toBe(400);
    expect(result.json).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    expect(JSON.stringify(result.json)).toContain("n'est pas reconnue");
  });

  it.each(['constructor', '__proto__', 'hasOwnProperty', 'toString'])(
    'answers a verb named like a built-in object property (%s) as an unknown action, not a 500',
    async (verb) => {
      const invoke = await post(cardAction(verb, {}, { serviceUrl: connector.serviceUrl }));
      expect(invoke.status).toBe(400);
      expect(invoke.json).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
      expect(JSON.stringify(invoke.json)).toContain('This card action is not recognised');
      // The same verb in an Action.Submit (a message whose value carries it).
      const submit = await post({
        ...personalMessage('', { serviceUrl: connector.serviceUrl }),
        text: undefined,
        value: { verb },
      });
      expect(submit.status).toBe(200);
      await connector.waitForSent(1);
      expect(String(connector.sent()[0].text)).toContain('This card action is not recognised');
    },
  );

  it('answers a command named like a built-in object property with the help card', async () => {
    await post(personalMessage('constructor', { serviceUrl: connector.serviceUrl }));
    await connector.waitForSent(1);
    expect(cardText(cardOf(connector.sent()[0]))).toContain("I don't know");
  });

  it('refuses a forged help-card button', async () => {
    const result = await post(
      cardAction('command.run', { command: 'rm -rf' }, { serviceUrl: connector.serviceUrl }),
    );
    expect(result.json).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('refuses a tenant that is not configured', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    await post(
      personalMessage('help', { serviceUrl: connector.serviceUrl, user: OUTSIDER, tenantId: other }),
    );
    await connector.waitForSent(1);
    expect(String(connector.sent()[0].text)).toContain("only serves its partner's own organisation");
    const invoke = await post(
      cardAction('command.run', { command: 'whoami' }, { serviceUrl: connector.serviceUrl, tenantId: other }),
    );
    expect(invoke.json).toMatchObject({ statusCode: 403 });
  });

  it('answers malformed JSON with 400 and no stack trace', async () => {
    const result = await post('{"type": "message", ');
    expect(result.status).toBe(400);
    expect(result.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('answers an activity without a conversation with 400 naming the field', async () => {
    const activity = personalMessage('help', { serviceUrl: connector.serviceUrl });
    delete (activity as Record<string, unknown>).conversation;
    const result = await post(activity);
    expect(result.status).toBe(400);
    expect(result.text).toContain('conversation');
  });

  it('answers a body that is not an activity with 400', async () => {
    expect((await post('[1,2,3]')).status).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
  });

  it('ignores unknown activity types', async () => {
    const result = await post({
      ...personalMessage('x', { serviceUrl: connector.serviceUrl }),
      type: 'somethingNew',
    });
    expect(result.status).toBe(200);
    expect(connector.sent()).toHaveLength(0);
  });

  it('sends proactively to a stored conversation, updates in place and retries a 429', async () => {
    const activity = personalMessage('help', { serviceUrl: connector.serviceUrl });
    await post(activity);
    await connector.waitForSent(1);
    connector.clear();
    const key = (activity.conversation as { id: string }).id;
    connector.failNext(429, 2, 0);
    const fast = new ProactiveMessenger(
      app.adapter,
      '',
      app.references,
      silentLogger(),
      connectorRetryPolicy({ initialDelayMs: 10 }),
    );
    const { activityId } = await fast.send(key, { text: 'Order completed' });
    expect(activityId).toMatch(/^activity-/);
    await fast.update(key, activityId, { text: 'Order completed (updated)' });
    const sent = connector.sent();
    expect(sent.map((a) => a.method)).toEqual(['POST', 'PUT']);
    expect(sent[0].text).toBe('Order completed');
    expect(sent[1].path).toContain(`/activities/${activityId}`);
  });

  it('reports a proactive send that failed to its caller, instead of swallowing it', async () => {
    const activity = personalMessage('help', { serviceUrl: connector.serviceUrl });
    await post(activity);
    await connector.waitForSent(1);
    connector.clear();
    const key = (activity.conversation as { id: string }).id;
    connector.failNext(403, 1);
    const messenger = new ProactiveMessenger(app.adapter, '', app.references, silentLogger());
    await expect(messenger.send(key, { text: 'Order completed' })).rejects.toMatchObject({ statusCode: 403 });
    expect(connector.sent()).toHaveLength(0);
    // The conversation is fine again: the next send goes through.
    await expect(messenger.send(key, { text: 'Order completed' })).resolves.toMatchObject({
      activityId: expect.stringMatching(/^activity-/),
    });
  });

  it('starts a new thread in a channel from its stored root', async () => {
    await post(channelMessageWithMention('help', { serviceUrl: connector.serviceUrl }));
    await connector.waitForSent(1);
    connector.clear();
    const thread = await app.messenger.startThread(GENERAL_CHANNEL, { text: 'Budget alert: Coho Winery' });
    expect(thread.activityId).toMatch(/^activity-/);
    const create = connector.calls.find((c) => c.method === 'POST' && c.path === '/v3/conversations');
    expect(create?.body).toMatchObject({ isGroup: true, channelData: { channel: { id: GENERAL_CHANNEL } } });
    expect(thread.conversationKey).toBe(`${GENERAL_CHANNEL};messageid=${thread.activityId}`);
    await app.messenger.update(thread.conversationKey, thread.activityId, {
      text: 'Budget alert (resolved)',
    });
    const update = connector.calls.find((c) => c.method === 'PUT');
    expect(update?.path).toContain(`/activities/${thread.activityId}`);
  });

  it('reports healthy and ready', async () => {
    expect((await fetch(`${app.server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: [{ name: 'store', ok: true }] });
  });
});

describe('bot over HTTP with Bot Framework credentials', () => {
  it('refuses a request without a valid Bot Framework token with 401', async () => {
    const store = await createStore({ sqlitePath: ':memory:' });
    const config = parseConfig({
      MicrosoftAppId: '3c5b2a1d-0000-4000-8000-00000000b0b1',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
    });
    const app = await startTestBot({ config, store });
    try {
      const body = JSON.stringify(personalMessage('help', { serviceUrl: 'http://127.0.0.1:9/' }));
      const headers = { 'content-type': 'application/json' };
      const anonymous = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers, body });
      expect(anonymous.status).toBe(401);
      const forged = await fetch(`${app.server.url}/api/messages`, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.' },
        body,
      });
      expect(forged.status).toBe(401);
      expect(await forged.text()).toBe('');
    } finally {
      await app.server.close(1000);
      await store.close();
    }
  });
});

describe('turn errors', () => {
  it('tells the user a short localized message with the correlation id when a turn fails', async () => {
    const connector = await startFakeConnector();
    const store = await createStore({ sqlitePath: ':memory:' });
    const app = await startTestBot({ config: parseConfig({}), store });
    try {
      await store.close(); // the next turn cannot save its conversation reference
      await fetch(`${app.server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(personalMessage('help', { serviceUrl: connector.serviceUrl, locale: 'fr-FR' })),
      });
      await connector.waitForSent(1);
      const text = String(connector.sent()[0].text);
      expect(text).toMatch(/Un problème est survenu de mon côté/);
      expect(text).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    } finally {
      await app.server.close(1000);
      await connector.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('stops taking activities but finishes the turns in flight before closing', async () => {
    const connector = await startFakeConnector();
    const store = await createStore({ sqlitePath: ':memory:' });
    const app = await startTestBot({ config: parseConfig({}), store });
    const url = `${app.server.url}/api/messages`;
    const send = (text: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(personalMessage(text, { serviceUrl: connector.serviceUrl })),
      });
    try {
      const release = connector.hold(); // the bot's reply cannot finish: its turn stays in flight
      const inFlight = send('help');
      while (app.server.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 5));

      let closed = false;
      const closing = app.server.close(10_000).then(() => (closed = true));
      const refused = await send('whoami').then(
        (response) => response.status,
        () => 'connection refused',
      );
      expect([503, 'connection refused']).toContain(refused);
      expect(closed).toBe(false);

      release();
      expect((await inFlight).status).toBe(200);
      await closing;
      expect(closed).toBe(true);
      expect(connector.sent().map((activity) => JSON.stringify(activity))).toEqual([
        expect.stringContaining('AdaptiveCard'),
      ]);
    } finally {
      await store.close();
      await connector.close();
    }
  });
});
