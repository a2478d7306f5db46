/**
 * Least exposure of hashes, read off the database files byte for byte: a superseded
 * change's hashes are gone at once; each hash of the newest change goes once every
 * device that needs it has reported the change synced (or when the retention time is
 * up), and gone means gone from the files while the directory runs: on SQLite the
 * database, its WAL and its shared memory; on PostgreSQL the database's table and index
 * files (its WAL is beyond what the database lets us erase: docs/directory.md,
 * "Erasure"). SQLite's files are 0600 from the start, and made so if they were not.
 */
import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { createLogger } from '@pwsync/node-kit/logger';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Directory, ENGINE, TOKEN, call, databaseFor, enrol, oktaReplace, oktaUser, startDirectory, storeFor, storedBytes, tempDir } from '@pwsync/testing/directory-harness';
import { startDirectory as startInProcess } from '../src/server';
import { databaseFiles } from '../src/store';

const running: Directory[] = [];
afterAll(async () => {
  for (const d of running) {
    await d.stop();
    rmSync(d.dir, { recursive: true, force: true });
  }
});

async function start(dir?: string): Promise<Directory> {
  const d = await startDirectory(dir);
  running.push(d);
  return d;
}


/** A hash and its distinctive part (the digest), each of which must be gone. */
const pieces = (hash: string) => [hash, hash.slice(hash.lastIndexOf('$') + 1)];

describe.skipIf(ENGINE !== 'sqlite')('the SQLite database files', () => {
  it('are created readable by their owner alone', async () => {
    const d = await start();
    await call(d.url, 'POST', '/scim/v2/Users', oktaUser('modes@example.com', 'Modes-Pass-1'));
    for (const file of databaseFiles(d.dbFile)) {
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
  });

  it('that others could read are made private at start, and the log says so', async () => {
    const dir = tempDir();
    const dbFile = path.join(dir, 'directory.db');
    const db = new Database(dbFile);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x)');
    db.close();
    chmodSync(dbFile, 0o644);
    const d = await start(dir);
    for (const file of databaseFiles(dbFile)) if (existsSync(file)) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    await expect.poll(() => d.output()).toContain('database files were readable by others; made them 0600');
  });
});

