/**
 * The directory's SQLite database. Every write runs in one transaction (better-sqlite3
 * runs them synchronously, so no other request interleaves), so a failed request
 * leaves nothing half-written. Passwords never reach this file: only a change's
 * hashes, and those of a superseded change are erased, so the file does not keep a
 * history of someone's passwords.
 */
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChangeHashes } from '@pwsync/device-api';

export interface UserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  active: number;
  sync_enabled: number;
  profile: string;
  version: number;
  created: string;
  last_modified: string;
}

export interface ChangeRow {
  seq: number;
  id: string;
  user_id: string;
  created_at: string;
  provider: string;
  sha512crypt: string | null;
  pbkdf2: string | null;
}

export interface DeviceRow {
  id: string;
  user_id: string;
  device_name: string;
  platform: string;
  sync_enabled: number;
  last_check_in: string | null;
  created_at: string;
}

export interface ResultRow {
  change_id: string;
  outcome: string;
  failed_step: string | null;
  at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  user_name_key TEXT NOT NULL UNIQUE,
  external_id TEXT,
  active INTEGER NOT NULL,
  sync_enabled INTEGER NOT NULL DEFAULT 1,
  profile TEXT NOT NULL,
  version INTEGER NOT NULL,
  created TEXT NOT NULL,
  last_modified TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_external_id ON users(external_id);
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  provider TEXT NOT NULL,
  sha512crypt TEXT,
  pbkdf2 TEXT
);
CREATE INDEX IF NOT EXISTS changes_user ON changes(user_id, seq);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_name TEXT NOT NULL,
  platform TEXT NOT NULL,
  token_hash BLOB NOT NULL UNIQUE,
  sync_enabled INTEGER NOT NULL DEFAULT 1,
  last_check_in TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS devices_user ON devices(user_id);
CREATE TABLE IF NOT EXISTS results (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  change_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  failed_step TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_device ON results(device_id, change_id);
`;

export function userNameKey(userName: string): string {
  return userName.toLowerCase();
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

export type Store = ReturnType<typeof openStore>;

export function openStore(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a change Okta was told is stored survives a power cut too, not only a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Erased hashes are overwritten, not just unlinked (older copies may linger in the WAL until a checkpoint).
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

  const q = {
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    userByName: db.prepare<[string], UserRow>('SELECT * FROM users WHERE user_name_key = ?'),
    userByExternalId: db.prepare<[string], UserRow>('SELECT * FROM users WHERE external_id = ? ORDER BY rowid'),
    usersPage: db.prepare<[number, number], UserRow>('SELECT * FROM users ORDER BY rowid LIMIT ? OFFSET ?'),
    userCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
    insertUser: db.prepare(
      `INSERT INTO users (id, user_name, user_name_key, external_id, active, sync_enabled, profile, version, created, last_modified)
       VALUES (@id, @user_name, @user_name_key, @external_id, @active, 1, @profile, 1, @created, @created)`,
    ),
    updateUser: db.prepare(
      `UPDATE users SET user_name = @user_name, user_name_key = @user_name_key, external_id = @external_id, active = @active,
       profile = @profile, version = version + 1, last_modified = @last_modified WHERE id = @id`,
    ),
    setUserSync: db.prepare<[number, string]>('UPDATE users SET sync_enabled = ? WHERE id = ?'),
    deleteUser: db.prepare<[string]>('DELETE FROM users WHERE id = ?'),
    latestChange: db.prepare<[string], ChangeRow>('SELECT * FROM changes WHERE user_id = ? ORDER BY seq DESC LIMIT 1'),
    changeById: db.prepare<[string], ChangeRow>('SELECT * FROM changes WHERE id = ?'),
    eraseHashes: db.prepare<[string]>('UPDATE changes SET sha512crypt = NULL, pbkdf2 = NULL WHERE user_id = ? AND sha512crypt IS NOT NULL'),
    insertChange: db.prepare('INSERT INTO changes (id, user_id, created_at, provider, sha512crypt, pbkdf2) VALUES (@id, @user_id, @created_at, @provider, @sha512crypt, @pbkdf2)'),
    insertDevice: db.prepare(
      `INSERT INTO devices (id, user_id, device_name, platform, token_hash, sync_enabled, created_at)
       VALUES (@id, @user_id, @device_name, @platform, @token_hash, 1, @created_at)`,
    ),
    deviceByToken: db.prepare<[Buffer], DeviceRow>('SELECT * FROM devices WHERE token_hash = ?'),
    deviceById: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    devicesOfUser: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE user_id = ? ORDER BY rowid'),
    setDeviceSync: db.prepare<[number, string]>('UPDATE devices SET sync_enabled = ? WHERE id = ?'),
    checkedIn: db.prepare<[string, string]>('UPDATE devices SET last_check_in = ? WHERE id = ?'),
    synced: db.prepare<[string, string], { one: number }>("SELECT 1 AS one FROM results WHERE device_id = ? AND change_id = ? AND outcome = 'synced' LIMIT 1"),
    lastResult: db.prepare<[string], ResultRow>('SELECT change_id, outcome, failed_step, at FROM results WHERE device_id = ? ORDER BY seq DESC LIMIT 1'),
    insertResult: db.prepare('INSERT INTO results (device_id, change_id, outcome, failed_step, at) VALUES (@device_id, @change_id, @outcome, @failed_step, @at)'),
  };

  return {
    db,
    q,
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
    newUserId: () => randomUUID(),
    /** A new change supersedes the pending one: its hashes are erased in the same transaction. */
    addChange(userId: string, provider: string, hashes: ChangeHashes, createdAt: string): string {
      const id = newId('chg');
      q.eraseHashes.run(userId);
      q.insertChange.run({ id, user_id: userId, created_at: createdAt, provider, sha512crypt: hashes.sha512crypt, pbkdf2: hashes.pbkdf2 });
      return id;
    },
    close: () => db.close(),
  };
}
