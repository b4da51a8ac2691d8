import type { ConversationReference } from 'botbuilder';
import type { ConversationReferenceRepository } from '../store';
import type { ConversationReferenceLookup } from './proactive';
import type { ReferenceSink } from './activityHandler';

/** The key of a conversation: its id. A channel thread's id is `<channel>;messageid=<root>`. */
export function conversationKeyOf(reference: Partial<ConversationReference>): string {
  const id = reference.conversation?.id;
  if (!id) throw new Error('a conversation reference needs conversation.id');
  return id;
}

/** Channel root (new threads go there): the thread id without its `;messageid=` part. */
export function channelKeyOf(conversationId: string): string {
  return conversationId.split(';')[0];
}

const MAX_REMEMBERED_WRITES = 10_000;

/**
 * Stores the reference of every conversation the bot hears from (and, for a channel thread, of its
 * channel), so that notifications and alerts can reach it later, from any instance.
 */
export class ConversationReferenceBook implements ReferenceSink, ConversationReferenceLookup {
  /** What this instance last wrote per key, so that a busy conversation costs no write per turn. */
  private readonly written = new Map<string, string>();

  constructor(private readonly repository: ConversationReferenceRepository) {}

  async saveReference(reference: Partial<ConversationReference>): Promise<string> {
    const key = conversationKeyOf(reference);
    // The activity id changes every turn and is never needed: a proactive send replies to its own
    // continuation activity. Anything else that changes (user, locale, serviceUrl) is written.
    const fingerprint = JSON.stringify({ ...reference, activityId: undefined });
    if (this.written.get(key) === fingerprint) return key;
    const conversation = reference.conversation;
    const conversationType = conversation?.conversationType ?? 'personal';
    const entry = {
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
      conversationType,
      tenantId: conversation?.tenantId ?? '',
      userAadObjectId: conversationType === 'personal' ? reference.user?.aadObjectId : undefined,
      serviceUrl: reference.serviceUrl ?? '',
      channelId: conversationType === 'channel' ? channelKeyOf(key) : undefined,
    };
    await this.repository.upsert(key, entry);
    if (conversationType === 'channel' && key !== channelKeyOf(key)) {
      const rootKey = channelKeyOf(key);
      await this.repository.upsert(rootKey, {
        ...entry,
        reference: {
          ...entry.reference,
          conversation: { ...conversation, id: rootKey },
          activityId: undefined,
        },
      });
    }
    if (this.written.size >= MAX_REMEMBERED_WRITES) this.written.clear();
    this.written.set(key, fingerprint);
    return key;
  }

  async getReference(key: string): Promise<Partial<ConversationReference> | undefined> {
    const stored = await this.repository.get(key);
    return stored ? (stored.reference as Partial<ConversationReference>) : undefined;
  }
}
