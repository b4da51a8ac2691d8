import { SANDBOX_IDENTITIES, parseConfig } from '../../../src/config';
import { PRODUCTION_ENV, configProblems } from '../../support/productionEnv';

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

  it("offers 'act as' the Playground's people in the sandbox only", () => {
    expect(parseConfig({}).actAs?.people.map((p) => p.name)).toContain(SANDBOX_IDENTITIES.approver.name);
    expect(parseConfig({ PLAYGROUND: 'false' }).actAs?.people).toEqual(SANDBOX_IDENTITIES.people);
    expect(parseConfig(PRODUCTION_ENV).actAs).toBeUndefined();
  });

  it('accepts a complete production configuration', () => {
    const config = parseConfig(PRODUCTION_ENV);
    expect(config.mode).toBe('production');
    expect(config.botAuth).toMatchObject({ appId: PRODUCTION_ENV.MicrosoftAppId, appType: 'SingleTenant' });
    expect(config.partnerCenter?.baseUrl).toBe('https://api.partnercenter.microsoft.com');
    expect(config.database).toEqual({ kind: 'postgres', url: PRODUCTION_ENV.DATABASE_URL });
    expect(config.playground.enabled).toBe(false);
    expect(config.allowedTenantIds).toEqual([PRODUCTION_ENV.MicrosoftAppTenantId]);
  });

  it('also enters production mode with APP_MODE=production', () => {
    expect(configProblems({ APP_MODE: 'production' }).length).toBeGreaterThan(0);
  });

  it('refuses production mode listing every missing variable by name', () => {
    const problems = configProblems({ NODE_ENV: 'production' });
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
    expect(configProblems({ ...PRODUCTION_ENV, MicrosoftAppType: 'MultiTenant' })).toEqual([
      'MicrosoftAppType: must be SingleTenant in production mode (got MultiTenant)',
    ]);
  });

  it('names invalid values', () => {
    const problems = configProblems({
      ...PRODUCTION_ENV,
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
    const problems = configProblems({
      ...PRODUCTION_ENV,
      MicrosoftAppId: 'bad',
      MicrosoftAppPassword: 'hunter2-secret',
    });
    expect(problems.join('\n')).not.toContain('hunter2-secret');
  });

  it('refuses half a Partner Center configuration in sandbox mode', () => {
    expect(configProblems({ PARTNER_CENTER_CLIENT_ID: PRODUCTION_ENV.PARTNER_CENTER_CLIENT_ID })[0]).toMatch(
      /set all three/,
    );
  });

  it('turns on Bot Framework auth in sandbox mode when app credentials are set', () => {
    const config = parseConfig({ MicrosoftAppId: PRODUCTION_ENV.MicrosoftAppId, MicrosoftAppPassword: 'x' });
    expect(config.mode).toBe('sandbox');
    expect(config.botAuth?.appId).toBe(PRODUCTION_ENV.MicrosoftAppId);
  });
});
