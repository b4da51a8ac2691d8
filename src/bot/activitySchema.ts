import { z } from 'zod';

/**
 * The fields the bot relies on, checked before an activity reaches the adapter: a malformed activity
 * gets a 400 with the failing path instead of an exception deep inside a turn.
 */
const account = z.object({ id: z.string().min(1) }).passthrough();
const conversation = z.object({ id: z.string().min(1) }).passthrough();

const conversational = z
  .object({
    type: z.string().min(1),
    channelId: z.string().min(1),
    serviceUrl: z.string().url(),
    from: account,
    recipient: account.optional(),
    conversation,
  })
  .passthrough();

const NEEDS_CONVERSATION = new Set([
  'message',
  'invoke',
  'conversationUpdate',
  'installationUpdate',
  'messageReaction',
]);

export type ActivityCheck = { ok: true } | { ok: false; message: string };

export function checkInboundActivity(body: unknown): ActivityCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'the request body must be a JSON object (a Bot Framework activity)' };
  }
  const type = (body as { type?: unknown }).type;
  if (typeof type !== 'string' || type.length === 0) return { ok: false, message: 'type: required' };
  if (!NEEDS_CONVERSATION.has(type)) return { ok: true };
  const parsed = conversational.safeParse(body);
  if (parsed.success) return { ok: true };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `${issue.path.join('.')}: ${issue.message}` };
}
