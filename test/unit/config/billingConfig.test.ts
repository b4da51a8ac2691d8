import { ConfigError, parseConfig } from '../../../src/config';

/** Graph billing credentials and download links: separate from Partner Center, checked at start-up. */

const KEY = Buffer.from('download-link-signing-key-32-byt').toString('base64');
const production: Record<string, string> = {
  NODE_ENV: 'production',
  MicrosoftAppId: '3c5b2a1d-0000-4000-8000-00000000b0b1',
  MicrosoftAppPassword: 'bot-secret',
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
  GRAPH_BILLING_CLIENT_SECRET: 'graph-secret',
  PUBLIC_BASE_URL: 'https://bot.contoso.example',
  DOWNLOAD_LINK_SIGNING_KEY: KEY,
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const without = (...names: string[]) =>
  Object.fromEntries(Object.entries(production).filter(([name]) => !names.includes(name)));

describe('Graph billing and download link settings', () => {
  it('reads a complete production configuration: its own Graph app, public URL, link key and timings', () => {
    const config = parseConfig({
      ...production,
      DOWNLOAD_LINK_TTL_MINUTES: '10',
      RECON_EXPORT_TIMEOUT_MINUTES: '30',
    });
    expect(config.graphBilling).toEqual({
      baseUrl: 'https://graph.microsoft.com',
      tenantId: production.GRAPH_BILLING_TENANT_ID,
      clientId: production.GRAPH_BILLING_CLIENT_ID,
      clientSecret: 'graph-secret',
      certificate: undefined,
    });
    expect(config.downloads).toEqual({
      publicBaseUrl: 'https://bot.contoso.example',
      signingKey: KEY,
      linkTtlMs: 10 * 60_000,
      retentionMs: 24 * 3_600_000,
    });
    expect(config.reconciliation).toEqual({ pollIntervalMs: 5_000, exportTimeoutMs: 30 * 60_000 });
  });

  it('refuses production without the Graph billing app, the public URL or the link key, naming each', () => {
    const problems = problemsOf(
      without(
        'GRAPH_BILLING_TENANT_ID',
        'GRAPH_BILLING_CLIENT_ID',
        'GRAPH_BILLING_CLIENT_SECRET',
        'PUBLIC_BASE_URL',
        'DOWNLOAD_LINK_SIGNING_KEY',
      ),
    );
    expect(problems).toEqual([
      'GRAPH_BILLING_TENANT_ID: required in production mode',
      'GRAPH_BILLING_CLIENT_ID: required in production mode',
      'GRAPH_BILLING_CLIENT_SECRET: required in production mode (or GRAPH_BILLING_CERTIFICATE_PATH with GRAPH_BILLING_CERTIFICATE_THUMBPRINT)',
      'PUBLIC_BASE_URL: required in production mode',
      'DOWNLOAD_LINK_SIGNING_KEY: required in production mode',
    ]);
  });

  it('does not take the Partner Center app for the Graph app', () => {
    expect(problemsOf(without('GRAPH_BILLING_CLIENT_ID'))).toEqual([
      'GRAPH_BILLING_CLIENT_ID: required in production mode',
    ]);
  });

  it('refuses a plain-http public URL in production, and a link key that is not 32 bytes, without showing it', () => {
    expect(problemsOf({ ...production, PUBLIC_BASE_URL: 'http://bot.contoso.example' })).toEqual([
      'PUBLIC_BASE_URL: must be an https:// URL in production mode',
    ]);
    const problems = problemsOf({ ...production, DOWNLOAD_LINK_SIGNING_KEY: 'c2hvcnQta2V5' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DOWNLOAD_LINK_SIGNING_KEY: must be 32 bytes/);
    expect(problems[0]).not.toContain('c2hvcnQta2V5');
  });

  it('takes a certificate instead of a secret, and wants both of its settings', () => {
    expect(
      problemsOf({
        ...without('GRAPH_BILLING_CLIENT_SECRET'),
        GRAPH_BILLING_CERTIFICATE_PATH: '/nonexistent/graph.pem',
      }),
    ).toEqual([
      'GRAPH_BILLING_CERTIFICATE_PATH, GRAPH_BILLING_CERTIFICATE_THUMBPRINT: set both to use a certificate',
      'GRAPH_BILLING_CERTIFICATE_PATH: no file at /nonexistent/graph.pem',
    ]);
    expect(problemsOf({ ...production, GRAPH_BILLING_CERTIFICATE_THUMBPRINT: 'abc' })[0]).toMatch(
      /GRAPH_BILLING_CERTIFICATE_THUMBPRINT: must be the certificate SHA-256 thumbprint/,
    );
  });

  it('in the sandbox: nothing set uses the simulator; a half-set Graph app is refused', () => {
    const config = parseConfig({});
    expect(config.graphBilling).toBeUndefined();
    expect(config.downloads).toMatchObject({
      publicBaseUrl: undefined,
      signingKey: undefined,
      linkTtlMs: 15 * 60_000,
    });
    expect(problemsOf({ GRAPH_BILLING_CLIENT_ID: production.GRAPH_BILLING_CLIENT_ID })).toEqual([
      'GRAPH_BILLING_TENANT_ID, GRAPH_BILLING_CLIENT_ID, GRAPH_BILLING_CLIENT_SECRET (or certificate): set them all to use Microsoft Graph, or none for the simulator',
    ]);
  });
});
