import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

/**
 * Migrations live in code (not files read at run time) so that the compiled bundle carries them.
 * Names sort in the order they apply; never edit one that has shipped, add the next.
 */
export function migrationProvider(engine: Engine): MigrationProvider {
  return {
    getMigrations: async () => ({
      '0001_initial': initial(engine),
      '0002_request_orders': requestOrders(),
      '0003_request_engine': requestEngine(),
      '0004_spend': spend(),
      '0005_downloads': downloads(engine),
      '0006_governance': governance(engine),
    }),
  };
}

// Migrations must accept any database shape: Kysely's Migration interface is typed that way.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function initial(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('conversation_references')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('reference_json', 'text', (c) => c.notNull())
        .addColumn('conversation_type', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('team_id', 'text')
        .addColumn('channel_id', 'text')
        .addColumn('user_aad_object_id', 'text')
        .addColumn('service_url', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('conversation_references_type_team')
        .on('conversation_references')
        .columns(['conversation_type', 'team_id'])
        .execute();

      await db.schema
        .createTable('bot_state')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('doc_json', 'text', (c) => c.notNull())
        .addColumn('etag', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('action_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('customer_name', 'text', (c) => c.notNull())
        .addColumn('requester_id', 'text', (c) => c.notNull())
        .addColumn('requester_name', 'text', (c) => c.notNull())
        .addColumn('approver_id', 'text')
        .addColumn('approver_name', 'text')
        .addColumn('reason', 'text')
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('result_json', 'text')
        .addColumn('error_json', 'text')
        .addColumn('conversation_key', 'text')
        .addColumn('activity_id', 'text')
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('action_requests_state_created')
        .on('action_requests')
        .columns(['state', 'created_at'])
        .execute();
      await db.schema
        .createIndex('action_requests_customer')
        .on('action_requests')
        .column('customer_id')
        .execute();
      await db.schema
        .createIndex('action_requests_requester')
        .on('action_requests')
        .column('requester_id')
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', engine === 'postgres' ? 'bigint' : 'integer', (c) =>
          engine === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('customer_id', 'text')
        .addColumn('correlation_id', 'text')
        .addColumn('pc_request_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
      await db.schema.createIndex('audit_log_request').on('audit_log').column('request_id').execute();
      await db.schema.createIndex('audit_log_customer').on('audit_log').column('customer_id').execute();

      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('acquired_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('result_json', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('idempotency_keys_expires')
        .on('idempotency_keys')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('alert_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('thresholds_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('alert_subscriptions_conversation_customer', ['conversation_key', 'customer_id'])
        .execute();
      await db.schema
        .createIndex('alert_subscriptions_customer')
        .on('alert_subscriptions')
        .column('customer_id')
        .execute();

      await db.schema
        .createTable('alert_history')
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('threshold', 'double precision', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_history_pk', [
          'subscription_id',
          'customer_id',
          'threshold',
          'period_key',
        ])
        .execute();
      await db.schema
        .createIndex('alert_history_customer')
        .on('alert_history')
        .columns(['customer_id', 'at'])
        .execute();

      await db.schema
        .createTable('watches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('next_run_at', 'bigint', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('lease_holder', 'text')
        .addColumn('lease_expires_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('watches_next_run').on('watches').column('next_run_at').execute();

      await db.schema
        .createTable('kv')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of [
        'kv',
        'watches',
        'alert_history',
        'alert_subscriptions',
        'idempotency_keys',
        'leases',
        'audit_log',
        'action_requests',
        'bot_state',
        'conversation_references',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/** Which request placed which Partner Center order: `order <id>` finds its request by an index. */
function requestOrders(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('request_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('request_orders').ifExists().execute();
    },
  };
}

/**
 * The kind-neutral request engine: where a request's execution stands (the checkpoint of each step),
 * the approvals it has collected and the approval policy it was created under. Work items get an
 * index by kind, since each worker claims its own kinds.
 */
function requestEngine(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('action_requests').addColumn('execution_json', 'text').execute();
      await db.schema.alterTable('action_requests').addColumn('approvals_json', 'text').execute();
      await db.schema.alterTable('action_requests').addColumn('policy_json', 'text').execute();
      await db.schema
        .createIndex('watches_kind_next_run')
        .on('watches')
        .columns(['kind', 'next_run_at'])
        .execute();
      await db.schema.createIndex('watches_request').on('watches').column('request_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('watches_request').ifExists().execute();
      await db.schema.dropIndex('watches_kind_next_run').ifExists().execute();
      await db.schema.alterTable('action_requests').dropColumn('policy_json').execute();
      await db.schema.alterTable('action_requests').dropColumn('approvals_json').execute();
      await db.schema.alterTable('action_requests').dropColumn('execution_json').execute();
    },
  };
}

/**
 * Files the bot serves through short-lived signed links (the CSV of reconciliation line items):
 * the file's metadata and its bytes in ordered chunks, so that a large file is written and read a
 * chunk at a time and any instance can serve it. Rows expire and are purged.
 */
function downloads(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('downloads')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('encoding', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('chunk_count', 'integer', (c) => c.notNull())
        .addColumn('meta_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('downloads_expires').on('downloads').column('expires_at').execute();
      await db.schema
        .createTable('download_chunks')
        .addColumn('download_id', 'text', (c) => c.notNull().references('downloads.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('data', engine === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addPrimaryKeyConstraint('download_chunks_pk', ['download_id', 'seq'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('download_chunks').ifExists().execute();
      await db.schema.dropTable('downloads').ifExists().execute();
    },
  };
}

/**
 * Azure spend: the names a subscription was made with (the list shows them without asking
 * Partner Center); each budget alert as a row of its own (what was seen, where it was posted, who
 * acknowledged it), unique per conversation, customer, billing period, kind and threshold, so that
 * it is raised once whatever runs the sweep (and turning alerts off and on again does not repeat it); the periods a conversation snoozed
 * for a customer; and one spend figure per customer and day (the usage card's trend). The bare
 * alert_history of 0001 never held a posted alert and goes.
 */
function spend(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('alert_subscriptions').addColumn('customer_name', 'text').execute();
      await db.schema.alterTable('alert_subscriptions').addColumn('created_by_name', 'text').execute();
      await db.schema.dropTable('alert_history').ifExists().execute();
      await db.schema
        .createTable('budget_alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('customer_name', 'text', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('threshold', 'double precision', (c) => c.notNull())
        .addColumn('figures_json', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('posted_conversation_key', 'text')
        .addColumn('activity_id', 'text')
        .addColumn('posted_at', 'bigint')
        .addColumn('ack_by', 'text')
        .addColumn('ack_by_name', 'text')
        .addColumn('ack_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('budget_alerts_once', [
          'conversation_key',
          'customer_id',
          'period_key',
          'kind',
          'threshold',
        ])
        .execute();
      await db.schema
        .createIndex('budget_alerts_customer_period')
        .on('budget_alerts')
        .columns(['customer_id', 'period_key'])
        .execute();

      await db.schema
        .createTable('alert_snoozes')
        .addColumn('conversation_key', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('snoozed_by', 'text', (c) => c.notNull())
        .addColumn('snoozed_by_name', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_snoozes_pk', ['conversation_key', 'customer_id', 'period_key'])
        .execute();

      await db.schema
        .createTable('spend_snapshots')
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('total_cost', 'double precision', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('budget', 'double precision')
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('spend_snapshots_pk', ['customer_id', 'day'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.alterTable('alert_subscriptions').dropColumn('created_by_name').execute();
      await db.schema.alterTable('alert_subscriptions').dropColumn('customer_name').execute();
      await db.schema.dropTable('spend_snapshots').ifExists().execute();
      await db.schema.dropTable('alert_snoozes').ifExists().execute();
      await db.schema.dropTable('budget_alerts').ifExists().execute();
      await db.schema
        .createTable('alert_history')
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('threshold', 'double precision', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_history_pk', [
          'subscription_id',
          'customer_id',
          'threshold',
          'period_key',
        ])
        .execute();
    },
  };
}

/** The session setting a retention purge sets (SET LOCAL) on PostgreSQL: rows older than it may go. */
export const AUDIT_PURGE_SETTING = 'azure_plan_ops.audit_purge_before';

/**
 * Governance (issue 11): role grants made by admins in Teams (`grant`, `revoke`), one row per user
 * and role; the audit trail's who/where columns (tenant, conversation, request kind, customer
 * name) and an index for a customer's trail; the tenant a request was made in. Audit rows become
 * append-only in the database itself: UPDATE is always refused and DELETE only inside the
 * retention purge and only of rows older than its cutoff — on PostgreSQL the purge sets
 * AUDIT_PURGE_SETTING for its transaction (SET LOCAL), on SQLite it writes the cutoff in
 * `audit_purge_window` within its transaction; TRUNCATE is refused on PostgreSQL.
 */
function governance(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('role_grants')
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('principal_name', 'text')
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('granted_by_name', 'text')
        .addColumn('granted_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('role_grants_pk', ['principal_id', 'role'])
        .execute();
      await db.schema.createIndex('role_grants_role').on('role_grants').column('role').execute();

      await db.schema.alterTable('action_requests').addColumn('tenant_id', 'text').execute();
      for (const column of ['tenant_id', 'conversation_id', 'request_kind', 'customer_name']) {
        await db.schema.alterTable('audit_log').addColumn(column, 'text').execute();
      }
      await db.schema
        .createIndex('audit_log_customer_at')
        .on('audit_log')
        .columns(['customer_id', 'at', 'id'])
        .execute();

      if (engine === 'postgres') {
        await sql`
          create or replace function audit_log_append_only() returns trigger language plpgsql as $$
          declare
            cutoff text;
          begin
            if tg_op = 'DELETE' then
              cutoff := current_setting('azure_plan_ops.audit_purge_before', true);
              if cutoff is not null and cutoff <> '' and old.at < cutoff::bigint then
                return old;
              end if;
            end if;
            raise exception 'audit_log is append-only: % refused', tg_op
              using errcode = 'insufficient_privilege',
                    hint = 'Only the retention purge deletes audit rows, and only rows older than its cutoff.';
          end
          $$`.execute(db);
        await sql`
          create trigger audit_log_append_only before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
        await sql`
          create trigger audit_log_no_truncate before truncate on audit_log
          for each statement execute function audit_log_append_only()`.execute(db);
      } else {
        await db.schema
          .createTable('audit_purge_window')
          .addColumn('cutoff', 'bigint', (c) => c.notNull())
          .execute();
        await sql`
          create trigger audit_log_no_update before update on audit_log
          begin select raise(abort, 'audit_log is append-only: UPDATE refused'); end`.execute(db);
        await sql`
          create trigger audit_log_no_delete before delete on audit_log
          when old.at >= coalesce((select max(cutoff) from audit_purge_window), -1)
          begin select raise(abort, 'audit_log is append-only: DELETE refused'); end`.execute(db);
      }
    },
    async down(db: AnyDb) {
      if (engine === 'postgres') {
        await sql`drop trigger if exists audit_log_no_truncate on audit_log`.execute(db);
        await sql`drop trigger if exists audit_log_append_only on audit_log`.execute(db);
        await sql`drop function if exists audit_log_append_only()`.execute(db);
      } else {
        await sql`drop trigger if exists audit_log_no_delete`.execute(db);
        await sql`drop trigger if exists audit_log_no_update`.execute(db);
        await db.schema.dropTable('audit_purge_window').ifExists().execute();
      }
      await db.schema.dropIndex('audit_log_customer_at').ifExists().execute();
      for (const column of ['customer_name', 'request_kind', 'conversation_id', 'tenant_id']) {
        await db.schema.alterTable('audit_log').dropColumn(column).execute();
      }
      await db.schema.alterTable('action_requests').dropColumn('tenant_id').execute();
      await db.schema.dropTable('role_grants').ifExists().execute();
    },
  };
}
