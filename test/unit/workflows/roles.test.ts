import { RolePolicy, effectiveRoles, type GroupMembership } from '../../../src/workflows/roles';

const ADELE = '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52';
const MEGAN = '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a51';
const APPROVERS_GROUP = 'a0a0a0a0-0000-4000-8000-00000000000a';

/** A directory that answers from a fixed table and counts the questions (a stand-in for Graph). */
class TableDirectory implements GroupMembership {
  calls = 0;
  failing = false;
  constructor(private readonly members: Record<string, string[]>) {}
  async memberGroups(userId: string, groupIds: readonly string[]): Promise<string[]> {
    this.calls += 1;
    if (this.failing) throw new Error('Graph is down');
    return (this.members[userId] ?? []).filter((g) => groupIds.includes(g));
  }
}

describe('RolePolicy', () => {
  const policy = new RolePolicy({
    viewers: ['*'],
    requesters: [MEGAN],
    approvers: [ADELE.toUpperCase(), 'a1'],
    admins: ['a1'],
  });

  it('grants roles from the settings by AAD object id, case-insensitively, and "*" to everyone', async () => {
    expect(await policy.rolesOf({ name: 'Adele', aadObjectId: ADELE })).toEqual(['viewer', 'approver']);
    expect(await policy.rolesOf({ name: 'Megan', aadObjectId: MEGAN })).toEqual(['viewer', 'requester']);
    expect(await policy.rolesOf({ name: 'Lee', aadObjectId: 'someone-else' })).toEqual(['viewer']);
    expect(await policy.rolesOf({ name: 'No id' })).toEqual([]);
  });

  it('makes admin imply every role, and requester or approver imply viewer', async () => {
    expect(await policy.rolesOf({ name: 'Admin', aadObjectId: 'a1' })).toEqual([
      'viewer',
      'requester',
      'approver',
      'admin',
    ]);
    expect(effectiveRoles(['approver'])).toEqual(['viewer', 'approver']);
    expect(effectiveRoles([])).toEqual([]);
  });

  it('denies everything when nothing is configured (production defaults)', async () => {
    const empty = new RolePolicy({ viewers: [], requesters: [], approvers: [], admins: [] });
    expect(await empty.rolesOf({ name: 'Megan', aadObjectId: MEGAN })).toEqual([]);
  });

  it('says where each role comes from', async () => {
    expect(await policy.assignments({ name: 'Megan', aadObjectId: MEGAN })).toEqual([
      { role: 'viewer', source: 'everyone' },
      { role: 'requester', source: 'configuration' },
    ]);
  });

  it('lists the users named for a role (admins with it), never "*"', async () => {
    expect(await policy.namedMembers('approver')).toEqual([ADELE, 'a1']);
    expect(await policy.namedMembers('viewer')).toEqual(['a1']);
  });

  it('adds the roles of stored grants, read on every resolution', async () => {
    const grants: Array<{ principalId: string; role: string }> = [];
    const granted = new RolePolicy(
      { viewers: [], requesters: [], approvers: [], admins: [] },
      { grants: { list: async (filter) => grants.filter((g) => g.principalId === filter?.principalId) } },
    );
    expect(await granted.rolesOf({ name: 'Megan', aadObjectId: MEGAN })).toEqual([]);
    grants.push({ principalId: MEGAN, role: 'requester' }, { principalId: MEGAN, role: 'nonsense' });
    expect(await granted.rolesOf({ name: 'Megan', aadObjectId: MEGAN.toUpperCase() })).toEqual([
      'viewer',
      'requester',
    ]);
  });

  it('adds the roles of Entra groups, cached for a while, and keeps the last known ones when Graph fails', async () => {
    let now = 0;
    const directory = new TableDirectory({ [ADELE]: [APPROVERS_GROUP] });
    const grouped = new RolePolicy(
      { viewers: [], requesters: [], approvers: [], admins: [], groups: { approver: [APPROVERS_GROUP] } },
      { groups: directory, groupCacheMs: 1_000, now: () => now },
    );
    const adele = { name: 'Adele', aadObjectId: ADELE };
    expect(await grouped.rolesOf(adele)).toEqual(['viewer', 'approver']);
    expect(await grouped.assignments(adele)).toEqual([
      { role: 'approver', source: 'group', groupId: APPROVERS_GROUP },
    ]);
    expect(directory.calls).toBe(1); // the second look-up came from the cache
    now += 1_001;
    directory.failing = true;
    expect(await grouped.rolesOf(adele)).toEqual(['viewer', 'approver']);
    expect(directory.calls).toBe(2);
    expect(await grouped.rolesOf({ name: 'Megan', aadObjectId: MEGAN })).toEqual([]);
  });

  it('refuses group settings without a directory to check them', () => {
    expect(
      () =>
        new RolePolicy({
          viewers: [],
          requesters: [],
          approvers: [],
          admins: [],
          groups: { admin: [APPROVERS_GROUP] },
        }),
    ).toThrow(/no directory/);
  });
});
