import { z } from 'zod';
import { openTextWebSocket, type TextWebSocket } from './textWebSocket';

/**
 * A typed client for the Agents Playground's own HTTP routes (the ones its web UI calls), so
 * end-to-end tests can act as Teams users without a browser. Undocumented routes of
 * @microsoft/m365agentsplayground 0.2.28, read from its bundle: keep the version pinned.
 *
 * | route | what it does |
 * | --- | --- |
 * | GET  /_internal/v1/testConfig | the loaded config (users, chats, team); no side effects |
 * | POST /_conversation/v1/conversations/{id}/messages | text typed in the UI; reaches the bot **always as currentUser** |
 * | GET  /_internal/v1/customActivities/template?conversationId= | a base activity for that conversation |
 * | POST /_internal/v1/customActivities | sends any activity to the bot as is (any `from`, any locale) |
 * | POST /_conversation/v1/invoke | `adaptiveCard/action` invoke as any member; answers the bot's invoke response |
 * | POST /_conversation/v1/submit | `Action.Submit`: a message activity with `value`, as any member |
 * | POST /_debug/conversation/{id}/installation | installationUpdate + conversationUpdate (membersAdded) |
 * | WS   /_ws_conversation/v1/conversations/stream | what the bot posts: createMessage / updateMessage / typing |
 */

const ROUTES = {
  config: '/_internal/v1/testConfig',
  messages: (conversationId: string) =>
    `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
  customActivityTemplate: (conversationId: string) =>
    `/_internal/v1/customActivities/template?conversationId=${encodeURIComponent(conversationId)}`,
  customActivities: '/_internal/v1/customActivities',
  invoke: '/_conversation/v1/invoke',
  submit: '/_conversation/v1/submit',
  installation: (conversationId: string) =>
    `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`,
  conversationStream: '/_ws_conversation/v1/conversations/stream',
} as const;

const UserSchema = z.object({
  id: z.string(),
  name: z.string(),
  aadObjectId: z.string(),
  userPrincipleName: z.string(),
  email: z.string(),
});
export type PlaygroundUser = z.infer<typeof UserSchema>;

const ConfigSchema = z.object({
  config: z.object({
    tenantId: z.string(),
    bot: z.object({ id: z.string(), name: z.string() }),
    currentUser: UserSchema,
    users: z.array(UserSchema),
    personalChat: z.object({ id: z.string() }),
    groupChats: z.array(z.object({ id: z.string(), name: z.string(), members: z.array(z.string()) })),
    teams: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        aadGroupId: z.string(),
        channels: z.array(z.object({ id: z.string(), name: z.string() })),
        members: z.array(z.string()),
      }),
    ),
  }),
  internalConfig: z.object({ channelId: z.string() }).passthrough(),
});
export type PlaygroundConfig = z.infer<typeof ConfigSchema>['config'];

const CreatedMessageSchema = z.object({
  messageId: z.string(),
  postConversationId: z.string().optional(),
  timestamp: z.number(),
});

const ActivityTemplateSchema = z
  .object({
    serviceUrl: z.string(),
    channelId: z.string(),
    recipient: z.object({ id: z.string() }).passthrough(),
    conversation: z.object({ id: z.string() }).passthrough(),
  })
  .passthrough();

const InvokeResponseSchema = z.object({ type: z.string().optional(), value: z.unknown() });
export type CardActionResponse = z.infer<typeof InvokeResponseSchema>;

const AttachmentSchema = z.object({ contentType: z.string(), content: z.unknown() });
const BotMessageSchema = z
  .object({
    messageId: z.string(),
    timestamp: z.number(),
    from: z.object({ id: z.string() }),
    text: z.string().optional(),
    attachments: z.array(AttachmentSchema).default([]),
    postConversationId: z.string().optional(),
  })
  .passthrough();
const ConversationEventSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('createMessage'),
    actionConversationId: z.string(),
    message: BotMessageSchema,
  }),
  z.object({
    action: z.literal('updateMessage'),
    actionConversationId: z.string(),
    message: BotMessageSchema,
  }),
  z.object({ action: z.literal('typing'), actionConversationId: z.string() }),
]);
export type ConversationEvent = z.infer<typeof ConversationEventSchema>;

/** A message the bot posted, as it stands after every update the stream has carried. */
export interface BotMessage {
  messageId: string;
  /** Where it lives: a chat id, or `<channel id>;messageid=<root>` for a channel thread. */
  conversationId: string;
  text?: string;
  attachments: Array<{ contentType: string; content?: unknown }>;
  updated: boolean;
}

export class PlaygroundApiError extends Error {
  override readonly name = 'PlaygroundApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body}`);
  }
}

