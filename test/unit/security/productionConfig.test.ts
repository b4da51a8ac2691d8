import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../../src/config';

/** A production environment that is complete but for what each test leaves out. */
const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
const production: Record<string, string> = {
  NODE_ENV: 'production',
  MicrosoftAppId: '3c5b2a1d-0000-4000-8000-00000000b0b1',
  MicrosoftAppPassword: 'bot-secret-value',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  PARTNER_CENTER_TENANT_ID: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  PARTNER_CENTER_CLIENT_ID: '5d4c3b2a-0000-4000-8000-00000000c0c1',
  PARTNER_CENTER_CLIENT_SECRET: 'pc-secret-value',
  DATABASE_URL: 'postgres://bot@db.internal:5432/planops',
  ROLE_APPROVERS: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52',
  ENCRYPTION_KEY: KEY,
  GRAPH_BILLING_TENANT_ID: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  GRAPH_BILLING_CLIENT_ID: '8a7b6c5d-0000-4000-8000-00000000d0d1',
  GRAPH_BILLING_CLIENT_SECRET: 'graph-billing-secret',
  PUBLIC_BASE_URL: 'https://bot.contoso.example',
  DOWNLOAD_LINK_SIGNING_KEY: 'ZG93bmxvYWQtbGluay1zaWduaW5nLWtleS0zMi1ieXQ=',
};

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

const without = (...names: string[]) =>
  Object.fromEntries(Object.entries(production).filter(([name]) => !names.includes(name)));

describe('production start: credentials and the encryption key', () => {
  it('starts with everything set', () => {
    expect(parseConfig(production).encryption).toMatchObject({ key: KEY, generateKeyFile: false });
  });

  it('refuses to start without an encryption key, and says so', () => {
    expect(refusal(without('ENCRYPTION_KEY')).problems).toEqual([
      'ENCRYPTION_KEY: required in production mode (or ENCRYPTION_KEY_FILE)',
    ]);
  });

  it('refuses to start without credentials, listing each missing one with the key', () => {
    const problems = refusal(
      without(
        'MicrosoftAppId',
        'MicrosoftAppPassword',
        'PARTNER_CENTER_CLIENT_ID',
        'PARTNER_CENTER_CLIENT_SECRET',
        'ENCRYPTION_KEY',
      ),
    ).problems;
    for (const name of [
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'PARTNER_CENTER_CLIENT_ID',
      'PARTNER_CENTER_CLIENT_SECRET',
      'ENCRYPTION_KEY',
    ]) {
      expect(problems.filter((p) => p.startsWith(`${name}:`))).toHaveLength(1);
    }
  });

  it('accepts the key from a file, and names a file that is not there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apo-prod-key-'));
    try {
      const file = path.join(dir, 'encryption.key');
      fs.writeFileSync(file, KEY);
      expect(
        parseConfig({ ...without('ENCRYPTION_KEY'), ENCRYPTION_KEY_FILE: file }).encryption,
      ).toMatchObject({
        keyFile: file,
        generateKeyFile: false,
      });
      expect(
        refusal({ ...without('ENCRYPTION_KEY'), ENCRYPTION_KEY_FILE: path.join(dir, 'missing') }).problems,
      ).toEqual([`ENCRYPTION_KEY_FILE: no file at ${path.join(dir, 'missing')}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a key of the wrong size (or a bad previous key) without printing it', () => {
    const short = Buffer.from('sixteen-byte-key').toString('base64');
    const error = refusal({
      ...production,
      ENCRYPTION_KEY: short,
      ENCRYPTION_KEYS_PREVIOUS: `${KEY},not base64!`,
    });
    expect(error.problems).toEqual([
      'ENCRYPTION_KEY: must be 32 bytes in base64 (got 16 bytes)',
      'ENCRYPTION_KEYS_PREVIOUS (entry 2): must be 32 random bytes in base64',
    ]);
    expect(error.message).not.toContain(short);
    expect(error.message).not.toContain(KEY);
  });

  it('refuses signing keys over plain http in production', () => {
    expect(
      refusal({ ...production, ToBotFromChannelOpenIdMetadataUrl: 'http://keys.example.com/openid' })
        .problems,
    ).toEqual(['ToBotFromChannelOpenIdMetadataUrl: must be an https:// URL in production mode']);
  });
});
