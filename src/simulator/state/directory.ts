/**
 * The partner tenant's Entra directory as Microsoft Graph shows it to the bot: users (the Agents
 * Playground's, so the sandbox's people exist) and security groups with their members. Membership is
 * transitive through nested groups, as Graph's checkMemberGroups is.
 */

export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  /** User or group ids. */
  members: Set<string>;
}

/** The users of .m365agentsplayground.yml (same ids), and two groups for role tests. */
const SEED_USERS: DirectoryUser[] = [
  ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a51', 'Megan Bowen', 'meganb'],
  ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52', 'Adele Vance', 'adelev'],
  ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53', 'Isaiah Langer', 'isaiahl'],
  ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a54', 'Patti Fernandez', 'pattif'],
  ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a55', 'Lynne Robbins', 'lynner'],
  ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a56', 'Alex Wilber', 'alexw'],
  ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a59', 'Lee Gu', 'leeg'],
].map(([id, displayName, alias]) => ({
  id,
  displayName,
  userPrincipalName: `${alias}@contoso-csp.example.com`,
}));

/** "CSP Approvers" holds Isaiah Langer; "CSP Operations" holds Patti Fernandez and the approvers group. */
export const SEED_GROUPS = {
  approvers: 'b5e3c7a1-2d4f-4a6b-8c9d-0e1f2a3b4c01',
  operations: 'b5e3c7a1-2d4f-4a6b-8c9d-0e1f2a3b4c02',
} as const;

export class Directory {
  private readonly users = new Map<string, DirectoryUser>();
  private readonly groups = new Map<string, DirectoryGroup>();

  constructor() {
    for (const user of SEED_USERS) this.users.set(user.id, user);
    this.addGroup(SEED_GROUPS.approvers, 'CSP Approvers', ['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53']);
    this.addGroup(SEED_GROUPS.operations, 'CSP Operations', [
      '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a54',
      SEED_GROUPS.approvers,
    ]);
  }

  user(id: string): DirectoryUser | undefined {
    return this.users.get(id.toLowerCase());
  }

  addUser(user: DirectoryUser): void {
    this.users.set(user.id.toLowerCase(), { ...user, id: user.id.toLowerCase() });
  }

  addGroup(id: string, displayName: string, members: readonly string[] = []): DirectoryGroup {
    const group = {
      id: id.toLowerCase(),
      displayName,
      members: new Set(members.map((m) => m.toLowerCase())),
    };
    this.groups.set(group.id, group);
    return group;
  }

  group(id: string): DirectoryGroup | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** Adds (true) or removes (false) a member; creates the group if it does not exist. */
  setMember(groupId: string, memberId: string, member: boolean): void {
    const group = this.group(groupId) ?? this.addGroup(groupId, `Group ${groupId.slice(0, 8)}`);
    if (member) group.members.add(memberId.toLowerCase());
    else group.members.delete(memberId.toLowerCase());
  }

  /** Whether `memberId` is in the group, directly or through nested groups. */
  isMember(groupId: string, memberId: string, seen: Set<string> = new Set()): boolean {
    const group = this.group(groupId);
    if (!group || seen.has(group.id)) return false;
    seen.add(group.id);
    const id = memberId.toLowerCase();
    if (group.members.has(id)) return true;
    return [...group.members].some((nested) => this.groups.has(nested) && this.isMember(nested, id, seen));
  }

  view(): { users: DirectoryUser[]; groups: Array<{ id: string; displayName: string; members: string[] }> } {
    return {
      users: [...this.users.values()],
      groups: [...this.groups.values()].map((g) => ({
        id: g.id,
        displayName: g.displayName,
        members: [...g.members],
      })),
    };
  }
}
