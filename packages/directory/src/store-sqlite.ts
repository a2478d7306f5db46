/**
 * The embedded engine: one SQLite file through better-sqlite3, one connection, so
 * transactions run one at a time (BEGIN IMMEDIATE: the write lock is taken at the start,
 * so a transaction never fails half way for want of it).
 *
 * Erased means gone from the files: secure_delete overwrites freed bytes, and after
 * each erasure scrub() checkpoints the WAL into the database and truncates it, so no
 * old page image with a hash stays in the -wal file either. The database is created
 * 0600 (the umask while SQLite opens it; SQLite gives its -wal and -shm the database's
 * mode), and files that are not are made so.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { Kysely, SqliteDialect, type SqliteDatabase, sql } from 'kysely';
import { type Store, databaseFiles } from './store';
import { migrateToLatest } from './store-migrate';
import { Queries } from './store-queries';
import type { Announcement } from './store-queries';
import type { Tables } from './store-tables';
import { Announcements, assertOutsideTransaction, inTransaction, outsideTransactionsOnly } from './store-transactions';

/** Distinct statements kept prepared, at most; any beyond are prepared at each run. */
const PREPARED_MAX = 256;

/**
 * The database as kysely's SqliteDialect sees it, with each statement prepared once.
 * kysely's driver calls better-sqlite3's `prepare` every time it runs a statement, and
 * SQLite then parses and plans it again: for a device's state (one join of four tables)
 * that was a quarter of the embedded directory's busy time while 10,000 devices
 * reconnected (profiled, test/bench/capacity-bench.ts). A prepared statement is kept by
 * its text (which holds no value: values are bound at each run), and one that is busy
 * (being iterated) is never handed out twice: that run gets one of its own. SQLite
 * prepares a kept statement again by itself after a schema change.
 */
export function preparingOnce(database: Database.Database): SqliteDatabase {
  const kept = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      const statement = kept.get(text);
      if (statement && !statement.busy) return statement;
      const fresh = database.prepare(text);
      if (!statement && kept.size < PREPARED_MAX) kept.set(text, fresh);
      return fresh;
    },
  };
}

export async function openSqliteStore(file: string): Promise<Store> {
  // Nobody but the directory's own account may read these files: created 0600.
  const previousUmask = process.umask(0o077);
  let database: Database.Database;
  try {
    database = new Database(file);
    database.pragma('journal_mode = WAL');
  } finally {
    process.umask(previousUmask);
  }
  // FULL: a change Okta was told is stored survives a power cut too, not only a crash.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  // Erased hashes are overwritten, not just unlinked; scrub() clears the WAL's copies.
  database.pragma('secure_delete = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: preparingOnce(database) }) });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // Files an earlier version (or a careless copy) left readable by others are made private.
  const madePrivate: string[] = [];
  for (const path of databaseFiles(file)) {
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      madePrivate.push(path);
    }
  }
  const announcements = new Announcements();
  const owner = {};

  return {
    engine: 'sqlite',
    q: new Queries(db.withPlugin(outsideTransactionsOnly(owner)), 'sqlite', undefined, () => assertOutsideTransaction(owner)),
    madePrivate,
    onAnnounced: (handler) => announcements.set(handler),
    async transaction(fn) {
      const announced: Announcement[] = [];
      const result = await db.connection().execute((connection) =>
        inTransaction(owner, async () => {
          await sql`BEGIN IMMEDIATE`.execute(connection);
          try {
            const value = await fn(new Queries(connection, 'sqlite', announced));
            await sql`COMMIT`.execute(connection);
            return value;
          } catch (error) {
            // SQLite may have rolled back already (a constraint failure in some modes).
            if (database.inTransaction) await sql`ROLLBACK`.execute(connection);
            throw error;
          }
        }),
      );
      await announcements.deliver(announced, 'here');
      return result;
    },
    /**
     * Copies the WAL into the database and truncates it, so erased hashes survive in
     * neither file. Cheap when little was written; called after each erasure.
     */
    async scrub() {
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    },
    close: () => db.destroy(),
  };
}
