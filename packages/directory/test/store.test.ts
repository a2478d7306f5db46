/**
 * The store itself, on the run's engine: migrations bring an old database up to date
 * and refuse one from a newer version; a transaction that fails writes nothing and
 * announces nothing; one that commits announces once, after the commit, and on
 * PostgreSQL to every other instance, also after the listening connection was cut.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE, tempDir, testPostgres } from '@pwsync/testing/directory-harness';
import { createDatabase, superuser } from '@pwsync/testing/postgres';
import { MIGRATIONS } from '../src/migrations/index';
import { type Announcement, type Store, openStore } from '../src/store';
import { connectionOptions } from '../src/store-postgres';
import { StoreBusyError } from '../src/store-transactions';

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
INSERT INTO changes (id, user_id, created_at, provider, sha512crypt, pbkdf2) VALUES ('chg_old', 'u1', '2025-01-03T00:00:00.000Z', 'Okta', NULL, '$pbkdf2-sha512$1000$c2FsdA$aGFzaA');
`;

/** A new, empty store on this run's engine; `url` opens a second instance on the same PostgreSQL database. */
async function newStore(): Promise<{ store: Store; url?: string }> {
  if (ENGINE === 'sqlite') return { store: await openStore(dbFile()) };
  const { url } = await createDatabase(await testPostgres());
  return { store: await openStore({ engine: 'postgres', url }), url };
}