function belongsTo(messageConversationId: string, conversationId: string): boolean {
  return messageConversationId === conversationId || messageConversationId.startsWith(`${conversationId};`);
}

/** The bot's side of every conversation, as the Playground streams it to its web client. */
export class ConversationStream {
  readonly events: ConversationEvent[] = [];
  readonly errors: string[] = [];
  private readonly waiters = new Set<() => void>();
  private socket?: TextWebSocket;

  attach(socket: TextWebSocket): void {
    this.socket = socket;
  }

  receive(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.errors.push(`not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const parsed = ConversationEventSchema.safeParse(json);
    if (!parsed.success) {
      this.errors.push(`unexpected event: ${text.slice(0, 200)}`);
      return;
    }
    this.events.push(parsed.data);
    for (const wake of this.waiters) wake();
  }

  /** Latest state of each bot message, oldest first; only those of one conversation when given. */
  botMessages(conversationId?: string): BotMessage[] {
    const byId = new Map<string, BotMessage>();
    for (const event of this.events) {
      if (event.action === 'typing') continue;
      const { message } = event;
      const existing = byId.get(message.messageId);
      byId.set(message.messageId, {
        messageId: message.messageId,
        conversationId: existing?.conversationId ?? message.postConversationId ?? event.actionConversationId,
        text: message.text,
        attachments: message.attachments,
        updated: event.action === 'updateMessage',
      });
    }
    const all = [...byId.values()];
    return conversationId === undefined
      ? all
      : all.filter((m) => belongsTo(m.conversationId, conversationId));
  }

  /** Resolves with the first bot message (current state) that matches; rejects after timeoutMs. */
  waitForBotMessage(predicate: (message: BotMessage) => boolean, timeoutMs = 10_000): Promise<BotMessage> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.botMessages().find(predicate);
        if (!found) return false;
        finish();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        const seen = JSON.stringify(
          this.botMessages().map((m) => [m.conversationId, m.text ?? m.attachments]),
        );
        reject(new Error(`no matching bot message within ${timeoutMs} ms; seen: ${seen}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      if (!check()) this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    await this.socket?.close();
  }
}

export interface SendTextOptions {
  /** User id (the config's `id`, e.g. "29:adele-vance"), not the AAD object id. */
  as: string;
  /** A chat id, a channel id (starts a thread) or a thread id `<channel id>;messageid=<root>`. */
  conversationId: string;
  text: string;
  /** Prefix `<at>bot</at>` and add the mention entity: Teams only delivers channel and group chat messages that mention the bot. */
  mentionBot?: boolean;
  /** activity.locale; the UI route always sends "en-US", so another locale goes the custom-activity way. */
  locale?: string;
}

export interface SentText {
  /** Where the bot will answer: for a new channel post, the thread the Playground opened for it. */
  conversationId: string;
  route: 'message' | 'customActivity';
  /** The Playground's id of the user's message (message route only). */
  messageId?: string;
}

export interface CardActionOptions {
  as: string;
  conversationId: string;
  /** The Playground's id of the bot message carrying the card (BotMessage.messageId). */
  cardMessageId: string;
  verb: string;
  data?: Record<string, unknown>;
  title?: string;
}

export class PlaygroundClient {
  private config?: PlaygroundConfig;

  constructor(readonly baseUrl: string) {}

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new PlaygroundApiError(method, path, response.status, text);
    return text ? JSON.parse(text) : undefined;
  }

  async getConfig(): Promise<PlaygroundConfig> {
    this.config ??= ConfigSchema.parse(await this.call('GET', ROUTES.config)).config;
    return this.config;
  }

