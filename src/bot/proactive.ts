import type { ConnectorClient } from 'botframework-connector';
import {
  ActivityTypes,
  CardFactory,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationReference,
} from 'botbuilder';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { AdaptiveCard } from '../cards/render';
import type { Logger } from '../logging';

export interface OutboundMessage {
  text?: string;
  card?: AdaptiveCard;
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

/** A 429 from the Bot Connector: retried with backoff (honouring Retry-After when it is given). */
function isThrottled(error: Error): boolean {
  const status = (error as { statusCode?: unknown }).statusCode ?? (error as { status?: unknown }).status;
  return status === 429;
}

export function connectorRetryPolicy(
  options: { maxAttempts?: number; initialDelayMs?: number } = {},
): RetryPolicy {
  return retry(handleWhen(isThrottled), {
    maxAttempts: options.maxAttempts ?? 5,
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 500, maxDelay: 15_000 }),
  });
}

export function toActivity(message: OutboundMessage): Partial<Activity> {
  return {
    type: ActivityTypes.Message,
    text: message.card ? undefined : message.text,
    summary: message.card ? message.text : undefined,
    attachments: message.card ? [CardFactory.adaptiveCard(message.card)] : undefined,
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

  /** Posts a new thread in a Teams channel; the thread is stored so later updates can reply in it. */
  async startThread(
    channelKey: string,
    message: OutboundMessage,
  ): Promise<{ conversationKey: string; activityId: string }> {
    let result = { conversationKey: '', activityId: '' };
    await this.continue(channelKey, async (context) => {
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
    });
    return result;
  }

  private async continue(
    conversationKey: string,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const reference = await this.references.getReference(conversationKey);
    if (!reference) throw new ConversationNotFoundError(conversationKey);
    this.logger.debug({ conversationKey }, 'proactive turn');
    await this.adapter.continueConversationAsync(this.appId, reference, logic);
  }
}