describe.skipIf(ENGINE !== 'sqlite')('migrations on SQLite', () => {
  it('bring a database the version before migrations made up to date, keeping its rows', async () => {
    const file = dbFile();
    const old = new Database(file);
    old.exec(OLD_SCHEMA);
    old.close();
    const store = await openStore(file);
    try {
      expect(await store.q.userByName('old@example.com')).toMatchObject({ id: 'u1', version: 3, resend_check: null });
      expect(await store.q.deviceById('dev_old')).toMatchObject({ device_name: 'Old Mac', min_change_seq: 0 });
      expect(await store.q.latestChange('u1')).toMatchObject({ id: 'chg_old', seq: 1, sha512crypt: null, pbkdf2: '$pbkdf2-sha512$1000$c2FsdA$aGFzaA' });
      await store.transaction(async (tx) => tx.setResendCheck('u1', 'check'));
      expect((await store.q.userById('u1'))?.resend_check).toBe('check');
      const ran = await store.q.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
      expect(ran).toEqual(Object.keys(MIGRATIONS).map((name) => ({ name })));
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
    expect(after.prepare('SELECT COUNT(*) AS n FROM kysely_migration').get()).toEqual({ n: Object.keys(MIGRATIONS).length + 1 });
    after.close();
  });
});

describe('transactions', () => {
  it('a failed one writes nothing and announces nothing; a committed one announces once, after its commit', async () => {
    const { store } = await newStore();
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
    const { store } = await newStore();
    try {
      await expect(store.transaction(async () => store.q.userCount())).rejects.toThrow(/use the transaction's own queries/);
      expect(() => store.q.announce({ userId: 'x' })).toThrow(/inside store.transaction/);
      expect(await store.q.userCount()).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(ENGINE !== 'postgres')('on PostgreSQL', () => {
  it('migrate a new database once, also when two instances start at the same moment', async () => {
    const { url } = await createDatabase(await testPostgres());
    const [a, b] = await Promise.all([openStore({ engine: 'postgres', url }), openStore({ engine: 'postgres', url })]);
    try {
      const ran = await a.q.db.selectFrom('kysely_migration' as never).select('name' as never).execute();
      expect(ran).toEqual(Object.keys(MIGRATIONS).map((name) => ({ name })));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('tell another instance what committed, after the commit, and nothing of what rolled back', async () => {
    const { store: a, url } = await newStore();
    const b = await openStore({ engine: 'postgres', url: url! });
    const heardAtB: Array<{ announced: Announcement[]; origin: string; seen: boolean }> = [];
    const heardAtA: string[] = [];
    a.onAnnounced(async (_announced, origin) => void heardAtA.push(origin));
    b.onAnnounced(async (announced, origin) => void heardAtB.push({ announced, origin, seen: (await b.q.userById('u9')) !== undefined }));
    const user = { id: 'u9', user_name: 'b@example.com', user_name_key: 'b@example.com', external_id: null, active: 1, profile: '{}', created: new Date().toISOString() };
    try {
      await expect(
        a.transaction(async (tx) => {
          await tx.insertUser(user);
          tx.announce({ userId: 'rolled-back' });
          throw new Error('half way');
        }),
      ).rejects.toThrow('half way');
      await a.transaction(async (tx) => {
        await tx.insertUser(user);
        tx.announce({ userId: 'u9' });
      });
      await expect.poll(() => heardAtB).toEqual([{ announced: [{ userId: 'u9' }], origin: 'elsewhere', seen: true }]);
      // A hears its own once, from the commit, not again through the database.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heardAtA).toEqual(['here']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('after losing its listening connection, an instance reconnects and refreshes everyone, then hears again', async () => {
    const { store: a, url } = await newStore();
    const b = await openStore({ engine: 'postgres', url: url!, instanceId: 'instance-b' });
    const heard: Announcement[][] = [];
    b.onAnnounced(async (announced) => void heard.push(announced));
    try {
      const database = new URL(url!).pathname.slice(1);
      const cut = await superuser(await testPostgres(), async (client) =>
        (await client.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'`, [database])).rows,
      );
      expect(cut.length).toBeGreaterThan(0);
      await expect.poll(() => heard, { timeout: 10_000 }).toContainEqual([{ everyone: true }]);
      await a.transaction(async (tx) => tx.announce({ deviceId: 'dev_1' }));
      await expect.poll(() => heard).toContainEqual([{ deviceId: 'dev_1' }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('run a transaction that keeps colliding again, spread out, and then give up saying the store is busy', async () => {
    const { store } = await newStore();
    let runs = 0;
    try {
      await expect(
        store.transaction(async () => {
          runs += 1;
          throw Object.assign(new Error('could not serialize access due to read/write dependencies among transactions'), { code: '40001' });
        }),
      ).rejects.toBeInstanceOf(StoreBusyError);
      expect(runs).toBe(20);
      // Any other failure is not tried again.
      runs = 0;
      await expect(store.transaction(async () => ((runs += 1), Promise.reject(new Error('no'))))).rejects.toThrow('no');
      expect(runs).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('run colliding transactions as if one after the other: a code with one use left is used once', async () => {
    const { store } = await newStore();
    try {
      await store.transaction(async (tx) => {
        await tx.insertUser({ id: 'u1', user_name: 'c@example.com', user_name_key: 'c@example.com', external_id: null, active: 1, profile: '{}', created: '2026-01-01T00:00:00.000Z' });
        await tx.insertCode({ id: 'enc_1', code_hash: Buffer.from('code'), user_id: 'u1', label: '', uses_total: 1, expires_at: '2099-01-01T00:00:00.000Z', created_at: '2026-01-01T00:00:00.000Z' });
      });
      // Each reads the code as usable, then takes its use: only one may succeed.
      const attempts = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.transaction(async (tx) => {
            const code = await tx.codeByHash(Buffer.from('code'));
            if (!code || code.uses_left < 1) return false;
            return tx.useCode(code.id);
          }),
        ),
      );
      expect(attempts.filter(Boolean)).toHaveLength(1);
      expect((await store.q.codeById('enc_1'))?.uses_left).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('PostgreSQL connection settings', () => {
  it('require TLS with a checked certificate unless the database is on loopback or a Unix socket', () => {
    expect(connectionOptions({ engine: 'postgres', url: 'postgres://pwsync@db.example.com/pwsync' }).ssl).toEqual({ rejectUnauthorized: true, servername: 'db.example.com' });
    expect(connectionOptions({ engine: 'postgres', url: 'postgres://pwsync@db.example.com/pwsync?sslmode=verify-full', tls: { ca: 'PEM' } }).ssl).toEqual({ rejectUnauthorized: true, servername: 'db.example.com', ca: 'PEM' });
    expect(() => connectionOptions({ engine: 'postgres', url: 'postgres://pwsync@db.example.com/pwsync?sslmode=disable' })).toThrow(/only TLS with a checked certificate/);
    expect(() => connectionOptions({ engine: 'postgres', url: 'postgres://pwsync@10.0.0.5/pwsync?sslmode=no-verify' })).toThrow(/only TLS with a checked certificate/);
    expect(connectionOptions({ engine: 'postgres', url: 'postgres://pwsync@127.0.0.1:5432/pwsync' }).ssl).toBe(false);
    expect(connectionOptions({ engine: 'postgres', url: 'postgres://pwsync@[::1]:5432/pwsync' }).ssl).toBe(false);
    expect(connectionOptions({ engine: 'postgres', url: 'postgres://pwsync@/pwsync?host=/run/postgresql' }).ssl).toBe(false);
    expect(connectionOptions({ engine: 'postgres', url: 'postgres://pwsync:p%40ss@db.example.com:6432/pwsync' })).toMatchObject({ host: 'db.example.com', port: 6432, user: 'pwsync', password: 'p@ss', database: 'pwsync' });
  });
});
