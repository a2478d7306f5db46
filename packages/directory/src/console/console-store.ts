/**
 * The support console's own tables and every query it makes of them, behind one small
 * async interface, so the engine underneath (SQLite today; the store's PostgreSQL
 * engine when it lands) changes here alone. Its tables come in their own migration
 * (CONSOLE_MIGRATIONS, recorded in console_migrations), apart from the directory's.
 *
 * Nothing here holds a secret in a form that could be used: sessions are kept by the
 * SHA-256 of their cookie value, OpenID Connect logins by the SHA-256 of their state,
 * local passwords as scrypt hashes (accounts.ts), and the audit log holds none of these.
 */
import type Database from 'better-sqlite3';

export interface AccountRow {
  id: string;
  user_name: string;
  user_name_key: string;
  display_name: string;
  role: 'support' | 'admin';
  via: 'oidc' | 'local';
  /** `issuer sub` of an account made by OpenID Connect sign-in. */
  subject: string | null;
  password_hash: string | null;
  disabled: number;
  created_at: string;
  last_sign_in_at: string | null;
  failed_tries: number;
  locked_until: string | null;
}

export interface SessionRow {
  id_hash: Buffer;
  account_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  idle_expires_at: string;
}

export interface OidcLoginRow {
  state_hash: Buffer;
  code_verifier: string;
  nonce: string;
  return_to: string;
  expires_at: string;
}

export interface AuditRow {
  seq: number;
  id: string;
  at: string;
  actor_kind: 'console' | 'adminToken';
  actor_account_id: string | null;
  actor_name: string;
  action: string;
  target: string | null;
  details: string;
  from_addr: string;
}

/** The console's migrations, in order; each runs once, in a transaction, and is recorded. */
export const CONSOLE_MIGRATIONS: Array<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'console accounts, sessions, sign-ins, audit log, people search',
    sql: `
CREATE TABLE console_accounts (
  id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  user_name_key TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('support', 'admin')),
  via TEXT NOT NULL CHECK (via IN ('oidc', 'local')),
  subject TEXT UNIQUE,
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  last_sign_in_at TEXT,
  failed_tries INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT
);
CREATE TABLE console_sessions (
  id_hash BLOB PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES console_accounts(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  idle_expires_at TEXT NOT NULL
);
CREATE INDEX console_sessions_account ON console_sessions(account_id);
CREATE INDEX console_sessions_expiry ON console_sessions(expires_at);
CREATE TABLE console_oidc_logins (
  state_hash BLOB PRIMARY KEY,
  code_verifier TEXT NOT NULL,
  nonce TEXT NOT NULL,
  return_to TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_account_id TEXT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  details TEXT NOT NULL,
  from_addr TEXT NOT NULL
);
CREATE INDEX audit_log_target ON audit_log(target, seq);
-- Find a person as you type: one row per searchable word of a user (userName, names,
-- emails), lower-cased, kept by triggers so no write path can forget it.
CREATE TABLE person_search (
  term TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (term, user_id)
) WITHOUT ROWID;
CREATE INDEX person_search_user ON person_search(user_id);
CREATE TRIGGER person_search_insert AFTER INSERT ON users BEGIN
  INSERT OR IGNORE INTO person_search (term, user_id)
  SELECT lower(term), NEW.id FROM (
    SELECT NEW.user_name AS term
    UNION ALL SELECT json_extract(NEW.profile, '$.displayName')
    UNION ALL SELECT json_extract(NEW.profile, '$.name.formatted')
    UNION ALL SELECT json_extract(NEW.profile, '$.name.givenName')
    UNION ALL SELECT json_extract(NEW.profile, '$.name.familyName')
    UNION ALL SELECT json_extract(e.value, '$.value') FROM json_each(NEW.profile, '$.emails') e
  ) WHERE typeof(term) = 'text' AND term <> '';
END;
CREATE TRIGGER person_search_update AFTER UPDATE OF user_name, profile ON users BEGIN
  DELETE FROM person_search WHERE user_id = OLD.id;
  INSERT OR IGNORE INTO person_search (term, user_id)
  SELECT lower(term), NEW.id FROM (
    SELECT NEW.user_name AS term
    UNION ALL SELECT json_extract(NEW.profile, '$.displayName')
    UNION ALL SELECT json_extract(NEW.profile, '$.name.formatted')
    UNION ALL SELECT json_extract(NEW.profile, '$.name.givenName')
    UNION ALL SELECT json_extract(NEW.profile, '$.name.familyName')
    UNION ALL SELECT json_extract(e.value, '$.value') FROM json_each(NEW.profile, '$.emails') e
  ) WHERE typeof(term) = 'text' AND term <> '';
END;
CREATE TRIGGER person_search_delete AFTER DELETE ON users BEGIN
  DELETE FROM person_search WHERE user_id = OLD.id;
END;
-- The people who were there before this migration.
INSERT OR IGNORE INTO person_search (term, user_id)
SELECT lower(term), id FROM (
  SELECT id, user_name AS term FROM users
  UNION ALL SELECT id, json_extract(profile, '$.displayName') FROM users
  UNION ALL SELECT id, json_extract(profile, '$.name.formatted') FROM users
  UNION ALL SELECT id, json_extract(profile, '$.name.givenName') FROM users
  UNION ALL SELECT id, json_extract(profile, '$.name.familyName') FROM users
  UNION ALL SELECT u.id, json_extract(e.value, '$.value') FROM users u, json_each(u.profile, '$.emails') e
) WHERE typeof(term) = 'text' AND term <> '';
-- The fleet view's indexed queries: changes whose hashes are still kept (the only ones
-- a device can be waiting for), and people whose sync is off.
CREATE INDEX changes_open ON changes(created_at) WHERE sha512crypt IS NOT NULL OR pbkdf2 IS NOT NULL;
CREATE INDEX users_off ON users(id) WHERE active = 0 OR sync_enabled = 0;
CREATE INDEX devices_off ON devices(id) WHERE sync_enabled = 0;
`,
  },
];

