import type { Activity } from 'botbuilder';
import type { AuditEntryInput } from '../store';

/**
 * Which tenant an activity comes from, and whether it may talk to the bot. Teams puts the tenant in
 * `channelData.tenant.id` on every activity: that is the authority. An activity without it, or whose
 * `conversation.tenantId` names another tenant, is refused like a foreign one, in every mode.
 */
export type TenantRefusal = 'missing' | 'mismatch' | 'foreign';

export type TenantDecision =
  | { allowed: true; tenantId: string }
  | {
      allowed: false;
      reason: TenantRefusal;
      channelTenantId?: string;
      conversationTenantId?: string;
    };

/** `channelData.tenant.id`, when it is a non-empty string. */
export function channelTenantIdOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } | null } | null | undefined;
  const id = channelData?.tenant?.id;
  return typeof id === 'string' && id.trim().length > 0 ? id.trim() : undefined;
}

export function decideTenant(
  activity: Partial<Activity>,
  allowedTenantIds: readonly string[],
): TenantDecision {
  const channelTenantId = channelTenantIdOf(activity);
  const raw = activity.conversation?.tenantId;
  const conversationTenantId = typeof raw === 'string' && raw.trim().length > 0 ? raw.trim() : undefined;
  const seen = { channelTenantId, conversationTenantId };
  if (!channelTenantId) return { allowed: false, reason: 'missing', ...seen };
  if (conversationTenantId && !sameTenant(conversationTenantId, channelTenantId)) {
    return { allowed: false, reason: 'mismatch', ...seen };
  }
  if (!allowedTenantIds.some((allowed) => sameTenant(allowed, channelTenantId))) {
    return { allowed: false, reason: 'foreign', ...seen };
  }
  return { allowed: true, tenantId: channelTenantId };
}

function sameTenant(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

const MAX_AUDITED_LENGTH = 200;

/**
 * The audit record of a refusal: the tenant ids seen, the conversation and who sent it; never the
 * message text. Every value comes from the caller, so each is cut to a bounded length.
 */
export function tenantRefusalAudit(
  activity: Partial<Activity>,
  decision: Extract<TenantDecision, { allowed: false }>,
  correlationId: string,
): AuditEntryInput {
  const cut = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_AUDITED_LENGTH) : undefined;
  const details: Record<string, string> = {};
  const put = (key: string, value: unknown) => {
    const text = cut(value);
    if (text !== undefined) details[key] = text;
  };
  put('reason', decision.reason);
  put('channelTenantId', decision.channelTenantId);
  put('conversationTenantId', decision.conversationTenantId);
  put('conversationId', activity.conversation?.id);
  put('conversationType', activity.conversation?.conversationType);
  put('activityType', activity.type);
  put('activityName', activity.name);
  put('channelId', activity.channelId);
  return {
    actorId: cut(activity.from?.aadObjectId) ?? cut(activity.from?.id) ?? 'unknown',
    actorName: cut(activity.from?.name),
    action: 'tenant.refused',
    outcome: 'refused',
    correlationId,
    details,
  };
}
