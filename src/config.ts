import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import type { EncryptionSettings } from './security/encryptionKeys';
import { EncryptionKeyError, parseKey } from './security/keyring';

/**
 * Every setting comes from the environment (and an optional `.env`), parsed here once.
 * With nothing set the bot runs in sandbox mode: the built-in Partner Center simulator on loopback,
 * SQLite under ./data, no Bot Framework auth and the Agents Playground as the client.
 * `.env.example` documents each variable; keep the two in step.
 */

/** The identities the Agents Playground uses (see .m365agentsplayground.yml). */
export const SANDBOX_IDENTITIES = {
  tenantId: '7e2b8a4d-5c1f-4e3a-9b6d-2f8c1a0e4b7d',
  requester: { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a51', name: 'Megan Bowen' },
  approver: { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52', name: 'Adele Vance' },
} as const;

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(value)));

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const guid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

const optionalNonEmpty = z
  .string()
  .optional()
  .transform((value) => (value && value.trim().length > 0 ? value.trim() : undefined));

/** Per-kind approval policy: `kind=approvers[:expiryHours]`, comma-separated (e.g. `suspend=2:24,set-budget=0`). */
const approvalPolicy = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const policy: Record<string, { approvers: number; expiryHours?: number }> = {};
    for (const entry of (value ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const match = /^([a-z][a-z0-9-]{0,63})=([0-5])(?::([1-9][0-9]{0,4}))?$/.exec(entry);
      if (!match) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `"${entry}" is not kind=approvers[:expiryHours] (approvers 0 to 5, hours a whole number)`,
        });
        continue;
      }
      policy[match[1]] = {
        approvers: Number(match[2]),
        ...(match[3] ? { expiryHours: Number(match[3]) } : {}),
      };
    }
    return policy;
  });

/** Raw environment, variable by variable. Names are the ones Bot Framework and our docs use. */
const EnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  APP_MODE: z.enum(['sandbox', 'production']).optional(),
  HOST: optionalNonEmpty,
  PORT: int(3978, 0).pipe(z.number().max(65535)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool(false),

  MicrosoftAppId: optionalNonEmpty.pipe(guid.optional()),
  MicrosoftAppPassword: optionalNonEmpty,
  MicrosoftAppType: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).optional(),
  MicrosoftAppTenantId: optionalNonEmpty.pipe(guid.optional()),
  MicrosoftAppCertificateThumbprint: optionalNonEmpty,
  MicrosoftAppCertificatePrivateKeyPath: optionalNonEmpty,
  /** Where Bot Framework publishes its signing keys (the SDK's setting name); tests use a loopback stand-in. */
  ToBotFromChannelOpenIdMetadataUrl: optionalNonEmpty.pipe(z.string().url().optional()),
  ALLOWED_TENANT_IDS: csv.pipe(z.array(guid)),

  PARTNER_CENTER_BASE_URL: optionalNonEmpty.pipe(z.string().url().optional()),
  PARTNER_CENTER_TENANT_ID: optionalNonEmpty.pipe(guid.optional()),
  PARTNER_CENTER_CLIENT_ID: optionalNonEmpty.pipe(guid.optional()),
  PARTNER_CENTER_CLIENT_SECRET: optionalNonEmpty,
  PARTNER_CENTER_REFRESH_TOKEN: optionalNonEmpty,
  PARTNER_CENTER_APPLICATION_NAME: z.string().default('AzurePlanOps'),
  PARTNER_CENTER_TIMEOUT_MS: int(30_000, 1),

  DATABASE_URL: optionalNonEmpty.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  ),
  SQLITE_PATH: z.string().default('./data/azure-plan-ops.sqlite'),
  ENCRYPTION_KEY: optionalNonEmpty,
  ENCRYPTION_KEY_FILE: optionalNonEmpty,
  ENCRYPTION_KEYS_PREVIOUS: csv,

  ROLE_OPERATORS: csv,
  ROLE_APPROVERS: csv,
  ROLE_ADMINS: csv,
  APPROVAL_POLICY: approvalPolicy,
  APPROVALS_CONVERSATION_ID: optionalNonEmpty,
  REQUEST_EXPIRY_HOURS: z.coerce.number().int().min(1).optional(),

  SIMULATOR_PORT: int(0, 0),
  SIMULATOR_ORDER_COMPLETION_MS: int(20_000, 0),
  SIMULATOR_ORDER_LIST_LAG_MS: int(15 * 60_000, 0),
  PLAYGROUND: bool(true),
  PLAYGROUND_PORT: int(56150, 1),

  JOB_WORK_EVERY_MS: int(1_000, 50),
  PLAN_STATUS_DEADLINE_MINUTES: int(30, 1),
  UPGRADE_DEADLINE_HOURS: int(72, 1),
  JOB_REQUEST_EXPIRY_EVERY_MS: int(60_000, 100),
  SHUTDOWN_GRACE_MS: int(10_000, 0),
});

