import { randomUUID } from 'node:crypto';

/** Activities shaped as Microsoft Teams sends them (ids, channelData, tenant, mentions, invokes). */
export const TENANT_ID = '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d';
export const BOT_ID = '28:azure-plan-ops-bot';

export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
}

export const REQUESTER: TeamsUser = {
  id: '29:requester-megan',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a51',
  name: 'Megan Bowen',
};
export const APPROVER: TeamsUser = {
  id: '29:approver-adele',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52',
  name: 'Adele Vance',
};
export const OUTSIDER: TeamsUser = {
  id: '29:outsider-lee',
  aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a59',
  name: 'Lee Gu',
};

export interface ActivityOptions {
  serviceUrl: string;
  user?: TeamsUser;
  locale?: string;
  /** The caller's tenant, in channelData.tenant.id and conversation.tenantId (as Teams sends it). */
  tenantId?: string;
  /** Overrides for one place only (null: leave it out), to forge what Teams never sends. */
  channelTenantId?: string | null;
  conversationTenantId?: string | null;
  conversationId?: string;
}

/** channelData.tenant as Teams sends it: the authority on the caller's tenant. */
function tenantData(options: ActivityOptions): Record<string, unknown> {
  const id =
    options.channelTenantId === undefined ? (options.tenantId ?? TENANT_ID) : options.channelTenantId;
  return id === null ? {} : { tenant: { id } };
}

export type TeamsActivity = Record<string, unknown> & { id: string; type: string };

function base(options: ActivityOptions, conversation: Record<string, unknown>): TeamsActivity {
  const user = options.user ?? REQUESTER;
  const tenantId =
    options.conversationTenantId === undefined
      ? (options.tenantId ?? TENANT_ID)
      : options.conversationTenantId;
  return {
    id: randomUUID(),
    type: 'message',
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl: options.serviceUrl,
    channelId: 'msteams',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BOT_ID, name: 'Azure Plan Ops' },
    conversation: { ...(tenantId === null ? {} : { tenantId }), ...conversation },
    channelData: tenantData(options),
    locale: options.locale ?? 'en-US',
    entities: [{ type: 'clientInfo', locale: options.locale ?? 'en-US', country: 'US', platform: 'Web' }],
  };
}

export function personalMessage(text: string, options: ActivityOptions): TeamsActivity {
  return {
    ...base(options, {
      conversationType: 'personal',
      id: options.conversationId ?? `a:personal-${(options.user ?? REQUESTER).aadObjectId}`,
    }),
    text,
    textFormat: 'plain',
  };
}

export const TEAM_ID = '19:team-csp-operations@thread.tacv2';
export const GENERAL_CHANNEL = '19:general-channel@thread.tacv2';
export const APPROVALS_CHANNEL = '19:approvals-channel@thread.tacv2';

export function channelMessageWithMention(
  text: string,
  options: ActivityOptions & { channelId?: string },
): TeamsActivity {
  const channelId = options.channelId ?? GENERAL_CHANNEL;
  const mention = '<at>Azure Plan Ops</at>';
  const activity = base(options, {
    conversationType: 'channel',
    isGroup: true,
    id: options.conversationId ?? `${channelId};messageid=${Date.now()}`,
  });
  return {
    ...activity,
    text: `${mention} ${text}`,
    textFormat: 'plain',
    entities: [
      ...((activity.entities as unknown[]) ?? []),
      { type: 'mention', text: mention, mentioned: { id: BOT_ID, name: 'Azure Plan Ops' } },
    ],
    channelData: {
      ...tenantData(options),
      team: { id: TEAM_ID, name: 'CSP Operations', aadGroupId: randomUUID() },
      channel: { id: channelId, name: channelId === APPROVALS_CHANNEL ? 'Approvals' : 'General' },
      teamsTeamId: TEAM_ID,
      teamsChannelId: channelId,
    },
  };
}

export function installationUpdate(
  options: ActivityOptions & { scope?: 'personal' | 'team' },
): TeamsActivity {
  const scope = options.scope ?? 'personal';
  const activity = base(
    options,
    scope === 'team'
      ? { conversationType: 'channel', isGroup: true, id: GENERAL_CHANNEL }
      : { conversationType: 'personal', id: `a:personal-${(options.user ?? REQUESTER).aadObjectId}` },
  );
  return {
    ...activity,
    type: 'installationUpdate',
    action: 'add',
    channelData: {
      ...(activity.channelData as Record<string, unknown>),
      source: { name: 'message' },
      ...(scope === 'team'
        ? { team: { id: TEAM_ID, name: 'CSP Operations' }, channel: { id: GENERAL_CHANNEL } }
        : {}),
    },
  };
}

/** An `adaptiveCard/action` invoke, as Teams sends it when a user clicks an Action.Execute button. */
export function cardAction(
  verb: string,
  data: Record<string, unknown>,
  options: ActivityOptions & { replyToId?: string; conversationType?: 'personal' | 'channel' },
): TeamsActivity {
  const conversation =
    options.conversationType === 'channel'
      ? {
          conversationType: 'channel',
          isGroup: true,
          id: options.conversationId ?? `${GENERAL_CHANNEL};messageid=1`,
        }
      : {
          conversationType: 'personal',
          id: options.conversationId ?? `a:personal-${(options.user ?? REQUESTER).aadObjectId}`,
        };
  return {
    ...base(options, conversation),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: options.replyToId ?? 'activity-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
