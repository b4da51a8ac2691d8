import type { ConnectorClient } from 'botframework-connector';
import {
  ActivityTypes,
  CardFactory,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
} from 'botbuilder';
import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import type { AdaptiveCard } from '../cards/render';
import type { Logger } from '../logging';

export interface OutboundMessage {
  text?: string;
  card?: AdaptiveCard;
  /** Someone the text @mentions: it contains `<at>{name}</at>`; `id` is a Teams user id or AAD object id. */
  mention?: { id: string; name: string };
}

/** Where proactive messages go: the stored reference of a conversation, looked up by key. */
export interface ConversationReferenceLookup {
  getReference(key: string): Promise<Partial<ConversationReference> | undefined>;
  saveReference(reference: Partial<ConversationReference>): Promise<string>;
}

export class ConversationNotFoundError extends Error {
  constructor(readonly conversationKey: string) {
    super(`No conversation reference is stored for ${conversationKey}`);
    this.name = 'ConversationNotFoundError';
  }
}

/** A 429 from the Bot Connector (the SDK's own retries gave up): retried again, never sooner than it asks. */
function isThrottled(error: Error): boolean {
  const status = (error as { statusCode?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  return status === 429;
}

/** The Retry-After (seconds, or an HTTP date) a Bot Connector error carries, in milliseconds. */
export function connectorRetryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const headers = (error as { response?: { headers?: unknown } } | undefined)?.response?.headers;
  const value =
    headers && typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | undefined }).get('retry-after')
      : typeof headers === 'object' && headers !== null
        ? (headers as Record<string, unknown>)['retry-after']
        : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function connectorRetryPolicy(
  options: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number } = {},
): RetryPolicy {
  const exponential = new ExponentialBackoff({
    initialDelay: options.initialDelayMs ?? 500,
    maxDelay: options.maxDelayMs ?? 15_000,
  });
  return retry(handleWhen(isThrottled), {
    maxAttempts: options.maxAttempts ?? 5,
    backoff: new RetryAfterFloor(exponential),
  });
}

/** Jittered exponential backoff that never waits less than the Retry-After of the error it follows. */
class RetryAfterFloor implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<unknown>) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return this.step(this.inner.next(undefined), context);
  }

  private step(
    inner: IBackoff<unknown>,
    context: IRetryBackoffContext<unknown>,
  ): IBackoff<IRetryBackoffContext<unknown>> {
    const asked = 'error' in context.result ? connectorRetryAfterMs(context.result.error) : undefined;
    return {
      duration: Math.max(inner.duration, asked ?? 0),
      next: (nextContext) => this.step(inner.next(nextContext), nextContext),
    };
  }
}

export function toActivity(message: OutboundMessage): Partial<Activity> {
  return {
    type: ActivityTypes.Message,
    text: message.card ? undefined : message.text,
    summary: message.card ? message.text : undefined,
    attachments: message.card ? [CardFactory.adaptiveCard(message.card)] : undefined,
    ...(message.mention
      ? {
          entities: [
            {
              type: 'mention',
              text: `<at>${message.mention.name}</at>`,
              mentioned: { id: message.mention.id, name: message.mention.name },
            },
          ],
        }
      : {}),
  };
}

/**
 * Sends to stored conversations outside of a user's turn: a new message, an update in place, or a
 * new thread in a channel. The only way jobs and workflows reach Teams (through main.ts).
 */
