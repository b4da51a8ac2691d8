import type { Logger } from '../logging';
import { silentLogger } from '../logging';

/**
 * Who may do what. Roles come from the configuration (AAD object ids and Entra groups), from the
 * grants admins make in Teams (stored), and the caller's identity on the server: never from card
 * data.
 *
 * - viewer: read-only queries (customers, plans, usage, budgets, orders, invoices, requests);
 * - requester: asks for changes (purchase, suspend, reactivate, upgrade, budgets); implies viewer;
 * - approver: decides other people's requests; implies viewer;
 * - admin: grants and revokes roles, reads the audit trail; implies every other role.
 */
export const ROLES = ['viewer', 'requester', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Per role: AAD object ids ('*': every user of an allowed tenant) and Entra group ids. */
export interface RoleSettings {
  viewers: readonly string[];
  requesters: readonly string[];
  approvers: readonly string[];
  admins: readonly string[];
  groups?: Partial<Record<Role, readonly string[]>>;
}

export interface Caller {
  /** The AAD object id; undefined when the client did not send one (then no role at all). */
  aadObjectId?: string;
  name: string;
  tenantId?: string;
}

/** Entra group membership (Microsoft Graph `checkMemberGroups`), transitive. */
export interface GroupMembership {
  /** The ids among `groupIds` the user is a member of. */
  memberGroups(
    userId: string,
    groupIds: readonly string[],
    options?: { correlationId?: string },
  ): Promise<string[]>;
}

/** Where admins' grants are kept (the store's role_grants). */
export interface RoleGrantSource {
  list(filter?: {
    principalId?: string;
    role?: string;
  }): Promise<Array<{ principalId: string; role: string }>>;
}

export type RoleSource = 'configuration' | 'everyone' | 'group' | 'grant';

/** One reason a caller has a role: where it comes from (the group id for a group). */
export interface RoleAssignment {
  role: Role;
  source: RoleSource;
  groupId?: string;
}

export interface RolePolicyDeps {
  grants?: RoleGrantSource;
  groups?: GroupMembership;
  /** How long a user's group memberships are trusted (default 5 minutes). */
  groupCacheMs?: number;
  now?: () => number;
  logger?: Logger;
}

const SETTINGS_KEY: Record<Role, keyof Omit<RoleSettings, 'groups'>> = {
  viewer: 'viewers',
  requester: 'requesters',
  approver: 'approvers',
  admin: 'admins',
};

/** After a failed look-up, memberships this old are still used rather than none. */
const STALE_GROUPS_MS = 60 * 60_000;
const MAX_CACHED_USERS = 10_000;

/**
 * The caller's roles, from every source, resolved on the server. Grants are read from the store on
 * each resolution (a grant or a revocation counts from the next turn, on every instance); group
 * memberships are cached per user for a few minutes.
 */
export class RolePolicy {
  private readonly groupCache = new Map<string, { groups: string[]; at: number }>();
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly groupIds: string[];

  constructor(
    private readonly settings: RoleSettings,
    private readonly deps: RolePolicyDeps = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger ?? silentLogger();
    this.groupIds = [
      ...new Set(ROLES.flatMap((role) => settings.groups?.[role] ?? []).map((id) => id.toLowerCase())),
    ];
    if (this.groupIds.length > 0 && !deps.groups) {
      throw new Error(
        'Roles name Entra groups, but no directory (Microsoft Graph) is configured to check them',
      );
    }
  }

  /** Every way the caller holds a role, as given (before one role implies another). */
  async assignments(caller: Caller, options: { correlationId?: string } = {}): Promise<RoleAssignment[]> {
    const id = caller.aadObjectId?.toLowerCase();
    if (!id) return [];
    const found: RoleAssignment[] = [];
    for (const role of ROLES) {
      const list = this.settings[SETTINGS_KEY[role]];
      if (list.some((entry) => entry.toLowerCase() === id)) found.push({ role, source: 'configuration' });
      else if (list.includes('*')) found.push({ role, source: 'everyone' });
    }
    if (this.groupIds.length > 0) {
      const member = new Set(await this.groupsOf(id, options.correlationId));
      for (const role of ROLES) {
        for (const groupId of this.settings.groups?.[role] ?? []) {
          if (member.has(groupId.toLowerCase())) found.push({ role, source: 'group', groupId });
        }
      }
    }
    for (const grant of (await this.deps.grants?.list({ principalId: id })) ?? []) {
      if (isRole(grant.role)) found.push({ role: grant.role, source: 'grant' });
    }
    return found;
  }

  /** The caller's effective roles, in the order of ROLES. */
  async rolesOf(caller: Caller, options: { correlationId?: string } = {}): Promise<Role[]> {
    return effectiveRoles((await this.assignments(caller, options)).map((a) => a.role));
  }

  async has(caller: Caller, role: Role): Promise<boolean> {
    return (await this.rolesOf(caller)).includes(role);
  }

  /**
   * The users named for a role, by configuration or by grant (AAD object ids, lower case); '*'
   * and group members cannot be listed. Admins are named for every role they imply.
   */
  async namedMembers(role: Role): Promise<string[]> {
    const ids = new Set<string>();
    const holders = role === 'admin' ? ['admin' as const] : [role, 'admin' as const];
    for (const holder of holders) {
      for (const entry of this.settings[SETTINGS_KEY[holder]])
        if (entry !== '*') ids.add(entry.toLowerCase());
      for (const grant of (await this.deps.grants?.list({ role: holder })) ?? []) ids.add(grant.principalId);
    }
    return [...ids];
  }

  /** The configured side of the roles (for the admins' `roles` card). */
  configured(): { role: Role; members: readonly string[]; groups: readonly string[] }[] {
    return ROLES.map((role) => ({
      role,
      members: this.settings[SETTINGS_KEY[role]],
      groups: this.settings.groups?.[role] ?? [],
    }));
  }

  private async groupsOf(userId: string, correlationId: string | undefined): Promise<string[]> {
    const cached = this.groupCache.get(userId);
    const now = this.now();
    if (cached && now - cached.at < (this.deps.groupCacheMs ?? 5 * 60_000)) return cached.groups;
    try {
      const groups = (
        (await this.deps.groups?.memberGroups(userId, this.groupIds, { correlationId })) ?? []
      ).map((g) => g.toLowerCase());
      if (this.groupCache.size >= MAX_CACHED_USERS) this.groupCache.clear();
      this.groupCache.set(userId, { groups, at: now });
      return groups;
    } catch (error) {
      const stale = cached && now - cached.at < STALE_GROUPS_MS ? cached.groups : [];
      this.logger.warn(
        { err: error, userId, correlationId, usingStale: stale.length > 0 },
        'could not read Entra group memberships; group roles use what was last known',
      );
      return stale;
    }
  }
}

/** What the given roles amount to: admin implies every role, requester and approver imply viewer. */
export function effectiveRoles(given: readonly Role[]): Role[] {
  const roles = new Set<Role>(given);
  if (roles.has('admin')) for (const role of ROLES) roles.add(role);
  if (roles.has('requester') || roles.has('approver')) roles.add('viewer');
  return ROLES.filter((role) => roles.has(role));
}