export type Mode = 'sandbox' | 'production';

export interface BotAuthConfig {
  appId: string;
  appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
  tenantId?: string;
  password?: string;
  certificate?: { thumbprint: string; privateKeyPath: string };
  /** The OpenID metadata listing Bot Framework's signing keys; default: the public cloud's. */
  openIdMetadataUrl?: string;
}

export interface PartnerCenterConfig {
  baseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  refreshToken?: string;
  applicationName: string;
  timeoutMs: number;
}

export interface RolesConfig {
  /** AAD object ids; '*' means every user of an allowed tenant. */
  operators: string[];
  approvers: string[];
  admins: string[];
}

export interface AppConfig {
  mode: Mode;
  host: string;
  port: number;
  log: { level: string; pretty: boolean };
  /** Undefined: Bot Framework auth is off (sandbox without credentials). */
  botAuth?: BotAuthConfig;
  allowedTenantIds: string[];
  /** Undefined: use the built-in simulator (sandbox only). */
  partnerCenter?: PartnerCenterConfig;
  database: { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };
  roles: RolesConfig;
  approvals: {
    /** Per-kind overrides of each kind's default approval policy (unknown kinds stop the start). */
    policy: Record<string, { approvers?: number; expiryHours?: number }>;
    conversationId?: string;
  };
  simulator: { port: number; orderCompletionMs: number; orderListLagMs: number };
  playground: { enabled: boolean; port: number };
  /** workEveryMs: how often the work queue (request runs, notices) looks for due work. */
  jobs: { workEveryMs: number; requestExpiryEveryMs: number };
  /** How long a suspension or reactivation may take to show, and an upgrade to end, before a person is asked to check. */
  lifecycle: { statusDeadlineMs: number; upgradeDeadlineMs: number };
  shutdownGraceMs: number;
  /** The keys that encrypt secrets at rest (the token cache). */
  encryption: EncryptionSettings;
}

