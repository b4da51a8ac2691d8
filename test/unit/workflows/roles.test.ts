import { RolePolicy } from '../../../src/workflows/roles';

describe('RolePolicy', () => {
  const policy = new RolePolicy({
    operators: ['*'],
    approvers: ['6F3A1C2E-8B4D-4E5F-9A7B-0C1D2E3F4A52', 'a1'],
    admins: ['a1'],
  });

  it('grants roles from the settings by AAD object id, case-insensitively, and "*" to everyone', () => {
    expect(policy.rolesOf({ name: 'Adele', aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52' })).toEqual([
      'reader',
      'operator',
      'approver',
    ]);
    expect(policy.rolesOf({ name: 'Lee', aadObjectId: 'someone-else' })).toEqual(['reader', 'operator']);
    expect(policy.rolesOf({ name: 'No id' })).toEqual(['reader']);
  });

  it('lists the users named for a role, never "*"', () => {
    expect(policy.namedMembers('approver')).toEqual(['6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52', 'a1']);
    expect(policy.namedMembers('operator')).toEqual([]);
  });
});