export function migrateConsole(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS console_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM console_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const migration of CONSOLE_MIGRATIONS) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO console_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}

export type ConsoleStore = ReturnType<typeof openConsoleStore>;

/** The console's queries on the directory's database (migrated first). Async, as the store's other engines are. */
export function openConsoleStore(db: Database.Database) {
  migrateConsole(db);
  const q = {
    accountById: db.prepare<[string], AccountRow>('SELECT * FROM console_accounts WHERE id = ?'),
    accountByName: db.prepare<[string], AccountRow>('SELECT * FROM console_accounts WHERE user_name_key = ?'),
    accountBySubject: db.prepare<[string], AccountRow>('SELECT * FROM console_accounts WHERE subject = ?'),
    accounts: db.prepare<[], AccountRow>('SELECT * FROM console_accounts ORDER BY user_name_key LIMIT 10000'),
    insertAccount: db.prepare(
      `INSERT INTO console_accounts (id, user_name, user_name_key, display_name, role, via, subject, password_hash, disabled, created_at)
       VALUES (@id, @user_name, @user_name_key, @display_name, @role, @via, @subject, @password_hash, 0, @created_at)`,
    ),
    updateAccount: db.prepare(
      'UPDATE console_accounts SET display_name = @display_name, role = @role, disabled = @disabled, password_hash = @password_hash WHERE id = @id',
    ),
    deleteAccount: db.prepare<[string]>('DELETE FROM console_accounts WHERE id = ?'),
    signedIn: db.prepare<[string, string]>('UPDATE console_accounts SET last_sign_in_at = ?, failed_tries = 0, locked_until = NULL WHERE id = ?'),
    failedTry: db.prepare<[string | null, string]>('UPDATE console_accounts SET failed_tries = failed_tries + 1, locked_until = ? WHERE id = ?'),
    insertSession: db.prepare('INSERT INTO console_sessions (id_hash, account_id, csrf_token, created_at, expires_at, idle_expires_at) VALUES (@id_hash, @account_id, @csrf_token, @created_at, @expires_at, @idle_expires_at)'),
    sessionByHash: db.prepare<[Buffer], SessionRow>('SELECT * FROM console_sessions WHERE id_hash = ?'),
    touchSession: db.prepare<[string, Buffer]>('UPDATE console_sessions SET idle_expires_at = ? WHERE id_hash = ?'),
    deleteSession: db.prepare<[Buffer]>('DELETE FROM console_sessions WHERE id_hash = ?'),
    deleteSessionsOf: db.prepare<[string]>('DELETE FROM console_sessions WHERE account_id = ?'),
    deleteEndedSessions: db.prepare<[string, string]>('DELETE FROM console_sessions WHERE expires_at <= ? OR idle_expires_at <= ?'),
    insertLogin: db.prepare('INSERT INTO console_oidc_logins (state_hash, code_verifier, nonce, return_to, expires_at) VALUES (@state_hash, @code_verifier, @nonce, @return_to, @expires_at)'),
    takeLogin: db.prepare<[Buffer], OidcLoginRow>('DELETE FROM console_oidc_logins WHERE state_hash = ? RETURNING *'),
    deleteEndedLogins: db.prepare<[string]>('DELETE FROM console_oidc_logins WHERE expires_at <= ?'),
    loginCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM console_oidc_logins'),
    insertAudit: db.prepare(
      `INSERT INTO audit_log (id, at, actor_kind, actor_account_id, actor_name, action, target, details, from_addr)
       VALUES (@id, @at, @actor_kind, @actor_account_id, @actor_name, @action, @target, @details, @from_addr)`,
    ),
    auditPage: db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
    auditOfTarget: db.prepare<[string, number], AuditRow>('SELECT * FROM audit_log WHERE target = ? ORDER BY seq DESC LIMIT ?'),
  };
  const transaction = <T>(fn: () => T): T => db.transaction(fn).immediate();
  return {
    account: async (id: string) => q.accountById.get(id),
    accountByName: async (key: string) => q.accountByName.get(key),
    accountBySubject: async (subject: string) => q.accountBySubject.get(subject),
    accounts: async () => q.accounts.all(),
    insertAccount: async (row: Omit<AccountRow, 'disabled' | 'last_sign_in_at' | 'failed_tries' | 'locked_until'>) => {
      q.insertAccount.run(row);
      return q.accountById.get(row.id)!;
    },
    /** Writes the account's changeable fields; a disabled account or a new password ends its sessions in the same transaction. */
    updateAccount: async (row: AccountRow, endSessions: boolean) =>
      transaction(() => {
        q.updateAccount.run({ id: row.id, display_name: row.display_name, role: row.role, disabled: row.disabled, password_hash: row.password_hash });
        if (endSessions) q.deleteSessionsOf.run(row.id);
        return q.accountById.get(row.id)!;
      }),
    deleteAccount: async (id: string) => q.deleteAccount.run(id).changes > 0,
    signedIn: async (id: string, at: string) => void q.signedIn.run(at, id),
    failedTry: async (id: string, lockedUntil: string | null) => void q.failedTry.run(lockedUntil, id),
    insertSession: async (row: SessionRow) => void q.insertSession.run(row),
    session: async (idHash: Buffer) => q.sessionByHash.get(idHash),
    touchSession: async (idHash: Buffer, idleExpiresAt: string) => void q.touchSession.run(idleExpiresAt, idHash),
    deleteSession: async (idHash: Buffer) => void q.deleteSession.run(idHash),
    deleteEnded: async (now: string) => {
      q.deleteEndedSessions.run(now, now);
      q.deleteEndedLogins.run(now);
    },
    insertLogin: async (row: OidcLoginRow) => void q.insertLogin.run(row),
    /** A login's state is good once: read and deleted together. */
    takeLogin: async (stateHash: Buffer) => q.takeLogin.get(stateHash),
    loginCount: async () => q.loginCount.get()!.n,
    insertAudit: async (row: Omit<AuditRow, 'seq'>) => void q.insertAudit.run(row),
    /** Newest first, before the entry `beforeSeq` (exclusive). */
    auditPage: async (beforeSeq: number, limit: number) => q.auditPage.all(beforeSeq, limit),
    auditOfTarget: async (target: string, limit: number) => q.auditOfTarget.all(target, limit),
  };
}
