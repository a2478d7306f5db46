/**
 * Machines (docs/directory.md, "Machines"): a computer enrolled as a whole, whose agent
 * binds each person it serves to a device of theirs. Adds the `machines` table, the
 * machine and local account of a bound person's device (unique together), and codes
 * for any user: `enrolment_codes.user_id` may be null. SQLite cannot drop NOT NULL in
 * place, so there the table is copied into one without it (in the migration's
 * transaction; nothing refers to the table, so foreign keys are undisturbed).
 */
import { type CreateTableBuilder, sql } from 'kysely';
import { type EngineMigration, typesOf } from './migration';

export const migration: EngineMigration = {
  async up(db, engine) {
    const { bytes } = typesOf(engine);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the builder's table name is not in a typed schema here
    const rowNumbered = (table: CreateTableBuilder<any, any>) => (engine === 'postgres' ? table.addColumn('rowid', 'bigint', (c) => c.generatedByDefaultAsIdentity().notNull().unique()) : table);
    await rowNumbered(db.schema.createTable('machines'))
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('machine_name', 'text', (c) => c.notNull())
      .addColumn('platform', 'text', (c) => c.notNull())
      .addColumn('token_hash', bytes, (c) => c.notNull().unique())
      .addColumn('scope_user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('enrolment_code_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text')
      .execute();
    await db.schema.alterTable('devices').addColumn('machine_id', 'text', (c) => c.references('machines.id').onDelete('cascade')).execute();
    await db.schema.alterTable('devices').addColumn('local_account', 'text').execute();
    await db.schema.createIndex('devices_machine_account').unique().on('devices').columns(['machine_id', 'local_account']).execute();

    if (engine === 'postgres') {
      await db.schema.alterTable('enrolment_codes').alterColumn('user_id', (c) => c.dropNotNull()).execute();
      return;
    }
    await sql`CREATE TABLE enrolment_codes_new (
      id TEXT PRIMARY KEY, code_hash BLOB NOT NULL UNIQUE, user_id TEXT REFERENCES users(id) ON DELETE CASCADE, label TEXT NOT NULL,
      uses_total INTEGER NOT NULL, uses_left INTEGER NOT NULL, expires_at TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)`.execute(db);
    // In rowid order, so "newest first" reads the same after the copy.
    await sql`INSERT INTO enrolment_codes_new (id, code_hash, user_id, label, uses_total, uses_left, expires_at, created_at, revoked_at)
      SELECT id, code_hash, user_id, label, uses_total, uses_left, expires_at, created_at, revoked_at FROM enrolment_codes ORDER BY rowid`.execute(db);
    await sql`DROP TABLE enrolment_codes`.execute(db);
    await sql`ALTER TABLE enrolment_codes_new RENAME TO enrolment_codes`.execute(db);
    await sql`CREATE INDEX enrolment_codes_user ON enrolment_codes(user_id)`.execute(db);
  },
};
