/**
 * The directory killed (SIGKILL) half way and restarted on the same database loses
 * nothing; a clean stop (SIGTERM) exits 0. No test password appears in clear in the
 * database files or in anything the directory printed.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type Directory, call, enrol, oktaReplace, oktaUser, openEvents, startDirectory, storedBytes } from '@pwsync/testing/directory-harness';

const PASSWORDS = ['Restart-Pass-Alpha-1', 'Restart-Pass-Bravo-2', 'Restart-Pass-Charlie-3'];
const running: Directory[] = [];
afterAll(async () => {
  for (const d of running) await d.stop('SIGKILL');
  for (const d of running) rmSync(d.dir, { recursive: true, force: true });
});

async function start(dir?: string): Promise<Directory> {
  const d = await startDirectory(dir);
  running.push(d);
  return d;
}

describe('restart', () => {
  it('a killed directory restarted on the same database has every user, change, device and result', async () => {
    const first = await start();
    const scim = (d: Directory, m: string, u: string, b?: unknown) => call(d.url, m, `/scim/v2${u}`, b);
    const userId = (await scim(first, 'POST', '/Users', oktaUser('sam@example.com', PASSWORDS[0]))).body.id as string;
    const mac = await enrol(first.url, 'sam@example.com', 'Mac', 'darwin');
    const linux = await enrol(first.url, 'sam@example.com', 'Box', 'linux');
    await scim(first, 'PATCH', `/Users/${userId}`, oktaReplace({ password: PASSWORDS[1] }));
    const change = (await call(first.url, 'GET', '/api/v1/device/checkin', undefined, {}, mac.deviceToken)).body.change;
    expect((await call(first.url, 'POST', '/api/v1/device/results', { changeId: change.id, outcome: 'synced', failedStep: null, at: new Date().toISOString() }, {}, mac.deviceToken)).status).toBe(204);
    await call(first.url, 'PATCH', `/api/v1/devices/${linux.deviceId}`, { syncEnabled: false }, {}, ADMIN_TOKEN);
    const stream = await openEvents(first.url, linux.deviceToken);
    await stream.next('hello');

    expect(await first.stop('SIGKILL')).toBeNull();
    stream.close();

    const second = await start(first.dir);
    const user = await scim(second, 'GET', `/Users/${userId}`);
    expect(user.body).toMatchObject({ userName: 'sam@example.com', meta: { version: 'W/"2"' } });
    expect((await call(second.url, 'GET', '/api/v1/device/checkin', undefined, {}, mac.deviceToken)).body.change).toBeNull();
    const linuxAnswer = (await call(second.url, 'GET', '/api/v1/device/checkin', undefined, {}, linux.deviceToken)).body;
    expect(linuxAnswer).toMatchObject({ device: { syncEnabled: false }, change: null });
    const devices = (await call(second.url, 'GET', '/api/v1/users/sam@example.com/devices', undefined, {}, ADMIN_TOKEN)).body.devices;
    expect(devices[0]).toMatchObject({ deviceName: 'Mac', lastResult: { changeId: change.id, outcome: 'synced' }, online: false });

    // A change made after the restart reaches a reconnected agent.
    await call(second.url, 'PATCH', `/api/v1/devices/${linux.deviceId}`, { syncEnabled: true }, {}, ADMIN_TOKEN);
    const again = await openEvents(second.url, linux.deviceToken);
    expect((await again.next('hello')).data.change.id).toBe(change.id);
    await scim(second, 'PATCH', `/Users/${userId}`, oktaReplace({ password: PASSWORDS[2] }));
    expect((await again.next('changed')).data.change.id).not.toBe(change.id);
    again.close();

    expect(await second.stop('SIGTERM')).toBe(0);
    expect(second.output()).toContain('shutting down');

    // Nothing in clear: every file in the folder, the database's storage, and all the output of both runs.
    const files = readdirSync(first.dir).map((f) => readFileSync(path.join(first.dir, f)).toString('latin1'));
    const everything = [...files, await storedBytes(first), first.output(), second.output()].join('\n');
    expect(everything).toContain('sam@example.com');
    for (const password of PASSWORDS) expect(everything).not.toContain(password);
    // The device tokens are stored only as hashes.
    for (const token of [mac.deviceToken, linux.deviceToken]) expect(everything).not.toContain(token);
  });
});
