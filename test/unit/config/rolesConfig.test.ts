import { SANDBOX_IDENTITIES, configWarnings, parseConfig } from '../../../src/config';
import { PRODUCTION_ENV, configProblems } from '../../support/productionEnv';

const ADELE = '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52';
const GROUP = 'b5e3c7a1-2d4f-4a6b-8c9d-0e1f2a3b4c01';

describe('role configuration', () => {
  it('sandbox: everyone views, the Playground users are what its sample says (Megan requester, Adele approver and admin)', () => {
    const { roles } = parseConfig({});
    expect(roles.viewers).toEqual(['*']);
    expect(roles.requesters).toEqual([SANDBOX_IDENTITIES.requester.aadObjectId]);
    expect(roles.approvers).toEqual([SANDBOX_IDENTITIES.approver.aadObjectId]);
    expect(roles.admins).toEqual([SANDBOX_IDENTITIES.approver.aadObjectId]);
  });

  it('production denies by default: no role for anyone unless configured, no warning when none is "*"', () => {
    const config = parseConfig({ ...PRODUCTION_ENV, ROLE_ADMINS: ADELE });
    expect(config.roles).toMatchObject({ viewers: [], requesters: [], approvers: [ADELE], admins: [ADELE] });
    expect(configWarnings(config)).toEqual([]);
  });

  it('production accepts "*" only when written, and warns at start-up', () => {
    const config = parseConfig({ ...PRODUCTION_ENV, ROLE_VIEWERS: '*', ROLE_ADMINS: ADELE });
    expect(config.roles.viewers).toEqual(['*']);
    expect(configWarnings(config)).toEqual([
      "ROLE_VIEWERS is '*': every user of the allowed tenants has that role",
    ]);
  });

  it('warns when production has no administrator to grant roles in Teams', () => {
    expect(configWarnings(parseConfig(PRODUCTION_ENV))).toEqual([
      'no ROLE_ADMINS or ROLE_ADMINS_GROUPS: nobody can grant roles or read the audit trail in Teams',
    ]);
  });

  it('reads Entra groups per role and needs the bot app secret to check them in production', () => {
    const config = parseConfig({ ...PRODUCTION_ENV, ROLE_APPROVERS: '', ROLE_APPROVERS_GROUPS: GROUP });
    expect(config.roles.groups.approver).toEqual([GROUP]);
    expect(config.directory).toMatchObject({
      clientId: PRODUCTION_ENV.MicrosoftAppId,
      baseUrl: 'https://graph.microsoft.com',
    });
    const { MicrosoftAppPassword: _secret, ...withoutSecret } = PRODUCTION_ENV;
    expect(
      configProblems({
        ...withoutSecret,
        MicrosoftAppCertificateThumbprint: 'AB',
        MicrosoftAppCertificatePrivateKeyPath: __filename,
        ROLE_APPROVERS_GROUPS: GROUP,
      }),
    ).toEqual([expect.stringMatching(/^MicrosoftAppPassword: required when roles name Entra groups/)]);
  });

  it('requires approvers in production, by id or by group', () => {
    expect(configProblems({ ...PRODUCTION_ENV, ROLE_APPROVERS: '' })).toEqual([
      'ROLE_APPROVERS: required in production mode (or ROLE_APPROVERS_GROUPS)',
    ]);
    expect(configProblems({ ...PRODUCTION_ENV, ROLE_APPROVERS: '', ROLE_APPROVERS_GROUPS: GROUP })).toEqual(
      [],
    );
  });

  it('refuses ids that are not GUIDs, and the old ROLE_OPERATORS name, saying what to do', () => {
    expect(configProblems({ ROLE_REQUESTERS: 'megan' })).toEqual([
      expect.stringMatching(/^ROLE_REQUESTERS\.0: /),
    ]);
    expect(configProblems({ ROLE_OPERATORS: '*' })).toEqual([
      'ROLE_OPERATORS: renamed to ROLE_REQUESTERS (the operator role is now called requester)',
    ]);
  });

  it('keeps audit entries 365 days unless told otherwise, at least one', () => {
    expect(parseConfig({}).audit.retentionDays).toBe(365);
    expect(parseConfig({ AUDIT_RETENTION_DAYS: '90' }).audit.retentionDays).toBe(90);
    expect(configProblems({ AUDIT_RETENTION_DAYS: '0' })).toEqual([
      expect.stringMatching(/^AUDIT_RETENTION_DAYS: /),
    ]);
  });
});
