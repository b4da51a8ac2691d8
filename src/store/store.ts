import type SqliteDatabase from 'better-sqlite3';
import { Migrator, sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { silentLogger } from '../logging';
import { alertRepository, type AlertRepository } from './alerts';
import { auditRepository, type AuditRepository } from './audit';
import { botStateStorage, type BotStateStorage } from './botState';
import { connect, type ConnectionOptions } from './connect';
import { StoreConfigError } from './errors';
import { atomicFor, type RepositoryContext } from './context';
import { conversationReferenceRepository, type ConversationReferenceRepository } from './conversations';
import { downloadRepository, type DownloadRepository } from './downloads';
import { idempotencyRepository, type IdempotencyRepository } from './idempotency';
import { keyValueRepository, type KeyValueRepository } from './kv';
import { leaseRepository, type LeaseRepository } from './leases';
import { migrationProvider, type Engine } from './migrations';
import { actionRequestRepository, type ActionRequestRepository } from './requests';
import { roleGrantRepository, type RoleGrantRepository } from './roleGrants';
import type { Database } from './schema';
import { spendSnapshotRepository, type SpendSnapshotRepository } from './spendSnapshots';
import { watchRepository, type WatchRepository } from './watches';

export interface StoreOptions extends ConnectionOptions {
  logger?: Logger;
  /** The clock for timestamps and lease expiry (epoch ms); tests inject their own. */
  now?: () => number;
}

export interface Store {
  readonly engine: Engine;
  /** Resolves when the database answers a query: the readiness probe. */
  ping(): Promise<void>;
  close(): Promise<void>;
  readonly conversations: ConversationReferenceRepository;
  readonly botState: BotStateStorage;
  readonly requests: ActionRequestRepository;
  readonly audit: AuditRepository;
  readonly leases: LeaseRepository;
  readonly idempotency: IdempotencyRepository;
  readonly alerts: AlertRepository;
  readonly spend: SpendSnapshotRepository;
  readonly watches: WatchRepository;
  readonly kv: KeyValueRepository;
  readonly downloads: DownloadRepository;
  readonly roleGrants: RoleGrantRepository;
}

/** Opens the database, applies pending migrations, and returns the repositories over it. */
export async function createStore(options: StoreOptions = {}): Promise<SqlStore> {
  const logger = options.logger ?? silentLogger();
  const { engine, db, describe, sqlite } = connect(options);
  try {
    await migrate(db, engine, logger);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  logger.info({ engine, database: describe }, 'store ready');
  return new SqlStore(db, engine, options.now ?? Date.now, sqlite);
}

async function migrate(db: Kysely<Database>, engine: Engine, logger: Logger): Promise<void> {
  if (engine === 'postgres') {
    const current = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    if (!current.rows[0]?.schema) {
      throw new StoreConfigError(
        'PostgreSQL has no current schema: check search_path and that the schema exists',
      );
    }
  }
  const migrator = new Migrator({ db, provider: migrationProvider(engine) });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    logger.info({ migration: result.migrationName, status: result.status }, 'store migration');
  }
  if (error) throw error instanceof Error ? error : new Error(`Store migration failed: ${String(error)}`);
}

export class SqlStore implements Store {
  readonly conversations: ConversationReferenceRepository;
  readonly botState: BotStateStorage;
  readonly requests: ActionRequestRepository;
  readonly audit: AuditRepository;
  readonly leases: LeaseRepository;
  readonly idempotency: IdempotencyRepository;
  readonly alerts: AlertRepository;
  readonly spend: SpendSnapshotRepository;
  readonly watches: WatchRepository;
  readonly kv: KeyValueRepository;
  readonly downloads: DownloadRepository;
  readonly roleGrants: RoleGrantRepository;
  private closed?: Promise<void>;

  constructor(
    /** The query layer itself, for tests and tooling; application code goes through the repositories. */
    readonly kysely: Kysely<Database>,
    readonly engine: Engine,
    now: () => number,
    sqlite?: SqliteDatabase.Database,
  ) {
    const ctx: RepositoryContext = { db: kysely, engine, now, atomically: atomicFor(kysely, sqlite) };
    this.conversations = conversationReferenceRepository(ctx);
    this.botState = botStateStorage(ctx);
    this.requests = actionRequestRepository(ctx);
    this.audit = auditRepository(ctx);
    this.leases = leaseRepository(ctx);
    this.idempotency = idempotencyRepository(ctx);
    this.alerts = alertRepository(ctx);
    this.spend = spendSnapshotRepository(ctx);
    this.watches = watchRepository(ctx);
    this.kv = keyValueRepository(ctx);
    this.downloads = downloadRepository(ctx);
    this.roleGrants = roleGrantRepository(ctx);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.kysely);
  }

  close(): Promise<void> {
    this.closed ??= this.kysely.destroy();
    return this.closed;
  }
}
