/**
 * The support console's tables (console/console-store.ts holds every query of them):
 * console accounts, sessions (by the SHA-256 of their cookie), OpenID Connect sign-ins
 * under way (by the SHA-256 of their state), the audit log, and the people search, one
 * row per searchable word of a user (userName, names, emails), lower-cased and kept by
 * triggers, so no write path can forget it. Also the agent's safe reason on a result,
 * and the partial indexes the fleet view's counts walk.
 */
import { type Kysely, sql } from 'kysely';
import { type Engine, type EngineMigration, typesOf } from './migration';

/** The lower-cased search terms of the user row `row` (NEW in a trigger), as one SELECT of (term) rows, per engine. */
function termsOf(engine: Engine, row: string): string {
  if (engine === 'postgres') {
    const profile = `(${row}.profile)::jsonb`;
    return `SELECT lower(t) AS term FROM (
      SELECT ${row}.user_name AS t
      UNION ALL SELECT ${profile} ->> 'displayName'
      UNION ALL SELECT ${profile} -> 'name' ->> 'formatted'
      UNION ALL SELECT ${profile} -> 'name' ->> 'givenName'
      UNION ALL SELECT ${profile} -> 'name' ->> 'familyName'
      UNION ALL SELECT e ->> 'value' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${profile} -> 'emails') = 'array' THEN ${profile} -> 'emails' ELSE '[]'::jsonb END) e
    ) terms WHERE t IS NOT NULL AND t <> ''`;
  }
  return `SELECT lower(t) AS term FROM (
      SELECT ${row}.user_name AS t
      UNION ALL SELECT json_extract(${row}.profile, '$.displayName')
      UNION ALL SELECT json_extract(${row}.profile, '$.name.formatted')
      UNION ALL SELECT json_extract(${row}.profile, '$.name.givenName')
      UNION ALL SELECT json_extract(${row}.profile, '$.name.familyName')
      UNION ALL SELECT json_extract(e.value, '$.value') FROM json_each(${row}.profile, '$.emails') e
    ) WHERE typeof(t) = 'text' AND t <> ''`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the database as it was then
async function searchTriggers(db: Kysely<any>, engine: Engine): Promise<void> {
  if (engine === 'postgres') {
    await sql
      .raw(
        `CREATE FUNCTION person_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM person_search WHERE user_id = NEW.id;
  INSERT INTO person_search (term, user_id) SELECT DISTINCT term, NEW.id FROM (${termsOf('postgres', 'NEW')}) s ON CONFLICT DO NOTHING;
  RETURN NEW;
END $$`,
      )
      .execute(db);
    await sql.raw('CREATE TRIGGER person_search_insert AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION person_search_refresh()').execute(db);
    await sql.raw('CREATE TRIGGER person_search_update AFTER UPDATE OF user_name, profile ON users FOR EACH ROW EXECUTE FUNCTION person_search_refresh()').execute(db);
    // Deleting a user deletes its terms through the foreign key.
    await sql.raw(`INSERT INTO person_search (term, user_id) SELECT DISTINCT s.term, u.id FROM users u, LATERAL (${termsOf('postgres', 'u')}) s ON CONFLICT DO NOTHING`).execute(db);
    return;
  }
  await sql.raw(`CREATE TRIGGER person_search_insert AFTER INSERT ON users BEGIN
  INSERT OR IGNORE INTO person_search (term, user_id) SELECT term, NEW.id FROM (${termsOf('sqlite', 'NEW')});
END`).execute(db);
  await sql.raw(`CREATE TRIGGER person_search_update AFTER UPDATE OF user_name, profile ON users BEGIN
  DELETE FROM person_search WHERE user_id = OLD.id;
  INSERT OR IGNORE INTO person_search (term, user_id) SELECT term, NEW.id FROM (${termsOf('sqlite', 'NEW')});
END`).execute(db);
  await sql.raw(`INSERT OR IGNORE INTO person_search (term, user_id)
    SELECT lower(t), id FROM (
      SELECT id, user_name AS t FROM users
      UNION ALL SELECT id, json_extract(profile, '$.displayName') FROM users
      UNION ALL SELECT id, json_extract(profile, '$.name.formatted') FROM users
      UNION ALL SELECT id, json_extract(profile, '$.name.givenName') FROM users
      UNION ALL SELECT id, json_extract(profile, '$.name.familyName') FROM users
      UNION ALL SELECT u.id, json_extract(e.value, '$.value') FROM users u, json_each(u.profile, '$.emails') e
    ) WHERE typeof(t) = 'text' AND t <> ''`).execute(db);
}

export const migration: EngineMigration = {
  async up(db, engine) {
    const { bytes } = typesOf(engine);
    await db.schema.alterTable('results').addColumn('reason', 'text').execute();

    await db.schema
      .createTable('console_accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_name', 'text', (c) => c.notNull())
      .addColumn('user_name_key', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('support', 'admin')`))
      .addColumn('via', 'text', (c) => c.notNull().check(sql`via IN ('oidc', 'local')`))
      .addColumn('subject', 'text', (c) => c.unique())
      .addColumn('password_hash', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'text')
      .addColumn('failed_tries', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .execute();

    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', bytes, (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('console_accounts.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('idle_expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_sessions_account').on('console_sessions').column('account_id').execute();
    await db.schema.createIndex('console_sessions_expiry').on('console_sessions').column('expires_at').execute();

    await db.schema
      .createTable('console_oidc_logins')
      .addColumn('state_hash', bytes, (c) => c.primaryKey())
      .addColumn('code_verifier', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text', (c) => c.notNull())
      .addColumn('return_to', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();

    await (engine === 'postgres'
      ? db.schema.createTable('audit_log').addColumn('seq', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : db.schema.createTable('audit_log').addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    )
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_account_id', 'text')
      .addColumn('actor_name', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('from_addr', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target', 'seq']).execute();

    await db.schema
      .createTable('person_search')
      // Compared bytewise on both engines, so a prefix's range walks the index (PostgreSQL's default collation would not).
      .addColumn('term', 'text', (c) => (engine === 'postgres' ? c.notNull().modifyFront(sql`COLLATE "C"`) : c.notNull()))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('person_search_pk', ['term', 'user_id'])
      .execute();
    await db.schema.createIndex('person_search_user').on('person_search').column('user_id').execute();
    await searchTriggers(db, engine);

    // The fleet's counts of devices that are off walk these partial indexes, not every device.
    await sql`CREATE INDEX users_sync_off ON users (id) WHERE active = 0 OR sync_enabled = 0`.execute(db);
    await sql`CREATE INDEX devices_sync_off ON devices (user_id) WHERE sync_enabled = 0`.execute(db);
    // The fleet's pending devices start from change_hashes (migration 0002): the changes that still hold a hash, few.
  },
};
