import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { type RunningPlayground, startPlayground } from '../../../scripts/playgroundLauncher';
import { type ConversationStream, PlaygroundClient } from './playgroundClient';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const TENANT_ID = '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d';
const REQUESTER = {
  id: '29:megan-bowen',
  name: 'Megan Bowen',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a51',
};
const APPROVER = {
  id: '29:adele-vance',
  name: 'Adele Vance',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52',
};

const ReceivedActivity = z
  .object({
    type: z.string(),
    id: z.string(),
    name: z.string().optional(),
    text: z.string().optional(),
    value: z.unknown().optional(),
    serviceUrl: z.string(),
    from: z.object({ id: z.string(), name: z.string().optional(), aadObjectId: z.string().optional() }),
    recipient: z.object({ id: z.string(), name: z.string().optional() }),
    conversation: z.object({
      id: z.string(),
      tenantId: z.string().optional(),
      conversationType: z.string().optional(),
    }),
    channelData: z
      .object({ tenant: z.object({ id: z.string() }).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();
type ReceivedActivity = z.infer<typeof ReceivedActivity>;

const stripMentions = (text: string) => text.replace(/<at>.*?<\/at>\s*/g, '').trim();

const card = (text: string) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text }],
  actions: [{ type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { requestId: 'r-1' } }],
});

/**
 * A bot the way the Bot Framework protocol sees one, with nothing of ours in it: it takes activities
 * on POST /api/messages, answers invokes in the HTTP response, and posts replies to the connector at
 * `${serviceUrl}/v3/conversations/{id}/activities/{replyToId}`.
 */
class EchoBot {
  readonly received: ReceivedActivity[] = [];
  readonly replyFailures: string[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const activity = ReceivedActivity.parse(JSON.parse(body));
        this.received.push(activity);
        if (activity.type === 'invoke') {
          const by = activity.from.name ?? activity.from.id;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              statusCode: 200,
              type: 'application/vnd.microsoft.card.adaptive',
              value: card(`approved by ${by}`),
            }),
          );
          return;
        }
        // Not chained: restify, loaded by other suites in this worker, patches writeHead to return nothing.
        res.writeHead(200);
        res.end();
        if (activity.type === 'message' && activity.text !== undefined) void this.reply(activity);
      });
    });
  }

  private async reply(activity: ReceivedActivity): Promise<void> {
    const said = stripMentions(activity.text ?? '');
    const reply =
      said === 'card'
        ? {
            attachments: [
              { contentType: 'application/vnd.microsoft.card.adaptive', content: card('pending') },
            ],
          }
        : { text: `echo to ${activity.from.name ?? activity.from.id}: ${said}` };
    const url =
      `${activity.serviceUrl}/v3/conversations/${encodeURIComponent(activity.conversation.id)}` +
      `/activities/${encodeURIComponent(activity.id)}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        ...reply,
        from: activity.recipient,
        recipient: activity.from,
        conversation: activity.conversation,
        replyToId: activity.id,
      }),
    });
    if (response.status !== 201) this.replyFailures.push(`${response.status} ${await response.text()}`);
  }

  async waitForActivity(
    predicate: (a: ReceivedActivity) => boolean,
    timeoutMs = 10_000,
  ): Promise<ReceivedActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `bot saw no such activity; saw ${JSON.stringify(this.received.map((a) => [a.type, a.text]))}`,
        );
      }
      await new Promise((done) => setTimeout(done, 25));
    }
  }

  async listen(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/messages`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}

