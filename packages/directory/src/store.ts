/**
 * The directory's SQLite database. Every write runs in one transaction (better-sqlite3
 * runs them synchronously, so no other request interleaves), so a failed request
 * leaves nothing half-written. Passwords never reach this file: only a change's
 * hashes, each for as long as a device still needs it (docs/directory.md, "Hashes"),
 * and one check per user that tells a resent password from a new one.
 *
 * Erased means gone from the files: secure_delete overwrites freed bytes, and after
 * each erasure scrub() checkpoints the WAL into the database and truncates it, so no
 * old page image with a hash stays in the -wal file either. The files are created
 * 0600 (the umask while SQLite opens them), and any that are not are made so.
 */
import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { type ChangeHashes, PLATFORM_HASH } from '@pwsync/device-api';

export interface UserRow {
  id: string;
  user_name: string;
  user_name_key: string;
  external_id: string | null;
  active: number;
  sync_enabled: number;
  profile: string;
  version: number;
  created: string;
  last_modified: string;
  resend_check: string | null;
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
  platform: 'darwin' | 'linux' | 'win32';
  sync_enabled: number;
  last_check_in: string | null;
  created_at: string;
  /** The newest change when the device enrolled: it is offered only changes made after it. */
  min_change_seq: number;
}

export interface ResultRow {
  change_id: string;
  outcome: string;
  failed_step: string | null;
  reason: string | null;
  at: string;
  received_at: string | null;
}