export class ProactiveMessenger {
  private readonly policy: RetryPolicy;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly references: ConversationReferenceLookup,
    private readonly logger: Logger,
    policy?: RetryPolicy,
  ) {
    this.policy = policy ?? connectorRetryPolicy();
  }

  async send(conversationKey: string, message: OutboundMessage): Promise<{ activityId: string }> {
    let activityId = '';
    await this.continue(conversationKey, async (context) => {
      const response = await this.policy.execute(() => context.sendActivity(toActivity(message)));
      activityId = response?.id ?? '';
    });
    return { activityId };
  }

  async update(conversationKey: string, activityId: string, message: OutboundMessage): Promise<void> {
    await this.continue(conversationKey, async (context) => {
      await this.policy.execute(() => context.updateActivity({ ...toActivity(message), id: activityId }));
    });
  }

  /**
   * Posts a new thread in a Teams channel; the thread is stored so later updates can reply in it.
   * A channel the bot has not heard from yet is reached through `via`, a reference of the same
   * tenant and service (Teams creates a channel thread for any channel of a team the bot is in).
   */
  async startThread(
    channelKey: string,
    message: OutboundMessage,
    via?: Partial<ConversationReference>,
  ): Promise<{ conversationKey: string; activityId: string }> {
    let result = { conversationKey: '', activityId: '' };
    const introduction = via && {
      ...via,
      activityId: undefined,
      conversation: {
        id: channelKey,
        isGroup: true,
        conversationType: 'channel',
        tenantId: via.conversation?.tenantId,
        name: '',
      },
    };
    await this.continue(
      channelKey,
      async (context) => {
        const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        const channel = context.activity.conversation;
        const created = await this.policy.execute(() =>
          client.conversations.createConversation({
            isGroup: true,
            bot: context.activity.recipient,
            tenantId: channel.tenantId,
            channelData: { channel: { id: channelKey } },
            activity: toActivity(message) as Activity,
            members: [],
          }),
        );
        const reference: Partial<ConversationReference> = {
          ...TurnContext.getConversationReference(context.activity),
          conversation: { ...channel, id: `${channelKey};messageid=${created.activityId}` },
          activityId: created.activityId,
        };
        const conversationKey = await this.references.saveReference(reference);
        result = { conversationKey, activityId: created.activityId ?? '' };
      },
      introduction,
    );
    return result;
  }

  /**
   * Opens (or finds: Teams answers with the existing one) the personal chat of a user the bot knows
   * by Teams id (MRI), through `via`, a reference of the same tenant and service, and posts there.
   */
  async sendToPerson(
    via: Partial<ConversationReference>,
    person: { mri: string; tenantId: string },
    message: OutboundMessage,
  ): Promise<{ conversationKey: string; activityId: string }> {
    let personal: Partial<ConversationReference> | undefined;
    await this.adapter.continueConversationAsync(this.appId, via, async (context) => {
      const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      // The connector's type wants an activity; Teams opens a personal chat without one (the
      // message follows through the stored reference, with the same retries as any send).
      const parameters: Partial<ConversationParameters> = {
        isGroup: false,
        bot: context.activity.recipient,
        tenantId: person.tenantId,
        channelData: { tenant: { id: person.tenantId } },
        members: [{ id: person.mri, name: '' }],
      };
      const created = await this.policy.execute(() =>
        client.conversations.createConversation(parameters as ConversationParameters),
      );
      personal = {
        ...TurnContext.getConversationReference(context.activity),
        activityId: undefined,
        conversation: {
          id: created.id,
          isGroup: false,
          conversationType: 'personal',
          tenantId: person.tenantId,
          name: '',
        },
      };
    });
    if (!personal) throw new ConversationNotFoundError(person.mri);
    const conversationKey = await this.references.saveReference(personal);
    const { activityId } = await this.send(conversationKey, message);
    return { conversationKey, activityId };
  }

  /** Runs `logic` in a stored conversation (or, when none is stored, the one `fallback` names). */
  private async continue(
    conversationKey: string,
    logic: (context: TurnContext) => Promise<void>,
    fallback?: Partial<ConversationReference>,
  ): Promise<void> {
    const reference = (await this.references.getReference(conversationKey)) ?? fallback;
    if (!reference) throw new ConversationNotFoundError(conversationKey);
    this.logger.debug({ conversationKey }, 'proactive turn');
    // The adapter hands a failing turn to onTurnError, which reports it to the user of an incoming
    // activity and does not throw: a proactive send that failed must reach its caller (the outbox
    // retries it), so it is caught here and thrown after the turn.
    let failure: { error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
  }
}