describe('Agents Playground with the project config, driven over its own routes', () => {
  const bot = new EchoBot();
  let tempDir: string;
  let playground: RunningPlayground;
  let client: PlaygroundClient;
  let stream: ConversationStream;

  beforeAll(async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'playground-e2e-'));
    playground = await startPlayground({
      botEndpoint: await bot.listen(),
      port: 0,
      cwd: REPO_ROOT,
      configPath: '.m365agentsplayground.yml',
      logFile: join(tempDir, 'playground.log'),
    });
    client = new PlaygroundClient(playground.url);
    stream = await client.openConversationStream();
  });

  afterAll(async () => {
    await stream?.close();
    await playground?.stop();
    await bot.close();
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('loads the requester as current user, the approver, the tenant and the CSP Operations team', async () => {
    const config = await client.getConfig();
    expect(config.tenantId).toBe(TENANT_ID);
    expect(config.currentUser).toMatchObject(REQUESTER);
    expect(config.users).toContainEqual(expect.objectContaining(APPROVER));
    expect(config.teams[0].name).toBe('CSP Operations');
    expect(config.teams[0].channels.map((c) => c.name)).toEqual(['General', 'Approvals']);
    expect(config.teams[0].members).toContain(APPROVER.id);
  });

  it("delivers the requester's hello as Megan Bowen and shows the bot's reply in her personal chat", async () => {
    const { personalChat } = await client.getConfig();
    const sent = await client.sendText({ as: REQUESTER.id, conversationId: personalChat.id, text: 'hello' });

    const seen = await bot.waitForActivity((a) => a.text === 'hello' && a.from.id === REQUESTER.id);
    expect(seen.from.aadObjectId).toBe(REQUESTER.aadObjectId);
    expect(seen.conversation).toMatchObject({
      id: personalChat.id,
      tenantId: TENANT_ID,
      conversationType: 'personal',
    });
    expect(seen.channelData?.tenant?.id).toBe(TENANT_ID);

    const reply = await stream.waitForBotMessage((m) => m.text === 'echo to Megan Bowen: hello');
    expect(reply.conversationId).toBe(sent.conversationId);
    expect(bot.replyFailures).toEqual([]);
  });

  it("delivers the approver's hello in the Approvals channel as Adele Vance and shows the reply there", async () => {
    const approvals = (await client.getConfig()).teams[0].channels.find((c) => c.name === 'Approvals');
    if (!approvals) throw new Error('no Approvals channel');
    await client.sendText({ as: APPROVER.id, conversationId: approvals.id, text: 'hello', mentionBot: true });

    const seen = await bot.waitForActivity(
      (a) => a.from.id === APPROVER.id && stripMentions(a.text ?? '') === 'hello',
    );
    expect(seen.from.aadObjectId).toBe(APPROVER.aadObjectId);
    expect(seen.conversation).toMatchObject({ tenantId: TENANT_ID, conversationType: 'channel' });
    expect(seen.channelData?.tenant?.id).toBe(TENANT_ID);

    const reply = await stream.waitForBotMessage((m) => m.text === 'echo to Adele Vance: hello');
    expect(reply.conversationId.startsWith(approvals.id)).toBe(true);
    expect(stream.botMessages(approvals.id)).toContainEqual(
      expect.objectContaining({ messageId: reply.messageId }),
    );
    expect(bot.replyFailures).toEqual([]);
  });

  it('delivers a message with another locale (fr-FR) from the requester, which the UI route cannot', async () => {
    const { personalChat } = await client.getConfig();
    const sent = await client.sendText({
      as: REQUESTER.id,
      conversationId: personalChat.id,
      text: 'bonjour',
      locale: 'fr-FR',
    });

    expect(sent.route).toBe('customActivity');
    const seen = await bot.waitForActivity((a) => a.text === 'bonjour');
    expect(seen).toMatchObject({ locale: 'fr-FR', from: { aadObjectId: REQUESTER.aadObjectId } });
    await stream.waitForBotMessage((m) => m.text === 'echo to Megan Bowen: bonjour');
  });

  it("sends the approver's card click to the bot as Adele Vance and returns the bot's updated card", async () => {
    const groupChat = (await client.getConfig()).groupChats[0];
    await client.sendText({ as: REQUESTER.id, conversationId: groupChat.id, text: 'card', mentionBot: true });
    const posted = await stream.waitForBotMessage(
      (m) => m.conversationId === groupChat.id && m.attachments.length === 1,
    );

    const response = await client.invokeCardAction({
      as: APPROVER.id,
      conversationId: groupChat.id,
      cardMessageId: posted.messageId,
      verb: 'approve',
      data: { requestId: 'r-1' },
    });

    const invoke = await bot.waitForActivity((a) => a.type === 'invoke');
    expect(invoke).toMatchObject({
      name: 'adaptiveCard/action',
      from: { id: APPROVER.id, aadObjectId: APPROVER.aadObjectId },
      conversation: { id: groupChat.id, tenantId: TENANT_ID },
      value: { action: { type: 'Action.Execute', verb: 'approve', data: { requestId: 'r-1' } } },
    });
    expect(response).toEqual({
      type: 'application/vnd.microsoft.card.adaptive',
      value: card('approved by Adele Vance'),
    });
  });
});
