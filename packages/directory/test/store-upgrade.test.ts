/**
 * Migration 0002 (machines) on a database made before it: its enrolment codes are
 * kept, in their order, and codes for any user (no user) can be stored beside them;
 * a device keeps working and can now carry a machine and a local account.
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

it('keeps the codes of a database made before machines, and takes codes for any user after', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const file = path.join(dir, 'directory.db');
  const old = new Database(file);
  old.exec(`CREATE TABLE users (id TEXT PRIMARY KEY, user_name TEXT NOT NULL, user_name_key TEXT NOT NULL UNIQUE, external_id TEXT, active INTEGER NOT NULL,
    sync_enabled INTEGER NOT NULL DEFAULT 1, profile TEXT NOT NULL, version INTEGER NOT NULL, created TEXT NOT NULL, last_modified TEXT NOT NULL);
  CREATE TABLE enrolment_codes (id TEXT PRIMARY KEY, code_hash BLOB NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label TEXT NOT NULL, uses_total INTEGER NOT NULL, uses_left INTEGER NOT NULL, expires_at TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);
  INSERT INTO users VALUES ('u1', 'ana@example.com', 'ana@example.com', NULL, 1, 1, '{}', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
  INSERT INTO enrolment_codes VALUES ('enc_first', X'00', 'u1', 'first', 1, 1, '2027-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL);
  INSERT INTO enrolment_codes VALUES ('enc_second', X'01', 'u1', 'second', 3, 2, '2027-01-01T00:00:00Z', '2026-01-02T00:00:00Z', NULL);`);
  old.close();
  const store = await openStore(file);
  try {
    expect((await store.q.codes()).map((c) => [c.id, c.user_id, c.uses_left])).toEqual([['enc_second', 'u1', 2], ['enc_first', 'u1', 1]]);
    await store.transaction(async (tx) => tx.insertCode({ id: 'enc_any', code_hash: Buffer.from([2]), user_id: null, label: 'fleet', uses_total: 5, expires_at: '2027-01-01T00:00:00Z', created_at: '2026-01-03T00:00:00Z' }));
    expect(await store.q.codeById('enc_any')).toMatchObject({ user_id: null, uses_left: 5 });
    expect((await store.q.codes()).map((c) => c.id)).toEqual(['enc_any', 'enc_second', 'enc_first']);
    await store.transaction(async (tx) => {
      await tx.insertMachine({ id: 'mch_1', machine_name: 'lab-pc', platform: 'linux', token_hash: Buffer.from([9]), scope_user_id: null, enrolment_code_id: 'enc_any', created_at: '2026-01-03T00:00:00Z' });
      await tx.insertDevice({ id: 'dev_1', user_id: 'u1', device_name: 'lab-pc (ana)', platform: 'linux', token_hash: Buffer.from([8]), created_at: '2026-01-03T00:00:00Z', min_change_seq: 0, enrolment_code_id: 'enc_any', machine_id: 'mch_1', local_account: 'ana' });
    });
    expect(await store.q.deviceOfMachine('mch_1', 'ana')).toMatchObject({ id: 'dev_1', machine_id: 'mch_1', local_account: 'ana' });
    // One device per local account of a machine.
    await expect(store.transaction(async (tx) => tx.insertDevice({ id: 'dev_2', user_id: 'u1', device_name: 'x', platform: 'linux', token_hash: Buffer.from([7]), created_at: '2026-01-03T00:00:00Z', min_change_seq: 0, enrolment_code_id: null, machine_id: 'mch_1', local_account: 'ana' }))).rejects.toThrow();
    // Removing the machine removes the devices it bound.
    await store.transaction(async (tx) => tx.deleteMachine('mch_1'));
    expect(await store.q.deviceById('dev_1')).toBeUndefined();
  } finally {
    await store.close();
  }
});
