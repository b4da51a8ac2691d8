import type { Kysely, Migration, MigrationProvider } from 'kysely';

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