export interface EnrolmentCodeRow {
  id: string;
  user_id: string;
  label: string;
  uses_total: number;
  uses_left: number;
  expires_at: string;
  created_at: string;
  revoked_at: string | null;
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
CREATE TABLE IF NOT EXISTS enrolment_codes (
  id TEXT PRIMARY KEY,
  code_hash BLOB NOT NULL UNIQUE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  uses_total INTEGER NOT NULL,
  uses_left INTEGER NOT NULL,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS enrolment_codes_user ON enrolment_codes(user_id);
`;

/** Columns later versions added, for databases an earlier version created. */
const ADDED_COLUMNS: Array<[table: string, column: string, definition: string]> = [
  ['users', 'resend_check', 'TEXT'],
  ['devices', 'min_change_seq', 'INTEGER NOT NULL DEFAULT 0'],
  ['devices', 'enrolment_code_id', 'TEXT'],
  ['results', 'received_at', 'TEXT'],
  // The agent's safe reason for a failed step, for support's console.
  ['results', 'reason', 'TEXT'],
];

export function userNameKey(userName: string): string {
  return userName.toLowerCase();
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** The database file and the two SQLite keeps beside it in WAL mode. */
export function databaseFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

export type Store = ReturnType<typeof openStore>;

export function openStore(file: string) {
  // Nobody but the directory's own account may read these files: created 0600.
  const previousUmask = process.umask(0o077);
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    // FULL: a change Okta was told is stored survives a power cut too, not only a crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Erased hashes are overwritten, not just unlinked; scrub() clears the WAL's copies.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    for (const [table, column, definition] of ADDED_COLUMNS) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    }
  } finally {
    process.umask(previousUmask);
  }
  // Files an earlier version (or a careless copy) left readable by others are made private.
  const madePrivate: string[] = [];
  for (const path of databaseFiles(file)) {
    if (existsSync(path) && (statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      madePrivate.push(path);
    }
  }

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
    setResendCheck: db.prepare<[string, string]>('UPDATE users SET resend_check = ? WHERE id = ?'),
    setUserSync: db.prepare<[number, string]>('UPDATE users SET sync_enabled = ? WHERE id = ?'),
    deleteUser: db.prepare<[string]>('DELETE FROM users WHERE id = ?'),
    latestChange: db.prepare<[string], ChangeRow>('SELECT * FROM changes WHERE user_id = ? ORDER BY seq DESC LIMIT 1'),
    /** The user's newest change, if it was made after the device enrolled. */
    changeForDevice: db.prepare<[string, number], ChangeRow>('SELECT * FROM changes WHERE user_id = ? AND seq > ? ORDER BY seq DESC LIMIT 1'),
    changeById: db.prepare<[string], ChangeRow>('SELECT * FROM changes WHERE id = ?'),
    newestChangeSeq: db.prepare<[], { n: number }>('SELECT COALESCE(MAX(seq), 0) AS n FROM changes'),
    eraseHashesOfUser: db.prepare<[string]>('UPDATE changes SET sha512crypt = NULL, pbkdf2 = NULL WHERE user_id = ? AND (sha512crypt IS NOT NULL OR pbkdf2 IS NOT NULL)'),
    eraseCryptHash: db.prepare<[string]>('UPDATE changes SET sha512crypt = NULL WHERE id = ? AND sha512crypt IS NOT NULL'),
    erasePbkdf2Hash: db.prepare<[string]>('UPDATE changes SET pbkdf2 = NULL WHERE id = ? AND pbkdf2 IS NOT NULL'),
    eraseHashesBefore: db.prepare<[string], { user_id: string }>(
      'UPDATE changes SET sha512crypt = NULL, pbkdf2 = NULL WHERE created_at < ? AND (sha512crypt IS NOT NULL OR pbkdf2 IS NOT NULL) RETURNING user_id',
    ),
    /** The platforms of the devices the change was made for (enrolled before it) that have not reported it synced. */
    platformsAwaiting: db.prepare<[string, number, string], { platform: DeviceRow['platform'] }>(
      `SELECT DISTINCT d.platform FROM devices d WHERE d.user_id = ? AND d.min_change_seq < ?
       AND NOT EXISTS (SELECT 1 FROM results r WHERE r.device_id = d.id AND r.change_id = ? AND r.outcome = 'synced')`,
    ),
    insertChange: db.prepare('INSERT INTO changes (id, user_id, created_at, provider, sha512crypt, pbkdf2) VALUES (@id, @user_id, @created_at, @provider, @sha512crypt, @pbkdf2)'),
    insertDevice: db.prepare(
      `INSERT INTO devices (id, user_id, device_name, platform, token_hash, sync_enabled, created_at, min_change_seq, enrolment_code_id)
       VALUES (@id, @user_id, @device_name, @platform, @token_hash, 1, @created_at, @min_change_seq, @enrolment_code_id)`,
    ),
    deviceByToken: db.prepare<[Buffer], DeviceRow>('SELECT * FROM devices WHERE token_hash = ?'),
    deviceById: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
    devicesOfUser: db.prepare<[string], DeviceRow>('SELECT * FROM devices WHERE user_id = ? ORDER BY rowid'),
    platformsOfUser: db.prepare<[string], { platform: DeviceRow['platform'] }>('SELECT DISTINCT platform FROM devices WHERE user_id = ?'),
    deleteDevice: db.prepare<[string]>('DELETE FROM devices WHERE id = ?'),
    setDeviceSync: db.prepare<[number, string]>('UPDATE devices SET sync_enabled = ? WHERE id = ?'),
    checkedIn: db.prepare<[string, string]>('UPDATE devices SET last_check_in = ? WHERE id = ?'),
    synced: db.prepare<[string, string], { one: number }>("SELECT 1 AS one FROM results WHERE device_id = ? AND change_id = ? AND outcome = 'synced' LIMIT 1"),
    lastResult: db.prepare<[string], ResultRow>('SELECT change_id, outcome, failed_step, reason, at, received_at FROM results WHERE device_id = ? ORDER BY seq DESC LIMIT 1'),
    insertResult: db.prepare(
      'INSERT INTO results (device_id, change_id, outcome, failed_step, reason, at, received_at) VALUES (@device_id, @change_id, @outcome, @failed_step, @reason, @at, @received_at)',
    ),
    pruneResults: db.prepare<[string, string, number]>('DELETE FROM results WHERE device_id = ? AND seq NOT IN (SELECT seq FROM results WHERE device_id = ? ORDER BY seq DESC LIMIT ?)'),
    insertCode: db.prepare(
      `INSERT INTO enrolment_codes (id, code_hash, user_id, label, uses_total, uses_left, expires_at, created_at)
       VALUES (@id, @code_hash, @user_id, @label, @uses_total, @uses_total, @expires_at, @created_at)`,
    ),
    codeByHash: db.prepare<[Buffer], EnrolmentCodeRow>('SELECT * FROM enrolment_codes WHERE code_hash = ?'),
    codeById: db.prepare<[string], EnrolmentCodeRow>('SELECT * FROM enrolment_codes WHERE id = ?'),
    codesOfUser: db.prepare<[string], EnrolmentCodeRow>('SELECT * FROM enrolment_codes WHERE user_id = ? ORDER BY rowid DESC LIMIT 1000'),
    allCodes: db.prepare<[], EnrolmentCodeRow>('SELECT * FROM enrolment_codes ORDER BY rowid DESC LIMIT 1000'),
    useCode: db.prepare<[string]>('UPDATE enrolment_codes SET uses_left = uses_left - 1 WHERE id = ? AND uses_left > 0'),
    revokeCode: db.prepare<[string, string]>('UPDATE enrolment_codes SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?'),
  };

  return {
    db,
    q,
    /** Files that were readable by others when opened, and are now 0600. */
    madePrivate,
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
    newUserId: () => randomUUID(),
    /** A new change supersedes the pending one: its hashes are erased in the same transaction. */
    addChange(userId: string, provider: string, hashes: Partial<ChangeHashes>, createdAt: string): string {
      const id = newId('chg');
      q.eraseHashesOfUser.run(userId);
      q.insertChange.run({ id, user_id: userId, created_at: createdAt, provider, sha512crypt: hashes.sha512crypt ?? null, pbkdf2: hashes.pbkdf2 ?? null });
      return id;
    },
    /**
     * Erases each of the change's hashes that no device still needs: the crypt hash once
     * every Linux device it was made for has reported it synced, PBKDF2 once every Mac
     * and Windows computer has. True if it erased one.
     */
    eraseUnneededHashes(change: ChangeRow): boolean {
      const needed = new Set(q.platformsAwaiting.all(change.user_id, change.seq, change.id).map((d) => PLATFORM_HASH[d.platform]));
      let erased = 0;
      if (!needed.has('sha512crypt')) erased += q.eraseCryptHash.run(change.id).changes;
      if (!needed.has('pbkdf2')) erased += q.erasePbkdf2Hash.run(change.id).changes;
      return erased > 0;
    },
    /**
     * Copies the WAL into the database and truncates it, so erased hashes survive in
     * neither file. Cheap when little was written; called after each erasure.
     */
    scrub(): void {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    close: () => db.close(),
  };
}
