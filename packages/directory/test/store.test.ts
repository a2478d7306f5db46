/**
 * The store itself: migrations bring an old database up to date and refuse one from a
 * newer version; a transaction that fails writes nothing and announces nothing; one
 * that commits announces once, after the commit.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@pwsync/testing/directory-harness';
import { type Announcement, openStore } from '../src/store';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  return path.join(dir, 'directory.db');
}

/** The schema as the last version before migrations left it, without the columns it added later. */
const OLD_SCHEMA = `
CREATE TABLE users (id TEXT PRIMARY KEY, user_name TEXT NOT NULL, user_name_key TEXT NOT NULL UNIQUE, external_id TEXT, active INTEGER NOT NULL,
  sync_enabled INTEGER NOT NULL DEFAULT 1, profile TEXT NOT NULL, version INTEGER NOT NULL, created TEXT NOT NULL, last_modified TEXT NOT NULL);
CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL, provider TEXT NOT NULL, sha512crypt TEXT, pbkdf2 TEXT);
CREATE TABLE devices (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, device_name TEXT NOT NULL, platform TEXT NOT NULL,
  token_hash BLOB NOT NULL UNIQUE, sync_enabled INTEGER NOT NULL DEFAULT 1, last_check_in TEXT, created_at TEXT NOT NULL);
CREATE TABLE results (seq INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE, change_id TEXT NOT NULL,
  outcome TEXT NOT NULL, failed_step TEXT, at TEXT NOT NULL);
INSERT INTO users VALUES ('u1', 'Old@example.com', 'old@example.com', NULL, 1, 1, '{}', 3, '2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z');
INSERT INTO devices VALUES ('dev_old', 'u1', 'Old Mac', 'darwin', x'0102', 1, NULL, '2025-01-01T00:00:00.000Z');
`;

describe('migrations', () => {
  it('bring a database the version before migrations made up to date, keeping its rows', async () => {
    const file = dbFile();
    const old = new Database(file);
    old.exec(OLD_SCHEMA);
    old.close();
    const store = await openStore(file);
    try {
      expect(await store.q.userByName('old@example.com')).toMatchObject({ id: 'u1', version: 3, resend_check: null });
      expect(await store.q.deviceById('dev_old')).toMatchObject({ device_name: 'Old Mac', min_change_seq: 0 });
      await store.transaction(async (tx) => tx.setResendCheck('u1', 'check'));
      expect((await store.q.userById('u1'))?.resend_check).toBe('check');
      const ran = await store.q.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
      expect(ran).toEqual([{ name: '0001-initial' }]);
    } finally {
      await store.close();
    }
  });

  it('refuse a database a newer version has migrated further, and leave it as it was', async () => {
    const file = dbFile();
    await (await openStore(file)).close();
    const db = new Database(file);
    db.prepare("INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00.000Z')").run();
    db.close();
    await expect(openStore(file)).rejects.toThrow('a newer version of pwsync-directory has migrated this database (migration 9999-from-the-future, which this version does not know)');
    const after = new Database(file);
    expect(after.prepare('SELECT COUNT(*) AS n FROM kysely_migration').get()).toEqual({ n: 2 });
    after.close();
  });
});

describe('transactions', () => {
  it('a failed one writes nothing and announces nothing; a committed one announces once, after its commit', async () => {
    const store = await openStore(dbFile());
    const heard: Announcement[][] = [];
    store.onAnnounced(async (announced) => {
      // Delivered after the commit: what it announced is there to read.
      expect(await store.q.userById('u2')).toBeDefined();
      heard.push(announced);
    });
    const user = { id: 'u2', user_name: 'a@example.com', user_name_key: 'a@example.com', external_id: null, active: 1, profile: '{}', created: new Date().toISOString() };
    try {
      await expect(
        store.transaction(async (tx) => {
          await tx.insertUser(user);
          tx.announce({ userId: 'u2' });
          // The same userName again: the unique key refuses it, half way.
          await tx.insertUser({ ...user, id: 'u3' });
        }),
      ).rejects.toThrow();
      expect(await store.q.userById('u2')).toBeUndefined();
      expect(heard).toEqual([]);

      await store.transaction(async (tx) => {
        await tx.insertUser(user);
        tx.announce({ userId: 'u2' });
      });
      expect(heard).toEqual([[{ userId: 'u2' }]]);
    } finally {
      await store.close();
    }
  });

  it('refuse the store\'s own queries inside a transaction, which must use its own', async () => {
    const store = await openStore(dbFile());
    try {
      await expect(store.transaction(async () => store.q.userCount())).rejects.toThrow(/use the transaction's own queries/);
      expect(() => store.q.announce({ userId: 'x' })).toThrow(/inside store.transaction/);
      expect(await store.q.userCount()).toBe(0);
    } finally {
      await store.close();
    }
  });
});
