import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  PostgresDialect,
  sql,
  type ColumnMetadata,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';

/**
 * PostgreSQL dialect whose introspection sees only the current schema. Kysely's Migrator asks the
 * introspector whether its bookkeeping tables exist; the stock one lists every schema of the
 * database, so it mistakes another schema's tables for ours, and it fails outright when another
 * schema is dropped while it runs (it calls has_schema_privilege by name). Several bot
 * deployments or test suites sharing one database in separate schemas hit both.
 */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  // Kysely's own signature takes Kysely<any>.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

interface ColumnRow {
  table: string;
  kind: string;
  column: string | null;
  data_type: string | null;
  not_null: boolean | null;
  has_default: boolean | null;
  identity: string | null;
  default_expr: string | null;
  schema: string;
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const result = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(
      this.db,
    );
    return result.rows.map((row) => ({ name: row.name }));
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    // Only catalog joins and the current schema's own rows: nothing that resolves another schema by name.
    const result = await sql<ColumnRow>`
      select c.relname as table, c.relkind as kind, a.attname as column,
             pg_catalog.format_type(a.atttypid, a.atttypmod) as data_type,
             a.attnotnull as not_null, a.atthasdef as has_default, a.attidentity as identity,
             pg_catalog.pg_get_expr(d.adbin, d.adrelid) as default_expr, n.nspname as schema
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
       where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
       order by c.relname, a.attnum`.execute(this.db);
    const internal = new Set<string>([DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE]);
    const tables = new Map<
      string,
      { name: string; isView: boolean; schema: string; columns: ColumnMetadata[] }
    >();
    for (const row of result.rows) {
      if (!options.withInternalKyselyTables && internal.has(row.table)) continue;
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, isView: row.kind === 'v', schema: row.schema, columns: [] };
        tables.set(row.table, table);
      }
      if (row.column === null) continue;
      table.columns.push({
        name: row.column,
        dataType: row.data_type ?? 'unknown',
        isNullable: row.not_null !== true,
        hasDefaultValue: row.has_default === true || Boolean(row.identity),
        isAutoIncrementing: Boolean(row.identity) || (row.default_expr ?? '').startsWith('nextval('),
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
