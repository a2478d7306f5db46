/**
 * A database made before machines: opened by this version, its enrolment codes are
 * kept, and codes for any user (no user) can be stored beside them.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '@pwsync/testing/directory-harness';
import { openStore } from '../src/store';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('keeps the codes of a database made before machines, and takes codes for any user after', () => {
  const dir = tempDir();
  dirs.push(dir);
  const file = path.join(dir, 'directory.db');
  const old = new Database(file);
  old.exec(`CREATE TABLE users (id TEXT PRIMARY KEY, user_name TEXT NOT NULL, user_name_key TEXT NOT NULL UNIQUE, external_id TEXT, active INTEGER NOT NULL,
    sync_enabled INTEGER NOT NULL DEFAULT 1, profile TEXT NOT NULL, version INTEGER NOT NULL, created TEXT NOT NULL, last_modified TEXT NOT NULL);
  CREATE TABLE enrolment_codes (id TEXT PRIMARY KEY, code_hash BLOB NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label TEXT NOT NULL, uses_total INTEGER NOT NULL, uses_left INTEGER NOT NULL, expires_at TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);
  INSERT INTO users VALUES ('u1', 'ana@example.com', 'ana@example.com', NULL, 1, 1, '{}', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
  INSERT INTO enrolment_codes VALUES ('enc_old', X'00', 'u1', 'old', 1, 1, '2027-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL);`);
  old.close();
  const store = openStore(file);
  try {
    expect(store.q.codeById.get('enc_old')).toMatchObject({ user_id: 'u1', label: 'old', uses_left: 1 });
    store.q.insertCode.run({ id: 'enc_any', code_hash: Buffer.from([1]), user_id: null, label: 'fleet', uses_total: 5, expires_at: '2027-01-01T00:00:00Z', created_at: '2026-01-01T00:00:00Z' });
    expect(store.q.codeById.get('enc_any')).toMatchObject({ user_id: null, uses_left: 5 });
  } finally {
    store.close();
  }
});
