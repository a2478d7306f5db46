/**
 * The device API against the real directory: check-in, the event stream delivering a
 * change in under a second, each device given only its platform's hash, two devices
 * reporting on their own, a device that was offline catching up, deactivation and
 * sync turned off. (Enrolment itself: enrolment.test.ts.)
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@pwsync/passwords';
import { ADMIN_TOKEN, type Directory, type EventStream, call, enrol, oktaReplace, oktaUser, openEvents, startDirectory } from '@pwsync/testing/directory-harness';

let directory: Directory;
const scim = (method: string, url: string, body?: unknown) => call(directory.url, method, `/scim/v2${url}`, body);
/** The device and admin API: the admin token unless a (device) token is given. */
const api = (method: string, url: string, body?: unknown, token: string | null = ADMIN_TOKEN) => call(directory.url, method, `/api/v1${url}`, body, {}, token);
const streams: EventStream[] = [];
const events = async (token: string) => {
  const stream = await openEvents(directory.url, token);
  streams.push(stream);
  return stream;
};
const report = (token: string, changeId: string, outcome = 'synced', failedStep: string | null = null) =>
  api('POST', '/device/results', { changeId, outcome, failedStep, at: new Date().toISOString() }, token);

beforeAll(async () => {
  directory = await startDirectory();
});
afterAll(async () => {
  for (const s of streams) s.close();
  await directory.stop();
  rmSync(directory.dir, { recursive: true, force: true });
});