/** APP_MODE wins; otherwise NODE_ENV=production means production; anything else is the sandbox. */
export function modeOf(env: Readonly<Record<string, string | undefined>>): Mode {
  if (env.APP_MODE === 'production' || env.APP_MODE === 'sandbox') return env.APP_MODE;
  return env.NODE_ENV === 'production' ? 'production' : 'sandbox';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` (if present) without overriding variables already set, then parses. */
export function loadConfig(options: { envFile?: string; env?: NodeJS.ProcessEnv } = {}): AppConfig {
  const env = options.env ?? process.env;
  const envFile = options.envFile ?? path.resolve(process.cwd(), '.env');
  if (options.env === undefined && fs.existsSync(envFile)) {
    dotenv.config({ path: envFile, override: false, quiet: true });
  }
  return parseConfig(env);
}

export function parseConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const mode = modeOf({ APP_MODE: e.APP_MODE, NODE_ENV: e.NODE_ENV });
  const problems = mode === 'production' ? productionProblems(e) : sandboxProblems(e);
  if (problems.length > 0) throw new ConfigError(problems);

  const botAuth: BotAuthConfig | undefined = e.MicrosoftAppId
    ? {
        appId: e.MicrosoftAppId,
        appType: e.MicrosoftAppType ?? 'SingleTenant',
        tenantId: e.MicrosoftAppTenantId,
        password: e.MicrosoftAppPassword,
        certificate:
          e.MicrosoftAppCertificateThumbprint && e.MicrosoftAppCertificatePrivateKeyPath
            ? {
                thumbprint: e.MicrosoftAppCertificateThumbprint,
                privateKeyPath: e.MicrosoftAppCertificatePrivateKeyPath,
              }
            : undefined,
        openIdMetadataUrl: e.ToBotFromChannelOpenIdMetadataUrl,
      }
    : undefined;

  const partnerCenter: PartnerCenterConfig | undefined =
    e.PARTNER_CENTER_TENANT_ID && e.PARTNER_CENTER_CLIENT_ID && e.PARTNER_CENTER_CLIENT_SECRET
      ? {
          baseUrl: e.PARTNER_CENTER_BASE_URL ?? 'https://api.partnercenter.microsoft.com',
          tenantId: e.PARTNER_CENTER_TENANT_ID,
          clientId: e.PARTNER_CENTER_CLIENT_ID,
          clientSecret: e.PARTNER_CENTER_CLIENT_SECRET,
          refreshToken: e.PARTNER_CENTER_REFRESH_TOKEN,
          applicationName: e.PARTNER_CENTER_APPLICATION_NAME,
          timeoutMs: e.PARTNER_CENTER_TIMEOUT_MS,
        }
      : undefined;

  const sandbox = mode === 'sandbox';
  const allowedTenantIds =
    e.ALLOWED_TENANT_IDS.length > 0
      ? e.ALLOWED_TENANT_IDS
      : [e.MicrosoftAppTenantId ?? (sandbox ? SANDBOX_IDENTITIES.tenantId : '')].filter(Boolean);

  return {
    mode,
    host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
    port: e.PORT,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    botAuth,
    allowedTenantIds,
    partnerCenter,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', path: e.SQLITE_PATH },
    roles: {
      operators: e.ROLE_OPERATORS.length > 0 ? e.ROLE_OPERATORS : ['*'],
      approvers:
        e.ROLE_APPROVERS.length > 0
          ? e.ROLE_APPROVERS
          : sandbox
            ? [SANDBOX_IDENTITIES.approver.aadObjectId]
            : [],
      admins:
        e.ROLE_ADMINS.length > 0 ? e.ROLE_ADMINS : sandbox ? [SANDBOX_IDENTITIES.approver.aadObjectId] : [],
    },
    approvals: {
      // REQUEST_EXPIRY_HOURS applies to every kind whose own policy names no expiry ('*').
      policy:
        e.REQUEST_EXPIRY_HOURS === undefined
          ? e.APPROVAL_POLICY
          : { '*': { expiryHours: e.REQUEST_EXPIRY_HOURS }, ...e.APPROVAL_POLICY },
      conversationId: e.APPROVALS_CONVERSATION_ID,
    },
    simulator: {
      port: e.SIMULATOR_PORT,
      orderCompletionMs: e.SIMULATOR_ORDER_COMPLETION_MS,
      orderListLagMs: e.SIMULATOR_ORDER_LIST_LAG_MS,
    },
    playground: { enabled: sandbox && e.PLAYGROUND, port: e.PLAYGROUND_PORT },
    jobs: {
      workEveryMs: e.JOB_WORK_EVERY_MS,
      requestExpiryEveryMs: e.JOB_REQUEST_EXPIRY_EVERY_MS,
    },
    lifecycle: {
      statusDeadlineMs: e.PLAN_STATUS_DEADLINE_MINUTES * 60_000,
      upgradeDeadlineMs: e.UPGRADE_DEADLINE_HOURS * 3_600_000,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    encryption: {
      key: e.ENCRYPTION_KEY,
      // The sandbox keeps a generated key beside its database when none is configured.
      keyFile: e.ENCRYPTION_KEY_FILE ?? (sandbox && !e.ENCRYPTION_KEY ? SANDBOX_KEY_FILE : undefined),
      previousKeys: e.ENCRYPTION_KEYS_PREVIOUS,
      generateKeyFile: sandbox && !e.ENCRYPTION_KEY && !e.ENCRYPTION_KEY_FILE,
    },
  };
}

type Env = z.infer<typeof EnvSchema>;

function productionProblems(e: Env): string[] {
  const problems: string[] = [];
  const missing = (name: string) => problems.push(`${name}: required in production mode`);
  if (!e.MicrosoftAppId) missing('MicrosoftAppId');
  if (!e.MicrosoftAppType) missing('MicrosoftAppType');
  else if (e.MicrosoftAppType !== 'SingleTenant') {
    problems.push(`MicrosoftAppType: must be SingleTenant in production mode (got ${e.MicrosoftAppType})`);
  }
  if (!e.MicrosoftAppTenantId) missing('MicrosoftAppTenantId');
  const hasCertificate = Boolean(
    e.MicrosoftAppCertificateThumbprint && e.MicrosoftAppCertificatePrivateKeyPath,
  );
  if (!e.MicrosoftAppPassword && !hasCertificate) {
    problems.push(
      'MicrosoftAppPassword: required in production mode (or MicrosoftAppCertificateThumbprint with MicrosoftAppCertificatePrivateKeyPath)',
    );
  }
  if (e.MicrosoftAppCertificatePrivateKeyPath && !fs.existsSync(e.MicrosoftAppCertificatePrivateKeyPath)) {
    problems.push(
      `MicrosoftAppCertificatePrivateKeyPath: no file at ${e.MicrosoftAppCertificatePrivateKeyPath}`,
    );
  }
  if (!e.PARTNER_CENTER_TENANT_ID) missing('PARTNER_CENTER_TENANT_ID');
  if (!e.PARTNER_CENTER_CLIENT_ID) missing('PARTNER_CENTER_CLIENT_ID');
  if (!e.PARTNER_CENTER_CLIENT_SECRET) missing('PARTNER_CENTER_CLIENT_SECRET');
  if (!e.DATABASE_URL) missing('DATABASE_URL');
  if (e.ROLE_APPROVERS.length === 0) missing('ROLE_APPROVERS');
  if (!e.ENCRYPTION_KEY && !e.ENCRYPTION_KEY_FILE) {
    problems.push('ENCRYPTION_KEY: required in production mode (or ENCRYPTION_KEY_FILE)');
  }
  if (e.ToBotFromChannelOpenIdMetadataUrl && !e.ToBotFromChannelOpenIdMetadataUrl.startsWith('https://')) {
    problems.push('ToBotFromChannelOpenIdMetadataUrl: must be an https:// URL in production mode');
  }
  problems.push(...encryptionProblems(e));
  return problems;
}

function sandboxProblems(e: Env): string[] {
  const problems: string[] = [];
  const pcVars = [e.PARTNER_CENTER_TENANT_ID, e.PARTNER_CENTER_CLIENT_ID, e.PARTNER_CENTER_CLIENT_SECRET];
  const pcSet = pcVars.filter(Boolean).length;
  if (pcSet > 0 && pcSet < pcVars.length) {
    problems.push(
      'PARTNER_CENTER_TENANT_ID, PARTNER_CENTER_CLIENT_ID, PARTNER_CENTER_CLIENT_SECRET: set all three to use the real Partner Center, or none for the simulator',
    );
  }
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && !e.MicrosoftAppCertificateThumbprint) {
    problems.push('MicrosoftAppPassword: required when MicrosoftAppId is set');
  }
  problems.push(...encryptionProblems(e));
  return problems;
}

/** The sandbox's generated key when none is configured (created on first start, mode 0600). */
export const SANDBOX_KEY_FILE = './data/encryption.key';

/** Key settings that cannot work, in any mode; the key itself never appears in a message. */
function encryptionProblems(e: Env): string[] {
  const problems: string[] = [];
  if (e.ENCRYPTION_KEY && e.ENCRYPTION_KEY_FILE) {
    problems.push('ENCRYPTION_KEY: set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, not both');
  }
  if (e.ENCRYPTION_KEY_FILE && !fs.existsSync(e.ENCRYPTION_KEY_FILE)) {
    problems.push(`ENCRYPTION_KEY_FILE: no file at ${e.ENCRYPTION_KEY_FILE}`);
  }
  const keys: Array<[string, string | undefined]> = [
    ['ENCRYPTION_KEY', e.ENCRYPTION_KEY],
    ...e.ENCRYPTION_KEYS_PREVIOUS.map((key, i): [string, string] => [
      `ENCRYPTION_KEYS_PREVIOUS (entry ${i + 1})`,
      key,
    ]),
  ];
  for (const [name, key] of keys) {
    if (key === undefined) continue;
    try {
      parseKey(key, name);
    } catch (error) {
      if (!(error instanceof EncryptionKeyError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}