describe('hashes', () => {
  it('are erased from every file once no device needs them, and a resent password makes no new change', async () => {
    const d = await start();
    const scim = (method: string, url: string, body?: unknown) => call(d.url, method, `/scim/v2${url}`, body);
    const api = (method: string, url: string, body?: unknown, token = ADMIN_TOKEN) => call(d.url, method, `/api/v1${url}`, body, {}, token);
    const userId = (await scim('POST', '/Users', oktaUser('erase@example.com'))).body.id as string;
    const mac = await enrol(d.url, 'erase@example.com', 'Mac', 'darwin');
    const linux = await enrol(d.url, 'erase@example.com', 'Laptop', 'linux');
    const offered = async (token: string) => (await api('GET', '/device/checkin', undefined, token)).body.change;
    const synced = (token: string, changeId: string) => api('POST', '/device/results', { changeId, outcome: 'synced', failedStep: null, at: new Date().toISOString() }, token);

    await scim('PATCH', `/Users/${userId}`, oktaReplace({ password: 'Erase-Pass-One-1' }));
    const first = { mac: await offered(mac.deviceToken), linux: await offered(linux.deviceToken) };
    const firstHashes = [first.mac.hashes.pbkdf2 as string, first.linux.hashes.sha512crypt as string];
    // Written to the files while a device still needs them (the search below can find them).
    await expect.poll(async () => { const bytes = await storedBytes(d); return firstHashes.every((h) => bytes.includes(h)); }).toBe(true);

    await scim('PATCH', `/Users/${userId}`, oktaReplace({ password: 'Erase-Pass-Two-2' }));
    const second = { mac: await offered(mac.deviceToken), linux: await offered(linux.deviceToken) };
    expect(second.mac.id).not.toBe(first.mac.id);
    // Superseded: gone from the database, the WAL and the shared memory alike.
    await expect.poll(async () => { const bytes = await storedBytes(d); return firstHashes.flatMap(pieces).filter((p) => bytes.includes(p)); }).toEqual([]);

    // The Mac synced: PBKDF2 goes, the crypt hash stays for the Linux laptop.
    expect((await synced(mac.deviceToken, second.mac.id)).status).toBe(204);
    await expect.poll(async () => { const bytes = await storedBytes(d); return pieces(second.mac.hashes.pbkdf2).filter((p) => bytes.includes(p)); }).toEqual([]);
    expect(await storedBytes(d)).toContain(second.linux.hashes.sha512crypt);
    expect((await offered(linux.deviceToken)).hashes.sha512crypt).toBe(second.linux.hashes.sha512crypt);

    // The laptop synced too: nothing is left.
    expect((await synced(linux.deviceToken, second.linux.id)).status).toBe(204);
    await expect.poll(async () => { const bytes = await storedBytes(d); return pieces(second.linux.hashes.sha512crypt).filter((p) => bytes.includes(p)); }).toEqual([]);
    await expect.poll(() => d.output()).toContain('"erasedHashes":true');

    // Okta resends the same password with a profile PUT: still no new change, hashes gone or not.
    const put = await scim('PUT', `/Users/${userId}`, { ...oktaUser('erase@example.com', 'Erase-Pass-Two-2'), displayName: 'Erase' });
    expect(put.status).toBe(200);
    expect(await offered(mac.deviceToken)).toBeNull();
    expect(await offered(linux.deviceToken)).toBeNull();
    // A new password is a new change, with fresh hashes.
    await scim('PATCH', `/Users/${userId}`, oktaReplace({ password: 'Erase-Pass-Three-3' }));
    expect((await offered(linux.deviceToken)).id).not.toBe(second.linux.id);

    const all = [...firstHashes, second.mac.hashes.pbkdf2, second.linux.hashes.sha512crypt];
    expect(await d.stop()).toBe(0);
    const left = await storedBytes(d);
    expect(all.flatMap(pieces).filter((p) => left.includes(p) || d.output().includes(p))).toEqual([]);
    for (const password of ['Erase-Pass-One-1', 'Erase-Pass-Two-2', 'Erase-Pass-Three-3', TOKEN, ADMIN_TOKEN, mac.deviceToken]) {
      expect(left + d.output()).not.toContain(password);
    }
  });

  it('a removed device stops holding back the erasure', async () => {
    const d = await start();
    const userId = (await call(d.url, 'POST', '/scim/v2/Users', oktaUser('gone@example.com'))).body.id as string;
    const lost = await enrol(d.url, 'gone@example.com', 'Lost laptop', 'linux');
    await call(d.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Gone-Pass-1' }));
    const hash = (await call(d.url, 'GET', '/api/v1/device/checkin', undefined, {}, lost.deviceToken)).body.change.hashes.sha512crypt as string;
    expect(await storedBytes(d)).toContain(hash);
    expect((await call(d.url, 'DELETE', `/api/v1/devices/${lost.deviceId}`, undefined, {}, ADMIN_TOKEN)).status).toBe(204);
    await expect.poll(async () => (await storedBytes(d)).includes(hash)).toBe(false);
  });

  it('are erased after the retention time even if a device never synced, and that device is told', async () => {
    const dir = tempDir();
    let now = Date.parse('2026-03-01T10:00:00Z');
    let log = '';
    const logger = createLogger({ name: 'pwsync-directory', level: 'info', destination: new Writable({ write: (chunk: Buffer, _e, done) => ((log += chunk.toString()), done()) }) });
    const directory = await startInProcess({
      ...(await storeFor(dir)),
      scimToken: TOKEN,
      adminToken: ADMIN_TOKEN,
      host: '127.0.0.1',
      port: 0,
      logger,
      provider: 'Okta',
      pbkdf2Iterations: 1000,
      cryptRounds: 5000,
      hashRetentionMs: 30 * 86_400_000,
      heartbeatMs: 15_000,
      now: () => new Date(now),
    });
    try {
      const userId = (await call(directory.url, 'POST', '/scim/v2/Users', oktaUser('away@example.com'))).body.id as string;
      const away = await enrol(directory.url, 'away@example.com', 'On holiday', 'darwin');
      await call(directory.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password: 'Away-Pass-1' }));
      const change = (await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, away.deviceToken)).body.change;
      now += 29 * 86_400_000;
      expect(await directory.context.eraseExpiredHashes()).toBe(0);
      expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, away.deviceToken)).body.change.id).toBe(change.id);
      now += 2 * 86_400_000;
      expect(await directory.context.eraseExpiredHashes()).toBe(1);
      expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, away.deviceToken)).body.change).toBeNull();
      await expect.poll(async () => { const bytes = await storedBytes(await databaseFor(dir)); return pieces(change.hashes.pbkdf2).filter((p) => bytes.includes(p)); }).toEqual([]);
      expect(log).toContain('erased the hashes of changes past their retention time');
    } finally {
      await directory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
