/**
 * The tables as the directory had them before migrations (users, changes, devices,
 * results, enrolment codes). On SQLite, a database an earlier version made already has
 * them, perhaps without the columns added later: those are added, and nothing else
 * changes. On PostgreSQL, `rowid` stands in for SQLite's implicit row number.
 */
import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { type EngineMigration, typesOf } from './migration';

export const migration: EngineMigration = {
  async up(db, engine) {
    const { bytes, bigint } = typesOf(engine);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the builder's table name is not in a typed schema here
    const rowNumbered = (table: CreateTableBuilder<any, any>) => (engine === 'postgres' ? table.addColumn('rowid', 'bigint', (c) => c.generatedByDefaultAsIdentity().notNull().unique()) : table);
    const sequence = (name: string) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (table: CreateTableBuilder<any, any>) =>
        engine === 'postgres' ? table.addColumn(name, 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity()) : table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());

    await rowNumbered(db.schema.createTable('users').ifNotExists())
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('user_name_key', 'text', (c) => c.notNull().unique())
      .addColumn('external_id', 'text')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('sync_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('profile', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created', 'text', (c) => c.notNull())
      .addColumn('last_modified', 'text', (c) => c.notNull())
      .addColumn('resend_check', 'text')
      .execute();
    await db.schema.createIndex('users_external_id').ifNotExists().on('users').column('external_id').execute();

    await sequence('seq')(db.schema.createTable('changes').ifNotExists())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('sha512crypt', 'text')
      .addColumn('pbkdf2', 'text')
      .execute();
    await db.schema.createIndex('changes_user').ifNotExists().on('changes').columns(['user_id', 'seq']).execute();

    await rowNumbered(db.schema.createTable('devices').ifNotExists())
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('device_name', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('token_hash', bytes, (c) => c.notNull().unique())
      .addColumn('sync_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('last_check_in', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('min_change_seq', bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('enrolment_code_id', 'text')
      .execute();
    await db.schema.createIndex('devices_user').ifNotExists().on('devices').column('user_id').execute();

    await sequence('seq')(db.schema.createTable('results').ifNotExists())
      .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
      .addColumn('change_id', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('failed_step', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text')
      .execute();
    await db.schema.createIndex('results_device').ifNotExists().on('results').columns(['device_id', 'change_id']).execute();

    await rowNumbered(db.schema.createTable('enrolment_codes').ifNotExists())
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code_hash', bytes, (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('uses_total', 'integer', (c) => c.notNull())
      .addColumn('uses_left', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('enrolment_codes_user').ifNotExists().on('enrolment_codes').column('user_id').execute();

    if (engine === 'sqlite') await addLegacyColumns(db);
  },
};

/** Columns versions before migrations added by hand, for SQLite databases those versions made. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function addLegacyColumns(db: Kysely<any>): Promise<void> {
  const added: Array<[table: string, column: string, definition: string]> = [
    ['users', 'resend_check', 'TEXT'],
    ['devices', 'min_change_seq', 'INTEGER NOT NULL DEFAULT 0'],
    ['devices', 'enrolment_code_id', 'TEXT'],
    ['results', 'received_at', 'TEXT'],
  ];
  for (const [table, column, definition] of added) {
    const columns = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db);
    if (!columns.rows.some((c) => c.name === column)) await sql.raw(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`).execute(db);
  }
}
