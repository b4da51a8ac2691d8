import { CardFactory, type AdaptiveCardInvokeResponse } from 'botbuilder';
import { z } from 'zod';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import { t, type Locale } from '../../i18n';
import { formatInstant } from '../../i18n/format';
import type { AuditEntryInput, RoleGrantRepository } from '../../store';
import { ROLES, type Role, type RolePolicy } from '../../workflows/roles';
import { normalizeWord } from '../commands';
import { refuseRole } from '../features/startDialog';
import { invokeCard, invokeForbidden, invokeInvalidSubmission } from '../invokeResponses';
import type { TurnServices } from '../turnServices';
import type { CommandHandler, VerbHandler } from './types';

export interface RoleHandlerDeps {
  roles: Pick<RolePolicy, 'configured'>;
  grants: RoleGrantRepository;
  audit: { append(entry: AuditEntryInput): Promise<unknown> };
  /** Names of people (Microsoft Graph); without it a grant shows the object id. */
  people?: { displayName(userId: string, options?: { correlationId?: string }): Promise<string | undefined> };
}

/** The configuration setting of each role (the roles card says where a role comes from). */
const SETTINGS: Record<Role, string> = {
  viewer: 'ROLE_VIEWERS',
  requester: 'ROLE_REQUESTERS',
  approver: 'ROLE_APPROVERS',
  admin: 'ROLE_ADMINS',
};

