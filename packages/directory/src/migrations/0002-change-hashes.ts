/**
 * A change's hashes move to a table of their own, `change_hashes`, holding a row only
 * while a device still needs one of them. Why: on PostgreSQL an UPDATE or DELETE leaves
 * the old row's bytes in the table's pages, and plain VACUUM does not overwrite them;
 * only a rewrite of the table (VACUUM FULL) does, and a table that holds nothing but
 * the hashes still needed is small enough to rewrite after each erasure (store-postgres.ts,
 * docs/directory.md, "Erasure"). On SQLite it changes nothing of what is erased:
 * secure_delete overwrites freed bytes either way.
 */
import { sql } from 'kysely';
import type { EngineMigration } from './migration';

export const migration: EngineMigration = {
  async up(db) {
    await db.schema
      .createTable('change_hashes')
      .addColumn('change_id', 'text', (c) => c.primaryKey().references('changes.id').onDelete('cascade'))
      .addColumn('sha512crypt', 'text')
      .addColumn('pbkdf2', 'text')
      .execute();
    await sql`INSERT INTO change_hashes (change_id, sha512crypt, pbkdf2)
      SELECT id, sha512crypt, pbkdf2 FROM changes WHERE sha512crypt IS NOT NULL OR pbkdf2 IS NOT NULL`.execute(db);
    // Emptied first, so what the column held is overwritten (SQLite's secure_delete) before it goes.
    await sql`UPDATE changes SET sha512crypt = NULL, pbkdf2 = NULL WHERE sha512crypt IS NOT NULL OR pbkdf2 IS NOT NULL`.execute(db);
    await db.schema.alterTable('changes').dropColumn('sha512crypt').execute();
    await db.schema.alterTable('changes').dropColumn('pbkdf2').execute();
  },
};
