import { parseConfig } from '../../../src/config';
import { PRODUCTION_ENV, configProblems, productionWithout } from '../../support/productionEnv';

/** Graph billing credentials and download links: separate from Partner Center, checked at start-up. */

describe('Graph billing and download link settings', () => {
  it('reads a complete production configuration: its own Graph app, public URL, link key and timings', () => {
    const config = parseConfig({
      ...PRODUCTION_ENV,
      DOWNLOAD_LINK_TTL_MINUTES: '10',
      RECON_EXPORT_TIMEOUT_MINUTES: '30',
    });
    expect(config.graphBilling).toEqual({
      baseUrl: 'https://graph.microsoft.com',
      tenantId: PRODUCTION_ENV.GRAPH_BILLING_TENANT_ID,
      clientId: PRODUCTION_ENV.GRAPH_BILLING_CLIENT_ID,
      clientSecret: PRODUCTION_ENV.GRAPH_BILLING_CLIENT_SECRET,
      certificate: undefined,
    });
    expect(config.downloads).toEqual({
      publicBaseUrl: 'https://bot.contoso.example',
      signingKey: PRODUCTION_ENV.DOWNLOAD_LINK_SIGNING_KEY,
      linkTtlMs: 10 * 60_000,
      retentionMs: 24 * 3_600_000,
    });
    expect(config.reconciliation).toEqual({ pollIntervalMs: 5_000, exportTimeoutMs: 30 * 60_000 });
  });

  it('refuses production without the Graph billing app, the public URL or the link key, naming each', () => {
    const problems = configProblems(
      productionWithout(
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
    expect(configProblems(productionWithout('GRAPH_BILLING_CLIENT_ID'))).toEqual([
      'GRAPH_BILLING_CLIENT_ID: required in production mode',
    ]);
  });

  it('refuses a plain-http public URL in production, and a link key that is not 32 bytes, without showing it', () => {
    expect(configProblems({ ...PRODUCTION_ENV, PUBLIC_BASE_URL: 'http://bot.contoso.example' })).toEqual([
      'PUBLIC_BASE_URL: must be an https:// URL in production mode',
    ]);
    const problems = configProblems({ ...PRODUCTION_ENV, DOWNLOAD_LINK_SIGNING_KEY: 'c2hvcnQta2V5' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DOWNLOAD_LINK_SIGNING_KEY: must be 32 bytes/);
    expect(problems[0]).not.toContain('c2hvcnQta2V5');
  });

  it('takes a certificate instead of a secret, and wants both of its settings', () => {
    expect(
      configProblems({
        ...productionWithout('GRAPH_BILLING_CLIENT_SECRET'),
        GRAPH_BILLING_CERTIFICATE_PATH: '/nonexistent/graph.pem',
      }),
    ).toEqual([
      'GRAPH_BILLING_CERTIFICATE_PATH, GRAPH_BILLING_CERTIFICATE_THUMBPRINT: set both to use a certificate',
      'GRAPH_BILLING_CERTIFICATE_PATH: no file at /nonexistent/graph.pem',
    ]);
    expect(configProblems({ ...PRODUCTION_ENV, GRAPH_BILLING_CERTIFICATE_THUMBPRINT: 'abc' })[0]).toMatch(
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
    expect(configProblems({ GRAPH_BILLING_CLIENT_ID: PRODUCTION_ENV.GRAPH_BILLING_CLIENT_ID })).toEqual([
      'GRAPH_BILLING_TENANT_ID, GRAPH_BILLING_CLIENT_ID, GRAPH_BILLING_CLIENT_SECRET (or certificate): set them all to use Microsoft Graph, or none for the simulator',
    ]);
  });
});