/** The words that name a role, in English and French (matched without case or accents). */
const ROLE_WORDS: Record<string, Role> = {
  viewer: 'viewer',
  viewers: 'viewer',
  lecteur: 'viewer',
  requester: 'requester',
  requesters: 'requester',
  demandeur: 'requester',
  approver: 'approver',
  approvers: 'approver',
  approbateur: 'approver',
  admin: 'admin',
  admins: 'admin',
  administrator: 'admin',
  administrateur: 'admin',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const grantData = z.object({
  role: z.string().max(40),
  /** The people picker's value: the chosen user's AAD object id. */
  userId: z.string().max(200).optional(),
  userIdText: z.string().max(200).optional(),
});
const revokeData = z.object({ role: z.string().max(40), userId: z.string().max(200) });

type Outcome = { ok: true; notice: string } | { ok: false; notice: string };

export function roleOf(word: string | undefined): Role | undefined {
  return word === undefined ? undefined : ROLE_WORDS[normalizeWord(word)];
}

/**
 * `roles`, `grant` and `revoke` (administrators), and the roles card's verbs. A grant or a
 * revocation is stored with its audit record in one transaction and counts from the person's next
 * turn (roles are resolved on every turn). Refusals are audited (`roles.<verb>.refused`).
 */
export function roleHandlers(deps: RoleHandlerDeps): {
  commands: Record<'roles' | 'grant' | 'revoke', CommandHandler>;
  verbs: Record<string, VerbHandler>;
} {
  const send = async (context: Parameters<CommandHandler>[0]['context'], card: AdaptiveCard) => {
    await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  };

  /** `action`: the refusal's own audit record; without it the router's read audit records it. */
  const adminOnly =
    (action: string | undefined, handler: CommandHandler): CommandHandler =>
    async (request) => {
      if (!request.services.roles.includes('admin')) {
        if (action) await refused(deps, request.services, action, 'forbidden');
        await refuseRole(request.context, request.services, 'admin');
        return;
      }
      await handler(request);
    };

  const adminVerb =
    (action: string, handler: VerbHandler): VerbHandler =>
    async (request) => {
      if (!request.services.roles.includes('admin')) {
        await refused(deps, request.services, action, 'forbidden');
        return invokeForbidden(request.services, 'admin');
      }
      return handler(request);
    };

  const commands = {
    roles: adminOnly(undefined, async ({ context, services }) => {
      await send(context, await rolesCard(deps, services, {}));
    }),

    grant: adminOnly('roles.grant', async ({ context, services, args }) => {
      const [roleWord, userId] = args;
      if (roleWord === undefined || userId === undefined) {
        const role = roleOf(roleWord);
        await send(context, await rolesCard(deps, services, { selectedRole: role }));
        return;
      }
      const outcome = await grant(deps, services, roleWord, userId);
      await send(context, await rolesCard(deps, services, { notice: outcome }));
    }),

    revoke: adminOnly('roles.revoke', async ({ context, services, args }) => {
      const [roleWord, userId] = args;
      if (roleWord === undefined || userId === undefined) {
        await send(context, await rolesCard(deps, services, {}));
        return;
      }
      const outcome = await revoke(deps, services, roleWord, userId);
      await send(context, await rolesCard(deps, services, { notice: outcome }));
    }),
  };

  const verbs: Record<string, VerbHandler> = {
    'roles.grant': adminVerb(
      'roles.grant',
      async ({ services, data }): Promise<AdaptiveCardInvokeResponse> => {
        const parsed = grantData.safeParse(data);
        if (!parsed.success) return invokeInvalidSubmission(services);
        const picked = parsed.data.userId?.trim() || parsed.data.userIdText?.trim() || '';
        const outcome = await grant(deps, services, parsed.data.role, picked);
        return invokeCard(await rolesCard(deps, services, { notice: outcome }));
      },
    ),
    'roles.revoke': adminVerb('roles.revoke', async ({ services, data }) => {
      const parsed = revokeData.safeParse(data);
      if (!parsed.success) return invokeInvalidSubmission(services);
      const outcome = await revoke(deps, services, parsed.data.role, parsed.data.userId);
      return invokeCard(await rolesCard(deps, services, { notice: outcome }));
    }),
  };
  return { commands, verbs };
}

async function grant(
  deps: RoleHandlerDeps,
  services: TurnServices,
  roleWord: string,
  userId: string,
): Promise<Outcome> {
  const checked = await checkTarget(deps, services, 'roles.grant', roleWord, userId);
  if (!checked.ok) return checked;
  const { role, id } = checked;
  const name = await nameOf(deps, services, id);
  const granted = await deps.grants.grant(
    {
      principalId: id,
      role,
      principalName: name,
      grantedBy: services.caller.aadObjectId ?? 'unknown',
      grantedByName: services.caller.name,
    },
    entry(services, 'roles.grant', 'granted', { role, principalId: id, principalName: name ?? null }),
  );
  const words = { name: name ?? id, role: t(services.locale, `roles.${role}`) };
  return {
    ok: true,
    notice: t(
      services.locale,
      granted ? 'governance.messages.granted' : 'governance.messages.alreadyGranted',
      words,
    ),
  };
}

async function revoke(
  deps: RoleHandlerDeps,
  services: TurnServices,
  roleWord: string,
  userId: string,
): Promise<Outcome> {
  const checked = await checkTarget(deps, services, 'roles.revoke', roleWord, userId);
  if (!checked.ok) return checked;
  const { role, id } = checked;
  if (role === 'admin' && id === services.caller.aadObjectId?.toLowerCase()) {
    await refused(deps, services, 'roles.revoke', 'self-admin', { role, principalId: id });
    return {
      ok: false,
      notice: t(services.locale, 'governance.messages.selfAdmin', { correlationId: services.correlationId }),
    };
  }
  const [existing] = await deps.grants.list({ principalId: id, role });
  const name = existing?.principalName ?? id;
  const revoked = await deps.grants.revoke(
    id,
    role,
    entry(services, 'roles.revoke', 'revoked', { role, principalId: id, principalName: name }),
  );
  const words = { name, role: t(services.locale, `roles.${role}`) };
  return {
    ok: true,
    notice: t(
      services.locale,
      revoked ? 'governance.messages.revoked' : 'governance.messages.notGranted',
      words,
    ),
  };
}

async function checkTarget(
  deps: RoleHandlerDeps,
  services: TurnServices,
  action: string,
  roleWord: string,
  userId: string,
): Promise<{ ok: true; role: Role; id: string } | { ok: false; notice: string }> {
  const { locale, correlationId } = services;
  const role = roleOf(roleWord);
  if (!role) {
    await refused(deps, services, action, 'unknown-role');
    return {
      ok: false,
      notice: t(locale, 'governance.messages.badRole', { text: roleWord.slice(0, 40), correlationId }),
    };
  }
  const id = userId.trim();
  if (!GUID.test(id)) {
    await refused(deps, services, action, 'invalid-user', { role });
    return { ok: false, notice: t(locale, 'governance.messages.badUser', { correlationId }) };
  }
  return { ok: true, role, id: id.toLowerCase() };
}

async function nameOf(
  deps: RoleHandlerDeps,
  services: TurnServices,
  id: string,
): Promise<string | undefined> {
  try {
    return await deps.people?.displayName(id, { correlationId: services.correlationId });
  } catch (error) {
    services.logger.warn({ err: error }, 'could not read the name of a person from the directory');
    return undefined;
  }
}

function entry(
  services: TurnServices,
  action: string,
  outcome: string,
  details: Record<string, string | null>,
): AuditEntryInput {
  return {
    actorId: services.caller.aadObjectId ?? 'unknown',
    actorName: services.caller.name,
    action,
    outcome,
    tenantId: services.tenantId,
    conversationId: services.conversationId || undefined,
    correlationId: services.correlationId,
    details,
  };
}

async function refused(
  deps: RoleHandlerDeps,
  services: TurnServices,
  action: string,
  reason: string,
  details: Record<string, string> = {},
): Promise<void> {
  try {
    await deps.audit.append(entry(services, `${action}.refused`, reason, details));
  } catch (error) {
    services.logger.error({ err: error, action }, 'could not audit a refused role change');
  }
}

/** Who has which role, from where; revoke buttons on grants; the people picker to grant one. */
export async function rolesCard(
  deps: RoleHandlerDeps,
  services: TurnServices,
  options: { notice?: Outcome; selectedRole?: Role },
): Promise<AdaptiveCard> {
  const { locale } = services;
  const grants = await deps.grants.list();
  const configured = deps.roles.configured();
  const roles = ROLES.map((role) => {
    const setting = SETTINGS[role];
    const mine = configured.find((c) => c.role === role);
    const members = [
      ...(mine?.members ?? []).map((entry) =>
        entry === '*'
          ? { label: t(locale, 'governance.roles.everyone'), source: source(locale, 'everyone', { setting }) }
          : { label: entry, source: source(locale, 'configuration', { setting }) },
      ),
      ...(mine?.groups ?? []).map((id) => ({
        label: t(locale, 'governance.roles.group', { id }),
        source: source(locale, 'group', { setting }),
      })),
      ...grants
        .filter((g) => g.role === role)
        .map((g) => ({
          label: g.principalName ? `${g.principalName} (${g.principalId})` : g.principalId,
          source: source(locale, 'grant', {
            by: g.grantedByName ?? g.grantedBy,
            at: formatInstant(g.grantedAt, locale),
          }),
          revoke: { role, userId: g.principalId },
        })),
    ];
    return { title: t(locale, `roles.${role}`), members };
  });
  return renderCard(
    'roles',
    {
      notice: options.notice?.notice ?? null,
      tone: options.notice && !options.notice.ok ? 'error' : 'good',
      roles,
      grantForm: {
        role: options.selectedRole ?? '',
        roles: ROLES.map((role) => ({ title: t(locale, `roles.${role}`), value: role })),
        people: knownPeople(services, grants),
      },
    },
    locale,
  );
}

/**
 * The people the picker offers before anyone types (Teams then searches the whole organization
 * through `graph.microsoft.com/users`): the caller and the people granted a role so far.
 */
function knownPeople(
  services: TurnServices,
  grants: ReadonlyArray<{ principalId: string; principalName?: string }>,
): Array<{ title: string; value: string }> {
  const people = new Map<string, string>();
  const me = services.caller.aadObjectId?.toLowerCase();
  if (me) people.set(me, services.caller.name);
  for (const grant of grants) {
    if (!people.has(grant.principalId))
      people.set(grant.principalId, grant.principalName ?? grant.principalId);
  }
  return [...people].map(([value, name]) => ({
    title: name === value ? value : `${name} (${value})`,
    value,
  }));
}

function source(locale: Locale, kind: string, params: Record<string, string>): string {
  return t(locale, `governance.roles.sources.${kind}`, params);
}
