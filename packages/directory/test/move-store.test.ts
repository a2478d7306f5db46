/**
 * `pwsync-directory move-store`: an embedded directory, used for a while, moved into an
 * empty PostgreSQL database; a directory started on it has every user, device (their
 * tokens still work), pending change with its hashes, result and code, in the same
 * order, and carries on numbering changes after the moved ones. A target that holds
 * anything is refused and left as it was.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Directory, ENGINE, ROOT, TOKEN, call, createCode, enrol, oktaReplace, oktaUser, startDirectory, tempDir, testPostgres } from '@pwsync/testing/directory-harness';
import { createDatabase, superuser, writeUrlFile } from '@pwsync/testing/postgres';

const move = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'packages/directory/src/cli.ts'), 'move-store', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

const running: Directory[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const d of running) await d.stop();
  for (const d of [...running.map((r) => r.dir), ...dirs]) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(ENGINE !== 'postgres')('move-store', { timeout: 90_000 }, () => {
  it('moves everything into an empty PostgreSQL database, where the directory carries on as before', async () => {
    const embeddedDir = tempDir();
    const dbFile = path.join(embeddedDir, 'directory.db');
    const embedded = await startDirectory(embeddedDir, ['--db', dbFile]);
    running.push(embedded);
    const scim = (d: Directory, m: string, u: string, b?: unknown) => call(d.url, m, `/scim/v2${u}`, b);
    const ids: string[] = [];
    for (const name of ['first@example.com', 'second@example.com', 'third@example.com']) ids.push((await scim(embedded, 'POST', '/Users', oktaUser(name, `Move-Pass-${name}`))).body.id);
    const mac = await enrol(embedded.url, 'first@example.com', 'Mac', 'darwin');
    const linux = await enrol(embedded.url, 'first@example.com', 'Box', 'linux');
    await scim(embedded, 'PATCH', `/Users/${ids[0]}`, oktaReplace({ password: 'Move-Pass-Changed-1' }));
    const pending = (await call(embedded.url, 'GET', '/api/v1/device/checkin', undefined, {}, linux.deviceToken)).body.change;
    expect((await call(embedded.url, 'POST', '/api/v1/device/results', { changeId: pending.id, outcome: 'synced', failedStep: null, at: new Date().toISOString() }, {}, mac.deviceToken)).status).toBe(204);
    const code = await createCode(embedded.url, 'second@example.com', { uses: 3, label: 'For the move' });
    const usersBefore = (await scim(embedded, 'GET', '/Users')).body;
    const devicesBefore = (await call(embedded.url, 'GET', '/api/v1/users/first@example.com/devices', undefined, {}, ADMIN_TOKEN)).body.devices;
    const codesBefore = (await call(embedded.url, 'GET', '/api/v1/enrolment-codes', undefined, {}, ADMIN_TOKEN)).body.codes;
    expect(await embedded.stop()).toBe(0);

    const database = await createDatabase(await testPostgres());
    const urlFile = writeUrlFile(database, path.join(embeddedDir, 'target.url'));
    const moved = move(['--from', dbFile, '--to-url-file', urlFile]);
    expect(moved.stderr).toBe('');
    expect(moved.status).toBe(0);
    const report = JSON.parse(moved.stdout) as { copied: Record<string, number>; to: string };
    expect(report.copied).toMatchObject({ users: 3, changes: 4, change_hashes: 1, devices: 2, results: 1, enrolment_codes: 3 });
    expect(report.to).toBe(`postgres://${database.role}@127.0.0.1:${new URL(database.url).port}/${database.name}`);
    expect(moved.stdout + moved.stderr).not.toContain(database.password);

    const onPostgres = await startDirectory(tempDir(), ['--database-url-file', urlFile]);
    running.push(onPostgres);
    // Users in the same order with the same versions; devices with their results.
    expect((await scim(onPostgres, 'GET', '/Users')).body).toEqual(JSON.parse(JSON.stringify(usersBefore).replaceAll(embedded.url, onPostgres.url)));
    const devicesAfter = (await call(onPostgres.url, 'GET', '/api/v1/users/first@example.com/devices', undefined, {}, ADMIN_TOKEN)).body.devices;
    expect(devicesAfter).toEqual(devicesBefore);
    // The Linux laptop's token works, and its change waits for it with the same hash; the Mac's was erased when it synced.
    expect((await call(onPostgres.url, 'GET', '/api/v1/device/checkin', undefined, {}, linux.deviceToken)).body.change).toEqual(pending);
    expect((await call(onPostgres.url, 'GET', '/api/v1/device/checkin', undefined, {}, mac.deviceToken)).body.change).toBeNull();
    // The codes, newest first, the unused one with its uses left; it enrols here.
    const codes = (await call(onPostgres.url, 'GET', '/api/v1/enrolment-codes', undefined, {}, ADMIN_TOKEN)).body.codes;
    expect(codes).toEqual(codesBefore);
    expect(codes[0]).toMatchObject({ id: code.id, label: 'For the move', usesLeft: 3, state: 'usable' });
    expect((await call(onPostgres.url, 'POST', '/api/v1/device/enrol', { code: code.code, deviceName: 'New Mac', platform: 'darwin' }, {}, null)).status).toBe(201);
    // A new change is numbered after the moved ones: the laptop enrolled before it is offered it.
    await scim(onPostgres, 'PATCH', `/Users/${ids[0]}`, oktaReplace({ password: 'Move-Pass-Changed-2' }));
    const next = (await call(onPostgres.url, 'GET', '/api/v1/device/checkin', undefined, {}, linux.deviceToken)).body.change;
    expect(next.id).not.toBe(pending.id);
    expect(next.hashes.sha512crypt).toMatch(/^\$6\$/);

    // Moving again into the same database is refused, and leaves it as it is.
    await onPostgres.stop();
    const again = move(['--from', dbFile, '--to-url-file', urlFile]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^pwsync-directory move-store: nothing was moved: the target database is not empty \(3 users, 5 changes, 1 change_hashes, 3 enrolment_codes, 3 devices, 1 results\)/);
  });

  it('refuses a source it cannot move whole, and a missing one, leaving the target empty', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const dbFile = path.join(dir, 'directory.db');
    const db = new Database(dbFile);
    db.exec('CREATE TABLE notes (x TEXT)');
    db.close();
    const database = await createDatabase(await testPostgres());
    const urlFile = writeUrlFile(database, path.join(dir, 'target.url'));
    const unknown = move(['--from', dbFile, '--to-url-file', urlFile]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('has tables this version does not know how to move: notes');
    const missing = move(['--from', path.join(dir, 'none.db'), '--to-url-file', urlFile]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('none.db does not exist');
    const usage = move(['--from', dbFile, '--to', database.url]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--to must not hold the password');
    expect(usage.stderr).not.toContain(database.password);
    for (const secret of [TOKEN, ADMIN_TOKEN]) expect(unknown.stderr + missing.stderr).not.toContain(secret);
    const tables = await superuser(await testPostgres(), async (client) => (await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows, database.name);
    expect(tables).toEqual([]);
  });
});