async function newUser(name: string, password?: string): Promise<string> {
  const reply = await scim('POST', '/Users', oktaUser(name, password));
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

/** A password change from the identity provider, once the user's devices are enrolled (a device is offered only changes made after it enrolled). */
async function changePassword(userId: string, password: string): Promise<void> {
  expect((await scim('PATCH', `/Users/${userId}`, oktaReplace({ password }))).status).toBe(200);
}

describe('the admin list of devices', () => {
  it('lists each device in enrolment order, with its state', async () => {
    await newUser('enrol@example.com');
    const mac = await enrol(directory.url, 'enrol@example.com', 'Work Mac', 'darwin');
    expect(mac.deviceId).toMatch(/^dev_/);
    expect(Buffer.from(mac.deviceToken, 'base64url')).toHaveLength(32);
    const list = await api('GET', '/users/enrol%40example.com/devices');
    expect(list.body).toEqual({
      devices: [{ deviceId: mac.deviceId, deviceName: 'Work Mac', platform: 'darwin', machineId: null, localAccount: null, syncEnabled: true, lastCheckIn: null, lastResult: null, online: false }],
    });
    expect((await api('GET', '/users/nobody@example.com/devices')).status).toBe(404);
  });
});

describe('a password change reaches the devices', () => {
  it('checkin carries the newest change with hashes that verify; the stream pushes it within a second', async () => {
    const userId = await newUser('ivan@example.com');
    const mac = await enrol(directory.url, 'ivan@example.com', 'Mac', 'darwin');
    await changePassword(userId, 'Initial-Pass-0');
    const first = await api('GET', '/device/checkin', undefined, mac.deviceToken);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ user: { userName: 'ivan@example.com', active: true, syncEnabled: true }, device: { deviceId: mac.deviceId, syncEnabled: true } });
    expect(first.body.change).toMatchObject({ id: expect.stringMatching(/^chg_/), provider: 'Okta' });
    expect(Date.parse(first.body.serverTime)).toBeGreaterThan(0);

    const stream = await events(mac.deviceToken);
    const hello = await stream.next('hello');
    expect(hello.data.change.id).toBe(first.body.change.id);

    const before = performance.now();
    const patched = await scim('PATCH', `/Users/${userId}`, oktaReplace({ password: 'New-Pass-1' }));
    const answered = performance.now();
    expect(patched.status).toBe(200);
    const changed = await stream.next('changed');
    expect(changed.at - answered).toBeLessThan(1000);
    expect(changed.at - before).toBeLessThan(1000);
    const change = changed.data.change;
    expect(change.id).not.toBe(first.body.change.id);
    // A Mac gets the hash it verifies with, and no other.
    expect(change.hashes).toEqual({ pbkdf2: expect.stringMatching(/^\$pbkdf2-sha512\$1000\$/) });
    expect(await verifyPassword('New-Pass-1', change.hashes.pbkdf2)).toBe(true);
    expect(await verifyPassword('Initial-Pass-0', change.hashes.pbkdf2)).toBe(false);

    // The superseded change is no longer offered, but a late report on it is still accepted.
    const again = await api('GET', '/device/checkin', undefined, mac.deviceToken);
    expect(again.body.change.id).toBe(change.id);
    expect((await report(mac.deviceToken, first.body.change.id, 'failed', 'verifyNew')).status).toBe(204);
  });

  it('resending the same password (an Okta profile PUT) makes no new change', async () => {
    const userId = await newUser('june@example.com');
    const dev = await enrol(directory.url, 'june@example.com');
    await changePassword(userId, 'Same-Pass-9');
    const before = (await api('GET', '/device/checkin', undefined, dev.deviceToken)).body.change.id;
    await scim('PUT', `/Users/${userId}`, { ...oktaUser('june@example.com', 'Same-Pass-9'), displayName: 'June' });
    expect((await api('GET', '/device/checkin', undefined, dev.deviceToken)).body.change.id).toBe(before);
  });

  it('two devices each see the change and report on their own', async () => {
    const userId = await newUser('kim@example.com');
    const mac = await enrol(directory.url, 'kim@example.com', 'Mac', 'darwin');
    const linux = await enrol(directory.url, 'kim@example.com', 'Laptop', 'linux');
    const macStream = await events(mac.deviceToken);
    const linuxStream = await events(linux.deviceToken);
    await macStream.next('hello');
    await linuxStream.next('hello');

    await scim('PATCH', `/Users/${userId}`, oktaReplace({ password: 'Kim-Pass-2' }));
    const macChange = (await macStream.next('changed')).data.change;
    const linuxChange = (await linuxStream.next('changed')).data.change;
    expect(macChange.id).toBe(linuxChange.id);
    // Each platform's hash, and only that one.
    expect(Object.keys(macChange.hashes)).toEqual(['pbkdf2']);
    expect(Object.keys(linuxChange.hashes)).toEqual(['sha512crypt']);
    expect(linuxChange.hashes.sha512crypt).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$/);
    expect(await verifyPassword('Kim-Pass-2', linuxChange.hashes.sha512crypt)).toBe(true);

    expect((await report(linux.deviceToken, linuxChange.id, 'failed', 'account')).status).toBe(204);
    expect((await report(mac.deviceToken, macChange.id)).status).toBe(204);
    // The Mac is done (its stream says so); the Linux laptop still has the change.
    expect((await macStream.next('changed')).data.change).toBeNull();
    expect((await api('GET', '/device/checkin', undefined, mac.deviceToken)).body.change).toBeNull();
    expect((await api('GET', '/device/checkin', undefined, linux.deviceToken)).body.change.id).toBe(linuxChange.id);

    const list = (await api('GET', '/users/kim@example.com/devices')).body.devices as Array<Record<string, unknown>>;
    const byName = Object.fromEntries(list.map((d) => [d.deviceName, d]));
    expect(byName.Mac).toMatchObject({ online: true, lastResult: { changeId: macChange.id, outcome: 'synced', failedStep: null, receivedAt: expect.any(String) } });
    expect(byName.Laptop).toMatchObject({ online: true, lastResult: { changeId: linuxChange.id, outcome: 'failed', failedStep: 'account' } });
    expect(byName.Mac!.lastCheckIn).toEqual(expect.any(String));

    macStream.close();
    await expect.poll(async () => ((await api('GET', '/users/kim@example.com/devices')).body.devices as Array<{ deviceName: string; online: boolean }>).find((d) => d.deviceName === 'Mac')!.online).toBe(false);
  });

  it('a device offline during the change sees it at its next check-in', async () => {
    const userId = await newUser('leo@example.com');
    const dev = await enrol(directory.url, 'leo@example.com', 'Desk', 'linux');
    expect((await api('GET', '/device/checkin', undefined, dev.deviceToken)).body.change).toBeNull();
    await scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'password', value: 'Leo-Pass-3' }] });
    const later = await api('GET', '/device/checkin', undefined, dev.deviceToken);
    expect(later.body.change.id).toMatch(/^chg_/);
    expect(await verifyPassword('Leo-Pass-3', later.body.change.hashes.sha512crypt)).toBe(true);
    expect(later.body.change.hashes.pbkdf2).toBeUndefined();
  });

  it('a device enrolled after a change is not offered it; a Windows computer gets PBKDF2 alone', async () => {
    const userId = await newUser('sol@example.com');
    const early = await enrol(directory.url, 'sol@example.com', 'Old PC', 'win32');
    await changePassword(userId, 'Sol-Pass-7');
    const late = await enrol(directory.url, 'sol@example.com', 'New Mac', 'darwin');
    const offered = (await api('GET', '/device/checkin', undefined, early.deviceToken)).body.change;
    expect(Object.keys(offered.hashes)).toEqual(['pbkdf2']);
    expect(await verifyPassword('Sol-Pass-7', offered.hashes.pbkdf2)).toBe(true);
    expect((await api('GET', '/device/checkin', undefined, late.deviceToken)).body.change).toBeNull();
    await changePassword(userId, 'Sol-Pass-8');
    expect((await api('GET', '/device/checkin', undefined, late.deviceToken)).body.change.id).not.toBe(offered.id);
  });

  it("keeps the directory's own time beside the time a device claims", async () => {
    const userId = await newUser('tom@example.com');
    const dev = await enrol(directory.url, 'tom@example.com');
    await changePassword(userId, 'Tom-Pass-9');
    const change = (await api('GET', '/device/checkin', undefined, dev.deviceToken)).body.change.id as string;
    const before = Date.now();
    expect((await api('POST', '/device/results', { changeId: change, outcome: 'failed', failedStep: 'account', at: '2001-01-01T00:00:00Z' }, dev.deviceToken)).status).toBe(204);
    const last = (await api('GET', '/users/tom@example.com/devices')).body.devices[0].lastResult;
    expect(last.at).toBe('2001-01-01T00:00:00Z');
    expect(Date.parse(last.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(last.receivedAt)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('results: unknown or foreign change is 404, malformed is 400, nothing recorded', async () => {
    const otherId = await newUser('mia@example.com');
    const other = await enrol(directory.url, 'mia@example.com');
    await changePassword(otherId, 'Mia-Pass-4');
    const foreign = (await api('GET', '/device/checkin', undefined, other.deviceToken)).body.change.id as string;
    await newUser('ned@example.com');
    const dev = await enrol(directory.url, 'ned@example.com');
    expect((await report(dev.deviceToken, 'chg_unknown')).status).toBe(404);
    const reply = await report(dev.deviceToken, foreign);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    expect((await api('POST', '/device/results', '{"changeId": ', dev.deviceToken)).status).toBe(400);
    expect((await api('POST', '/device/results', { changeId: foreign, outcome: 'maybe', failedStep: null, at: 'now' }, dev.deviceToken)).status).toBe(400);
    expect((await api('GET', '/users/ned@example.com/devices')).body.devices[0].lastResult).toBeNull();
    expect(otherId).toBeTruthy();
  });
});

describe('deactivation and sync off', () => {
  it('deactivation and reactivation reach checkin and the stream', async () => {
    const userId = await newUser('olga@example.com');
    const dev = await enrol(directory.url, 'olga@example.com');
    await changePassword(userId, 'Olga-Pass-5');
    const stream = await events(dev.deviceToken);
    const change = (await stream.next('hello')).data.change.id;
    await scim('PATCH', `/Users/${userId}`, oktaReplace({ active: false }));
    const off = await stream.next('changed');
    expect(off.data.user.active).toBe(false);
    expect(off.data.change).toBeNull();
    expect((await api('GET', '/device/checkin', undefined, dev.deviceToken)).body).toMatchObject({ user: { active: false }, change: null });
    await scim('PATCH', `/Users/${userId}`, oktaReplace({ active: true }));
    const on = await stream.next('changed');
    expect(on.data.user.active).toBe(true);
    expect(on.data.change.id).toBe(change);
  });

  it('a profile edit pushes nothing', async () => {
    const userId = await newUser('pia@example.com');
    const dev = await enrol(directory.url, 'pia@example.com');
    const stream = await events(dev.deviceToken);
    await stream.next('hello');
    await scim('PATCH', `/Users/${userId}`, oktaReplace({ displayName: 'Pia' }));
    await scim('PATCH', `/Users/${userId}`, oktaReplace({ active: false }));
    expect((await stream.next('changed')).data.user.active).toBe(false);
    expect(stream.events.filter((e) => e.event === 'changed')).toHaveLength(1);
  });

  it('sync off for the user, then for one device, is pushed and withholds the change', async () => {
    const userId = await newUser('quinn@example.com');
    const a = await enrol(directory.url, 'quinn@example.com', 'A');
    const b = await enrol(directory.url, 'quinn@example.com', 'B');
    await changePassword(userId, 'Quinn-Pass-6');
    const streamA = await events(a.deviceToken);
    const streamB = await events(b.deviceToken);
    const change = (await streamA.next('hello')).data.change.id;
    await streamB.next('hello');

    const off = await api('PATCH', '/users/QUINN@example.com', { syncEnabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ userName: 'quinn@example.com', syncEnabled: false });
    for (const s of [streamA, streamB]) expect((await s.next('changed')).data).toMatchObject({ user: { syncEnabled: false }, change: null });
    await api('PATCH', '/users/quinn@example.com', { syncEnabled: true });
    for (const s of [streamA, streamB]) expect((await s.next('changed')).data.change.id).toBe(change);

    expect((await api('PATCH', `/devices/${b.deviceId}`, { syncEnabled: false })).body).toEqual({ deviceId: b.deviceId, syncEnabled: false });
    expect((await streamB.next('changed')).data).toMatchObject({ device: { syncEnabled: false }, change: null });
    expect((await api('GET', '/device/checkin', undefined, a.deviceToken)).body.change.id).toBe(change);
    expect((await api('GET', '/device/checkin', undefined, b.deviceToken)).body.change).toBeNull();
    const list = (await api('GET', '/users/quinn@example.com/devices')).body.devices as Array<{ deviceName: string; syncEnabled: boolean }>;
    expect(list.map((d) => [d.deviceName, d.syncEnabled])).toEqual([['A', true], ['B', false]]);

    expect((await api('PATCH', `/devices/${b.deviceId}`, { syncEnabled: 'no' })).status).toBe(400);
    expect((await api('PATCH', '/devices/dev_nope', { syncEnabled: true })).status).toBe(404);
    expect((await api('PATCH', '/users/nobody@example.com', { syncEnabled: true })).status).toBe(404);
    expect(userId).toBeTruthy();
  });

  it('a removed device loses its stream and its token', async () => {
    await newUser('rae@example.com');
    const dev = await enrol(directory.url, 'rae@example.com');
    const stream = await events(dev.deviceToken);
    await stream.next('hello');
    expect((await api('DELETE', `/devices/${dev.deviceId}`)).status).toBe(204);
    expect((await api('GET', '/device/checkin', undefined, dev.deviceToken)).status).toBe(401);
  });
});
