import { ConfigError, parseConfig } from '../../src/config';

/** A complete production environment: every test takes it and changes or leaves out what it is about. */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
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
  ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  GRAPH_BILLING_TENANT_ID: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  GRAPH_BILLING_CLIENT_ID: '8a7b6c5d-0000-4000-8000-00000000d0d1',
  GRAPH_BILLING_CLIENT_SECRET: 'graph-billing-secret',
  PUBLIC_BASE_URL: 'https://bot.contoso.example',
  DOWNLOAD_LINK_SIGNING_KEY: 'ZG93bmxvYWQtbGluay1zaWduaW5nLWtleS0zMi1ieXQ=',
};

/** The production environment with some settings changed; a setting given as `undefined` is left out. */
export function productionEnv(changes: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { ...PRODUCTION_ENV };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** What the configuration finds wrong with an environment (none when it is accepted). */
export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** The refusal of an environment the configuration must refuse. */
export function configRefusal(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

/** The production environment with these settings left out. */
export function productionWithout(...names: string[]): Record<string, string> {
  return productionEnv(Object.fromEntries(names.map((name) => [name, undefined])));
}