  async user(id: string): Promise<PlaygroundUser> {
    const config = await this.getConfig();
    const user = [config.currentUser, ...config.users].find((u) => u.id === id);
    if (!user) throw new Error(`no user ${id} in the Playground config`);
    return user;
  }

  /** Text typed by a user. The Playground's own message route only speaks as currentUser in en-US. */
  async sendText(options: SendTextOptions): Promise<SentText> {
    const config = await this.getConfig();
    const locale = options.locale ?? 'en-US';
    const atBot = `<at>${config.bot.name}</at>`;
    const text = options.mentionBot ? `${atBot} ${options.text}` : options.text;
    const mentions = options.mentionBot ? [{ mentioned: { id: config.bot.id }, text: atBot }] : undefined;

    if (options.as === config.currentUser.id && locale === 'en-US') {
      const created = CreatedMessageSchema.parse(
        await this.call('POST', ROUTES.messages(options.conversationId), {
          from: { id: options.as },
          text,
          textFormat: 'plain',
          mentions,
        }),
      );
      return {
        conversationId: created.postConversationId ?? options.conversationId,
        route: 'message',
        messageId: created.messageId,
      };
    }

    const user = await this.user(options.as);
    const template = ActivityTemplateSchema.parse(
      await this.call('GET', ROUTES.customActivityTemplate(options.conversationId)),
    );
    const channelId = options.conversationId.split(';')[0];
    const team = config.teams.find((t) => t.channels.some((c) => c.id === channelId));
    const activity = {
      ...template,
      type: 'message',
      id: `custom-${Date.now()}-${Math.random().toString(16).slice(2, 10)}`,
      timestamp: new Date().toISOString(),
      text,
      textFormat: 'plain',
      locale,
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      entities: [
        ...(options.mentionBot
          ? [{ type: 'mention', mentioned: { id: config.bot.id, name: config.bot.name }, text: atBot }]
          : []),
        { type: 'clientInfo', locale, country: locale.split('-')[1] ?? 'US', platform: 'Web' },
      ],
      channelData: {
        tenant: { id: config.tenantId },
        ...(team
          ? {
              teamsTeamId: team.id,
              teamsChannelId: channelId,
              team: { id: team.id },
              channel: { id: channelId },
            }
          : {}),
      },
    };
    await this.call('POST', ROUTES.customActivities, activity);
    return { conversationId: options.conversationId, route: 'customActivity' };
  }

  /** An Action.Execute click on a bot card, as any member; answers with the bot's invoke response. */
  async invokeCardAction(options: CardActionOptions): Promise<CardActionResponse> {
    return InvokeResponseSchema.parse(
      await this.call('POST', ROUTES.invoke, {
        name: 'adaptiveCard/action',
        from: { id: options.as },
        conversation: { id: options.conversationId },
        replyToId: options.cardMessageId,
        value: {
          action: {
            type: 'Action.Execute',
            title: options.title,
            verb: options.verb,
            data: options.data ?? {},
          },
        },
      }),
    );
  }

  /** An Action.Submit click: the bot receives a message activity whose `value` is the card's data. */
  async submitCard(options: {
    as: string;
    conversationId: string;
    cardMessageId: string;
    value: Record<string, unknown>;
  }): Promise<void> {
    await this.call('POST', ROUTES.submit, {
      from: { id: options.as },
      conversation: { id: options.conversationId },
      replyToId: options.cardMessageId,
      value: options.value,
    });
  }

  /** What Teams sends when the app is added to a chat or team: installationUpdate, then membersAdded. */
  async installApp(conversationId: string): Promise<void> {
    await this.call('POST', ROUTES.installation(conversationId), {});
  }

  /**
   * Subscribes to what the bot posts. Open it before acting: the Playground streams events to the
   * sockets connected at that moment (it buffers them only while no socket at all is connected).
   */
  async openConversationStream(): Promise<ConversationStream> {
    const stream = new ConversationStream();
    const url = `${this.baseUrl.replace(/^http/, 'ws')}${ROUTES.conversationStream}`;
    stream.attach(
      await openTextWebSocket(url, {
        onText: (text) => stream.receive(text),
        onError: (error) => stream.errors.push(error.message),
      }),
    );
    return stream;
  }
}
