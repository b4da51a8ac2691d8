import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { Cron } from 'croner';
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
  /** The team's Approvals channel: where requests wait for a decision in the sandbox. */
  approvalsChannelId: '19:csp-operations-approvals@thread.tacv2',
  /** Everyone of the Playground's sample, for `act as` (sandbox only). */
  people: [
    { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a51', name: 'Megan Bowen' },
    { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a52', name: 'Adele Vance' },
    { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a53', name: 'Isaiah Langer' },
    { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a54', name: 'Patti Fernandez' },
    { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a55', name: 'Lynne Robbins' },
    { aadObjectId: '6f3a1c2e-8b4d-4e5f-9a7b-0c1d2e3f4a56', name: 'Alex Wilber' },
  ],
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

/** AAD object ids (or '*', every user of an allowed tenant), comma-separated. */
const principals = csv.pipe(z.array(z.union([z.literal('*'), guid])));
/** Entra group ids, comma-separated. */
const groupIds = csv.pipe(z.array(guid));

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

/** Timings of the domain that tests shorten (the keys of composeDomain's `tuning`), given as JSON. */
const domainTuningSchema = z
  .object({
    leaseMs: z.number().int().min(10),
    retryDelaysMs: z.array(z.number().int().min(0)).min(1),
    firstOrderPollMs: z.number().int().min(0),
    maxOrderPollMs: z.number().int().min(0),
    firstStatusPollMs: z.number().int().min(0),
    maxStatusPollMs: z.number().int().min(0),
  })
  .partial()
  .strict();
export type DomainTuning = z.infer<typeof domainTuningSchema>;

const domainTuning = optionalNonEmpty.transform((value, ctx): DomainTuning | undefined => {
  if (value === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not JSON (e.g. {"firstOrderPollMs":100})' });
    return z.NEVER;
  }
  const parsed = domainTuningSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `${issue.path.join('.') || 'value'}: ${issue.message}`,
    });
  }
  return z.NEVER;
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

  /** The Microsoft Graph partner billing app (reconciliation v2), apart from the Partner Center app. */
  GRAPH_BASE_URL: optionalNonEmpty.pipe(z.string().url().optional()),
  GRAPH_BILLING_TENANT_ID: optionalNonEmpty.pipe(guid.optional()),
  GRAPH_BILLING_CLIENT_ID: optionalNonEmpty.pipe(guid.optional()),
  GRAPH_BILLING_CLIENT_SECRET: optionalNonEmpty,
  GRAPH_BILLING_CERTIFICATE_PATH: optionalNonEmpty,
  GRAPH_BILLING_CERTIFICATE_THUMBPRINT: optionalNonEmpty.pipe(
    z
      .string()
      .regex(/^[0-9A-Fa-f]{64}$/, 'must be the certificate SHA-256 thumbprint (64 hex digits)')
      .optional(),
  ),
  RECON_EXPORT_TIMEOUT_MINUTES: int(60, 1),
  RECON_POLL_INTERVAL_MS: int(5_000, 10),
  /** Where users' browsers reach the bot (download links); the bot's own URL in the sandbox. */
  PUBLIC_BASE_URL: optionalNonEmpty.pipe(z.string().url().optional()),
  DOWNLOAD_LINK_SIGNING_KEY: optionalNonEmpty,
  DOWNLOAD_LINK_TTL_MINUTES: int(15, 1).pipe(z.number().max(24 * 60)),
  DOWNLOAD_RETENTION_HOURS: int(24, 1).pipe(z.number().max(24 * 30)),

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

  /** Renamed to ROLE_REQUESTERS (issue 11): still read, only to say so. */
  ROLE_OPERATORS: csv,
  ROLE_VIEWERS: principals,
  ROLE_REQUESTERS: principals,
  ROLE_APPROVERS: principals,
  ROLE_ADMINS: principals,
  ROLE_VIEWERS_GROUPS: groupIds,
  ROLE_REQUESTERS_GROUPS: groupIds,
  ROLE_APPROVERS_GROUPS: groupIds,
  ROLE_ADMINS_GROUPS: groupIds,
  /** How long a user's Entra group memberships are trusted before Graph is asked again. */
  ROLE_GROUP_CACHE_MINUTES: int(5, 0).pipe(z.number().max(24 * 60)),
  /** Audit rows older than this are purged (the only delete of the audit trail). */
  AUDIT_RETENTION_DAYS: int(365, 1).pipe(z.number().max(36_500)),
  APPROVAL_POLICY: approvalPolicy,
  APPROVALS_CONVERSATION_ID: optionalNonEmpty,
  REQUEST_EXPIRY_HOURS: z.coerce.number().int().min(1).optional(),

  SIMULATOR_PORT: int(0, 0),
  SIMULATOR_ORDER_COMPLETION_MS: int(20_000, 0),
  SIMULATOR_ORDER_LIST_LAG_MS: int(15 * 60_000, 0),
  /** Sandbox: a simulator already running there (npm run simulator, a test's), instead of a built-in one. */
  SIMULATOR_URL: optionalNonEmpty.pipe(z.string().url().optional()),
  /** Sandbox: shorter polls and retry waits of the domain, as JSON (tests that run the bot as a process). */
  DOMAIN_TUNING: domainTuning,
  PLAYGROUND: bool(true),
  PLAYGROUND_PORT: int(56150, 1),

  JOB_WORK_EVERY_MS: int(1_000, 50),
  TURN_DEADLINE_MS: int(10_000, 1_000),
  PLAN_STATUS_DEADLINE_MINUTES: int(30, 1),
  UPGRADE_DEADLINE_HOURS: int(72, 1),
  /** When the budget monitor sweeps (croner syntax); hourly by default. */
  BUDGET_SWEEP_CRON: z.string().trim().min(1).default('0 * * * *').refine(isCronPattern, {
    message: 'not a cron pattern (e.g. "0 * * * *")',
  }),
  BUDGET_SWEEP_TIMEZONE: optionalNonEmpty,
  BUDGET_SWEEP_CHUNK: int(50, 1),
  BUDGET_SWEEP_CONCURRENCY: int(4, 1),
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

export interface GraphBillingConfig {
  baseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** A PEM private key file and its certificate's SHA-256 thumbprint (instead of a secret). */
  certificate?: { privateKeyPath: string; thumbprintSha256: string };
}

export interface DownloadsConfig {
  /** Undefined: the bot's own URL (sandbox). */
  publicBaseUrl?: string;
  /** 32 bytes, base64 (HMAC-SHA256 of the links); undefined: a random key per start (sandbox). */
  signingKey?: string;
  linkTtlMs: number;
  retentionMs: number;
}

export interface RolesConfig {
  /** AAD object ids per role; '*' means every user of an allowed tenant. */
  viewers: string[];
  requesters: string[];
  approvers: string[];
  admins: string[];
  /** Entra group ids per role (checked through Microsoft Graph with the directory app). */
  groups: { viewer: string[]; requester: string[]; approver: string[]; admin: string[] };
  groupCacheMs: number;
}

/** The app that reads Entra group memberships (Microsoft Graph, GroupMember.Read.All + User.Read.All). */
export interface DirectoryConfig {
  baseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
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
  /** Undefined: the built-in simulator serves Microsoft Graph too (sandbox only). */
  graphBilling?: GraphBillingConfig;
  /** Reconciliation exports: how often a running export is checked, and how long it may take. */
  reconciliation: { pollIntervalMs: number; exportTimeoutMs: number };
  /** Signed download links (CSV exports) the bot serves at `<publicBaseUrl>/downloads/…`. */
  downloads: DownloadsConfig;
  database: { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };
  roles: RolesConfig;
  /**
   * Where the directory is read (group memberships when roles name Entra groups, people's names):
   * the bot's own app registration on Microsoft Graph. Undefined: the sandbox simulator serves it.
   */
  directory?: DirectoryConfig;
  /** The audit trail: rows older than retentionDays are purged by a daily job. */
  audit: { retentionDays: number };
  approvals: {
    /** Per-kind overrides of each kind's default approval policy (unknown kinds stop the start). */
    policy: Record<string, { approvers?: number; expiryHours?: number }>;
    conversationId?: string;
  };
  simulator: {
    port: number;
    orderCompletionMs: number;
    orderListLagMs: number;
    /** A simulator running elsewhere (sandbox): the bot starts none of its own. */
    url?: string;
    /** Per attempt, as PARTNER_CENTER_TIMEOUT_MS for the real service. */
    timeoutMs: number;
  };
  /** Sandbox only: shorter domain timings (DOMAIN_TUNING), for tests that run the bot as a process. */
  tuning?: DomainTuning;
  playground: { enabled: boolean; port: number };
  /** Sandbox only: the people `act as` may speak as (the Playground's page always speaks as one). */
  actAs?: { people: ReadonlyArray<{ aadObjectId: string; name: string }> };
  /** workEveryMs: how often the work queue (request runs, notices) looks for due work. */
  jobs: { workEveryMs: number; requestExpiryEveryMs: number };
  /** How long a suspension or reactivation may take to show, and an upgrade to end, before a person is asked to check. */
  lifecycle: { statusDeadlineMs: number; upgradeDeadlineMs: number };
  /** The budget monitor: its schedule and the customers a check task takes at a time. */
  spend: { sweepCron: string; sweepTimezone?: string; sweepChunk: number; sweepConcurrency: number };
  shutdownGraceMs: number;
  /** How long a chat turn's Partner Center calls may take in all before it says "busy, try again". */
  turnDeadlineMs: number;
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
    graphBilling: graphBillingOf(e),
    reconciliation: {
      pollIntervalMs: e.RECON_POLL_INTERVAL_MS,
      exportTimeoutMs: e.RECON_EXPORT_TIMEOUT_MINUTES * 60_000,
    },
    downloads: {
      publicBaseUrl: e.PUBLIC_BASE_URL,
      signingKey: e.DOWNLOAD_LINK_SIGNING_KEY,
      linkTtlMs: e.DOWNLOAD_LINK_TTL_MINUTES * 60_000,
      retentionMs: e.DOWNLOAD_RETENTION_HOURS * 3_600_000,
    },
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', path: e.SQLITE_PATH },
    roles: rolesOf(e, sandbox),
    directory: directoryOf(e),
    audit: { retentionDays: e.AUDIT_RETENTION_DAYS },
    approvals: {
      // REQUEST_EXPIRY_HOURS applies to every kind whose own policy names no expiry ('*').
      policy:
        e.REQUEST_EXPIRY_HOURS === undefined
          ? e.APPROVAL_POLICY
          : { '*': { expiryHours: e.REQUEST_EXPIRY_HOURS }, ...e.APPROVAL_POLICY },
      // 'none' turns the sandbox's default (the Playground's Approvals channel) off: approvers are
      // then reached in personal chats.
      conversationId:
        e.APPROVALS_CONVERSATION_ID === 'none'
          ? undefined
          : (e.APPROVALS_CONVERSATION_ID ??
            (sandbox && e.PLAYGROUND ? SANDBOX_IDENTITIES.approvalsChannelId : undefined)),
    },
    simulator: {
      port: e.SIMULATOR_PORT,
      orderCompletionMs: e.SIMULATOR_ORDER_COMPLETION_MS,
      orderListLagMs: e.SIMULATOR_ORDER_LIST_LAG_MS,
      ...(e.SIMULATOR_URL ? { url: e.SIMULATOR_URL } : {}),
      timeoutMs: e.PARTNER_CENTER_TIMEOUT_MS,
    },
    ...(sandbox && e.DOMAIN_TUNING ? { tuning: e.DOMAIN_TUNING } : {}),
    playground: { enabled: sandbox && e.PLAYGROUND, port: e.PLAYGROUND_PORT },
    ...(sandbox ? { actAs: { people: SANDBOX_IDENTITIES.people } } : {}),
    jobs: {
      workEveryMs: e.JOB_WORK_EVERY_MS,
      requestExpiryEveryMs: e.JOB_REQUEST_EXPIRY_EVERY_MS,
    },
    lifecycle: {
      statusDeadlineMs: e.PLAN_STATUS_DEADLINE_MINUTES * 60_000,
      upgradeDeadlineMs: e.UPGRADE_DEADLINE_HOURS * 3_600_000,
    },
    spend: {
      sweepCron: e.BUDGET_SWEEP_CRON,
      ...(e.BUDGET_SWEEP_TIMEZONE ? { sweepTimezone: e.BUDGET_SWEEP_TIMEZONE } : {}),
      sweepChunk: e.BUDGET_SWEEP_CHUNK,
      sweepConcurrency: e.BUDGET_SWEEP_CONCURRENCY,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    turnDeadlineMs: e.TURN_DEADLINE_MS,
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
  if (!e.GRAPH_BILLING_TENANT_ID) missing('GRAPH_BILLING_TENANT_ID');
  if (!e.GRAPH_BILLING_CLIENT_ID) missing('GRAPH_BILLING_CLIENT_ID');
  if (!e.GRAPH_BILLING_CLIENT_SECRET && !e.GRAPH_BILLING_CERTIFICATE_PATH) {
    problems.push(
      'GRAPH_BILLING_CLIENT_SECRET: required in production mode (or GRAPH_BILLING_CERTIFICATE_PATH with GRAPH_BILLING_CERTIFICATE_THUMBPRINT)',
    );
  }
  if (!e.PUBLIC_BASE_URL) missing('PUBLIC_BASE_URL');
  else if (!e.PUBLIC_BASE_URL.startsWith('https://')) {
    problems.push('PUBLIC_BASE_URL: must be an https:// URL in production mode');
  }
  if (!e.DOWNLOAD_LINK_SIGNING_KEY) missing('DOWNLOAD_LINK_SIGNING_KEY');
  if (!e.DATABASE_URL) missing('DATABASE_URL');
  if (e.SIMULATOR_URL) problems.push('SIMULATOR_URL: the simulator is for the sandbox, not production mode');
  if (e.DOMAIN_TUNING) problems.push('DOMAIN_TUNING: for tests in the sandbox, not production mode');
  if (e.ROLE_APPROVERS.length === 0 && e.ROLE_APPROVERS_GROUPS.length === 0) {
    problems.push('ROLE_APPROVERS: required in production mode (or ROLE_APPROVERS_GROUPS)');
  }
  if (hasRoleGroups(e) && !e.MicrosoftAppPassword) {
    problems.push(
      'MicrosoftAppPassword: required when roles name Entra groups (ROLE_*_GROUPS): the bot app reads group memberships through Microsoft Graph',
    );
  }
  if (!e.ENCRYPTION_KEY && !e.ENCRYPTION_KEY_FILE) {
    problems.push('ENCRYPTION_KEY: required in production mode (or ENCRYPTION_KEY_FILE)');
  }
  if (e.ToBotFromChannelOpenIdMetadataUrl && !e.ToBotFromChannelOpenIdMetadataUrl.startsWith('https://')) {
    problems.push('ToBotFromChannelOpenIdMetadataUrl: must be an https:// URL in production mode');
  }
  problems.push(...encryptionProblems(e));
  problems.push(...billingProblems(e));
  problems.push(...roleProblems(e));
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
  if (pcSet === pcVars.length && e.SIMULATOR_URL) {
    problems.push('SIMULATOR_URL: set it or the PARTNER_CENTER_* credentials, not both');
  }
  const graphVars = [e.GRAPH_BILLING_TENANT_ID, e.GRAPH_BILLING_CLIENT_ID];
  const graphSet = graphVars.filter(Boolean).length;
  const graphCredential = Boolean(e.GRAPH_BILLING_CLIENT_SECRET || e.GRAPH_BILLING_CERTIFICATE_PATH);
  if ((graphSet > 0 || graphCredential) && (graphSet < graphVars.length || !graphCredential)) {
    problems.push(
      'GRAPH_BILLING_TENANT_ID, GRAPH_BILLING_CLIENT_ID, GRAPH_BILLING_CLIENT_SECRET (or certificate): set them all to use Microsoft Graph, or none for the simulator',
    );
  }
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && !e.MicrosoftAppCertificateThumbprint) {
    problems.push('MicrosoftAppPassword: required when MicrosoftAppId is set');
  }
  problems.push(...encryptionProblems(e));
  problems.push(...billingProblems(e));
  problems.push(...roleProblems(e));
  return problems;
}

/** Role settings that cannot work, in any mode. */
function roleProblems(e: Env): string[] {
  return e.ROLE_OPERATORS.length > 0
    ? ['ROLE_OPERATORS: renamed to ROLE_REQUESTERS (the operator role is now called requester)']
    : [];
}

function hasRoleGroups(e: Env): boolean {
  return [
    e.ROLE_VIEWERS_GROUPS,
    e.ROLE_REQUESTERS_GROUPS,
    e.ROLE_APPROVERS_GROUPS,
    e.ROLE_ADMINS_GROUPS,
  ].some((list) => list.length > 0);
}

/**
 * Who holds which role. Production denies by default: every list is empty unless configured, and
 * '*' (everyone of an allowed tenant) only when written explicitly (a warning at start-up). The
 * sandbox follows the Agents Playground's sample users (.m365agentsplayground.yml): everyone is a
 * viewer, Megan Bowen a requester, Adele Vance an approver and an admin.
 */
function rolesOf(e: Env, sandbox: boolean): RolesConfig {
  const orDefault = (given: string[], fallback: string[]) =>
    given.length > 0 ? given : sandbox ? fallback : [];
  const { requester, approver } = SANDBOX_IDENTITIES;
  return {
    viewers: orDefault(e.ROLE_VIEWERS, ['*']),
    requesters: orDefault(e.ROLE_REQUESTERS, [requester.aadObjectId]),
    approvers: orDefault(e.ROLE_APPROVERS, [approver.aadObjectId]),
    admins: orDefault(e.ROLE_ADMINS, [approver.aadObjectId]),
    groups: {
      viewer: e.ROLE_VIEWERS_GROUPS,
      requester: e.ROLE_REQUESTERS_GROUPS,
      approver: e.ROLE_APPROVERS_GROUPS,
      admin: e.ROLE_ADMINS_GROUPS,
    },
    groupCacheMs: e.ROLE_GROUP_CACHE_MINUTES * 60_000,
  };
}

/**
 * The bot's own app registration reads the directory (group memberships for roles, names for
 * grants) whenever its credentials are configured.
 */
function directoryOf(e: Env): DirectoryConfig | undefined {
  if (!e.MicrosoftAppId || !e.MicrosoftAppPassword || !e.MicrosoftAppTenantId) return undefined;
  return {
    baseUrl: e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com',
    tenantId: e.MicrosoftAppTenantId,
    clientId: e.MicrosoftAppId,
    clientSecret: e.MicrosoftAppPassword,
  };
}

/**
 * What a valid configuration may still get wrong, said once at start-up: in production, a role
 * given to everyone ('*'), or no administrator to grant roles from Teams.
 */
export function configWarnings(config: AppConfig): string[] {
  if (config.mode !== 'production') return [];
  const warnings: string[] = [];
  const lists = [
    ['ROLE_VIEWERS', config.roles.viewers],
    ['ROLE_REQUESTERS', config.roles.requesters],
    ['ROLE_APPROVERS', config.roles.approvers],
    ['ROLE_ADMINS', config.roles.admins],
  ] as const;
  for (const [name, list] of lists) {
    if (list.includes('*')) warnings.push(`${name} is '*': every user of the allowed tenants has that role`);
  }
  if (config.roles.admins.length === 0 && config.roles.groups.admin.length === 0) {
    warnings.push(
      'no ROLE_ADMINS or ROLE_ADMINS_GROUPS: nobody can grant roles or read the audit trail in Teams',
    );
  }
  return warnings;
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

function isCronPattern(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

/** The Graph billing app when its settings are complete; undefined otherwise (the sandbox simulator). */
function graphBillingOf(e: Env): GraphBillingConfig | undefined {
  if (!e.GRAPH_BILLING_TENANT_ID || !e.GRAPH_BILLING_CLIENT_ID) return undefined;
  const certificate =
    e.GRAPH_BILLING_CERTIFICATE_PATH && e.GRAPH_BILLING_CERTIFICATE_THUMBPRINT
      ? {
          privateKeyPath: e.GRAPH_BILLING_CERTIFICATE_PATH,
          thumbprintSha256: e.GRAPH_BILLING_CERTIFICATE_THUMBPRINT.toLowerCase(),
        }
      : undefined;
  if (!e.GRAPH_BILLING_CLIENT_SECRET && !certificate) return undefined;
  return {
    baseUrl: e.GRAPH_BASE_URL ?? 'https://graph.microsoft.com',
    tenantId: e.GRAPH_BILLING_TENANT_ID,
    clientId: e.GRAPH_BILLING_CLIENT_ID,
    clientSecret: e.GRAPH_BILLING_CLIENT_SECRET,
    certificate,
  };
}

/** Graph certificate and link-key settings that cannot work, in any mode; a key never appears in a message. */
function billingProblems(e: Env): string[] {
  const problems: string[] = [];
  if (Boolean(e.GRAPH_BILLING_CERTIFICATE_PATH) !== Boolean(e.GRAPH_BILLING_CERTIFICATE_THUMBPRINT)) {
    problems.push(
      'GRAPH_BILLING_CERTIFICATE_PATH, GRAPH_BILLING_CERTIFICATE_THUMBPRINT: set both to use a certificate',
    );
  }
  if (e.GRAPH_BILLING_CERTIFICATE_PATH && !fs.existsSync(e.GRAPH_BILLING_CERTIFICATE_PATH)) {
    problems.push(`GRAPH_BILLING_CERTIFICATE_PATH: no file at ${e.GRAPH_BILLING_CERTIFICATE_PATH}`);
  }
  if (e.DOWNLOAD_LINK_SIGNING_KEY) {
    try {
      parseKey(e.DOWNLOAD_LINK_SIGNING_KEY, 'DOWNLOAD_LINK_SIGNING_KEY');
    } catch (error) {
      if (!(error instanceof EncryptionKeyError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}
