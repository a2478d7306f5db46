/**
 * The directory's storage: one async interface (Store) over two engines, SQLite
 * (store-sqlite.ts, the embedded default: one file, no server) and PostgreSQL
 * (store-postgres.ts, for several instances). Both are reached through kysely, the one
 * query layer (store-queries.ts), and brought up to date by kysely's Migrator
 * (store-migrate.ts, migrations/). docs/directory.md, "Storage", says how to add a
 * table or a query.
 *
 * Every write runs in one transaction (`store.transaction(async (tx) => …)`), so a failed
 * request leaves nothing half-written; on both engines transactions behave as if run one
 * at a time (SQLite: one connection, BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE, retried
 * when the database says two collided). What a transaction announces (tx.announce) is
 * delivered once it commits, to this instance and, on PostgreSQL, to every other.
 *
 * Versions: kysely 0.28.19, not 0.29 (which needs Node 22; the directory runs on Node 20);
 * pg 8.23.1 and its own URL parser pg-connection-string 2.14.1, the newest.
 *
 * Passwords never reach the database: only a change's hashes, each for as long as a
 * device still needs it (docs/directory.md, "Hashes"), and one check per user that tells
 * a resent password from a new one. Tokens and enrolment codes are stored as SHA-256.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from './migrations/migration';
import type { Announcement, Queries } from './store-queries';
import { openPostgresStore } from './store-postgres';
import { openSqliteStore } from './store-sqlite';

export type { Engine } from './migrations/migration';
export type { Announcement, DeviceState, Queries } from './store-queries';
export type { ChangeRow, DeviceRow, EnrolmentCodeRow, MachineRow, ResultRow, UserRow } from './store-tables';
export { randomId as newId } from './store-ids';

export interface Store {
  readonly engine: Engine;
  /** Queries each on its own, outside any transaction (never inside one: use its `tx`). */
  readonly q: Queries;
  /** Runs `fn` in one transaction; commits if it returns, rolls back if it throws. */
  transaction<T>(fn: (tx: Queries) => Promise<T>): Promise<T>;
  /** Who hears of committed announcements: this instance's, and on PostgreSQL every instance's. */
  onAnnounced(handler: AnnouncementHandler): void;
  /** After hashes were erased: removes what copies of them the engine lets us remove (docs/directory.md, "Erasure"). */
  scrub(): Promise<void>;
  /** Files that were readable by others when opened, and are now 0600 (SQLite). */
  readonly madePrivate: string[];
  close(): Promise<void>;
}

export type AnnouncementHandler = (announced: Announcement[], origin: 'here' | 'elsewhere') => Promise<void>;

export function userNameKey(userName: string): string {
  return userName.toLowerCase();
}

export function newUserId(): string {
  return randomUUID();
}

/** Where the directory keeps its data: an SQLite file, or a PostgreSQL database. */
export type StoreConfig =
  | { engine: 'sqlite'; file: string }
  | { engine: 'postgres'; url: string; tls?: { ca?: string }; instanceId?: string; password?: () => string | Promise<string>; poolSize?: number };

export function openStore(config: StoreConfig | string): Promise<Store> {
  const resolved: StoreConfig = typeof config === 'string' ? { engine: 'sqlite', file: config } : config;
  return resolved.engine === 'sqlite' ? openSqliteStore(resolved.file) : openPostgresStore(resolved);
}

/** The database file and the two SQLite keeps beside it in WAL mode. */
export function databaseFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}
