import { ConfigError, SANDBOX_IDENTITIES, parseConfig } from '../../../src/config';

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
  ROLE_APPROVERS: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52',
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

describe('configuration', () => {
  it('runs in sandbox mode with nothing set', () => {
    const config = parseConfig({});
    expect(config.mode).toBe('sandbox');
    expect(config.botAuth).toBeUndefined();
    expect(config.partnerCenter).toBeUndefined();
    expect(config.database).toEqual({ kind: 'sqlite', path: './data/azure-plan-ops.sqlite' });
    expect(config.port).toBe(3978);
    expect(config.host).toBe('127.0.0.1');
    expect(config.playground.enabled).toBe(true);
    expect(config.allowedTenantIds).toEqual([SANDBOX_IDENTITIES.tenantId]);
    expect(config.roles.approvers).toEqual([SANDBOX_IDENTITIES.approver.aadObjectId]);
  });

  it('accepts a complete production configuration', () => {
    const config = parseConfig(production);
    expect(config.mode).toBe('production');
    expect(config.botAuth).toMatchObject({ appId: production.MicrosoftAppId, appType: 'SingleTenant' });
    expect(config.partnerCenter?.baseUrl).toBe('https://api.partnercenter.microsoft.com');
    expect(config.database).toEqual({ kind: 'postgres', url: production.DATABASE_URL });
    expect(config.playground.enabled).toBe(false);
    expect(config.allowedTenantIds).toEqual([production.MicrosoftAppTenantId]);
  });

  it('also enters production mode with APP_MODE=production', () => {
    expect(problemsOf({ APP_MODE: 'production' }).length).toBeGreaterThan(0);
  });

  it('refuses production mode listing every missing variable by name', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    for (const name of [
      'MicrosoftAppId',
      'MicrosoftAppType',
      'MicrosoftAppTenantId',
      'MicrosoftAppPassword',
      'PARTNER_CENTER_TENANT_ID',
      'PARTNER_CENTER_CLIENT_ID',
      'PARTNER_CENTER_CLIENT_SECRET',
      'DATABASE_URL',
      'ROLE_APPROVERS',
    ]) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('refuses a multi-tenant bot in production', () => {
    expect(problemsOf({ ...production, MicrosoftAppType: 'MultiTenant' })).toEqual([
      'MicrosoftAppType: must be SingleTenant in production mode (got MultiTenant)',
    ]);
  });

  it('names invalid values', () => {
    const problems = problemsOf({
      ...production,
      MicrosoftAppId: 'not-a-guid',
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^MicrosoftAppId: must be a GUID/),
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^DATABASE_URL: must be a postgres:\/\/ URL/),
      ]),
    );
  });

  it('never puts a secret value in an error message', () => {
    const problems = problemsOf({
      ...production,
      MicrosoftAppId: 'bad',
      MicrosoftAppPassword: 'hunter2-secret',
    });
    expect(problems.join('\n')).not.toContain('hunter2-secret');
  });

  it('refuses half a Partner Center configuration in sandbox mode', () => {
    expect(problemsOf({ PARTNER_CENTER_CLIENT_ID: production.PARTNER_CENTER_CLIENT_ID })[0]).toMatch(
      /set all three/,
    );
  });

  it('turns on Bot Framework auth in sandbox mode when app credentials are set', () => {
    const config = parseConfig({ MicrosoftAppId: production.MicrosoftAppId, MicrosoftAppPassword: 'x' });
    expect(config.mode).toBe('sandbox');
    expect(config.botAuth?.appId).toBe(production.MicrosoftAppId);
  });
});
