import { ConfigError, SANDBOX_IDENTITIES, configWarnings, parseConfig } from '../../../src/config';

const ADELE = '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52';
const GROUP = 'b5e3c7a1-2d4f-4a6b-8c9d-0e1f2a3b4c01';

const production = {
  NODE_ENV: 'production',
  MicrosoftAppId: '3c5b2a1d-0000-4000-8000-00000000b0b1',
  MicrosoftAppPassword: 'secret-value',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  PARTNER_CENTER_TENANT_ID: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  PARTNER_CENTER_CLIENT_ID: '5d4c3b2a-0000-4000-8000-00000000c0c1',
  PARTNER_CENTER_CLIENT_SECRET: 'pc-secret',
  DATABASE_URL: 'postgres://bot@db.internal:5432/planops',
  ROLE_APPROVERS: ADELE,
  ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  GRAPH_BILLING_TENANT_ID: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  GRAPH_BILLING_CLIENT_ID: '8a7b6c5d-0000-4000-8000-00000000d0d1',
  GRAPH_BILLING_CLIENT_SECRET: 'graph-billing-secret',
  PUBLIC_BASE_URL: 'https://bot.contoso.example',
  DOWNLOAD_LINK_SIGNING_KEY: 'ZG93bmxvYWQtbGluay1zaWduaW5nLWtleS0zMi1ieXQ=',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('role configuration', () => {
  it('sandbox: everyone views, the Playground users are what its sample says (Megan requester, Adele approver and admin)', () => {
    const { roles } = parseConfig({});
    expect(roles.viewers).toEqual(['*']);
    expect(roles.requesters).toEqual([SANDBOX_IDENTITIES.requester.aadObjectId]);
    expect(roles.approvers).toEqual([SANDBOX_IDENTITIES.approver.aadObjectId]);
    expect(roles.admins).toEqual([SANDBOX_IDENTITIES.approver.aadObjectId]);
  });

  it('production denies by default: no role for anyone unless configured, no warning when none is "*"', () => {
    const config = parseConfig({ ...production, ROLE_ADMINS: ADELE });
    expect(config.roles).toMatchObject({ viewers: [], requesters: [], approvers: [ADELE], admins: [ADELE] });
    expect(configWarnings(config)).toEqual([]);
  });

  it('production accepts "*" only when written, and warns at start-up', () => {
    const config = parseConfig({ ...production, ROLE_VIEWERS: '*', ROLE_ADMINS: ADELE });
    expect(config.roles.viewers).toEqual(['*']);
    expect(configWarnings(config)).toEqual([
      "ROLE_VIEWERS is '*': every user of the allowed tenants has that role",
    ]);
  });

  it('warns when production has no administrator to grant roles in Teams', () => {
    expect(configWarnings(parseConfig(production))).toEqual([
      'no ROLE_ADMINS or ROLE_ADMINS_GROUPS: nobody can grant roles or read the audit trail in Teams',
    ]);
  });

  it('reads Entra groups per role and needs the bot app secret to check them in production', () => {
    const config = parseConfig({ ...production, ROLE_APPROVERS: '', ROLE_APPROVERS_GROUPS: GROUP });
    expect(config.roles.groups.approver).toEqual([GROUP]);
    expect(config.directory).toMatchObject({
      clientId: production.MicrosoftAppId,
      baseUrl: 'https://graph.microsoft.com',
    });
    const { MicrosoftAppPassword: _secret, ...withoutSecret } = production;
    expect(
      problemsOf({
        ...withoutSecret,
        MicrosoftAppCertificateThumbprint: 'AB',
        MicrosoftAppCertificatePrivateKeyPath: __filename,
        ROLE_APPROVERS_GROUPS: GROUP,
      }),
    ).toEqual([expect.stringMatching(/^MicrosoftAppPassword: required when roles name Entra groups/)]);
  });

  it('requires approvers in production, by id or by group', () => {
    expect(problemsOf({ ...production, ROLE_APPROVERS: '' })).toEqual([
      'ROLE_APPROVERS: required in production mode (or ROLE_APPROVERS_GROUPS)',
    ]);
    expect(problemsOf({ ...production, ROLE_APPROVERS: '', ROLE_APPROVERS_GROUPS: GROUP })).toEqual([]);
  });

  it('refuses ids that are not GUIDs, and the old ROLE_OPERATORS name, saying what to do', () => {
    expect(problemsOf({ ROLE_REQUESTERS: 'megan' })).toEqual([
      expect.stringMatching(/^ROLE_REQUESTERS\.0: /),
    ]);
    expect(problemsOf({ ROLE_OPERATORS: '*' })).toEqual([
      'ROLE_OPERATORS: renamed to ROLE_REQUESTERS (the operator role is now called requester)',
    ]);
  });

  it('keeps audit entries 365 days unless told otherwise, at least one', () => {
    expect(parseConfig({}).audit.retentionDays).toBe(365);
    expect(parseConfig({ AUDIT_RETENTION_DAYS: '90' }).audit.retentionDays).toBe(90);
    expect(problemsOf({ AUDIT_RETENTION_DAYS: '0' })).toEqual([
      expect.stringMatching(/^AUDIT_RETENTION_DAYS: /),
    ]);
  });
});
