/**
 * Machines against the real directory: a code enrols a computer as a whole; its token
 * binds the people its agent serves (by exact userName or by local part), each to a
 * device of their own that is offered only changes made after the binding; a scoped
 * code limits the machine to its one user, inactive users cannot be bound, and
 * unbinding or removing the machine ends those devices. Every step is in the log,
 * and no token or code is.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFiles } from '../src/store';
import {
  type Directory,
  admin,
  bindPerson,
  call,
  createCode,
  createCodeForAnyUser,
  enrolMachine,
  exchangeCode,
  oktaReplace,
  oktaUser,
  startDirectory,
} from '@pwsync/testing/directory-harness';

let directory: Directory;
const secrets: string[] = [];
const ids = new Map<string, string>();
const scim = (method: string, url: string, body?: unknown) => call(directory.url, method, `/scim/v2${url}`, body);

beforeAll(async () => {
  directory = await startDirectory();
  for (const name of ['ana@example.com', 'ben@example.com', 'ben@other.example', 'cleo@example.com', 'dan@example.com']) {
    const created = await scim('POST', '/Users', oktaUser(name));
    expect(created.status).toBe(201);
    ids.set(name, created.body.id);
  }
  expect((await scim('PATCH', `/Users/${ids.get('dan@example.com')}`, oktaReplace({ active: false }))).status).toBe(200);
});
afterAll(async () => {
  await directory.stop();
  rmSync(directory.dir, { recursive: true, force: true });
});

async function machine(scope?: string): Promise<{ machineId: string; machineToken: string; userName: string | null }> {
  const code = scope ? await createCode(directory.url, scope) : await createCodeForAnyUser(directory.url, { label: 'fleet (MDM)' });
  secrets.push(code.code);
  const enrolled = await enrolMachine(directory.url, code.code);
  expect(enrolled.status).toBe(201);
  secrets.push(enrolled.body.machineToken);
  return enrolled.body;
}

const checkIn = (deviceToken: string) => call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, deviceToken);

describe('machines', () => {
  it('a code for any user enrols a computer, which binds each person by the mapping and gets a device of theirs', async () => {
    const made = await createCodeForAnyUser(directory.url, { uses: 50 });
    expect(made).toMatchObject({ userName: null, forAnyUser: true, uses: 50, state: 'usable' });
    const enrolled = await enrolMachine(directory.url, made.code, 'lab-pc-7', 'linux');
    expect(enrolled.body).toEqual({ machineId: expect.stringMatching(/^mch_/), machineToken: expect.stringMatching(/^mch_/), userName: null });
    const { machineToken } = enrolled.body;
    secrets.push(made.code, machineToken);

    const ana = await bindPerson(directory.url, machineToken, 'ana', { userName: 'ana@example.com' });
    expect(ana.status).toBe(201);
    expect(ana.body).toEqual({ localAccount: 'ana', userName: 'ana@example.com', deviceId: expect.stringMatching(/^dev_/), deviceToken: expect.any(String) });
    const cleo = await bindPerson(directory.url, machineToken, 'cleo', { localPart: 'cleo' });
    expect(cleo.body).toMatchObject({ localAccount: 'cleo', userName: 'cleo@example.com' });
    secrets.push(ana.body.deviceToken, cleo.body.deviceToken);

    expect((await checkIn(ana.body.deviceToken)).body).toMatchObject({ user: { userName: 'ana@example.com' }, device: { deviceId: ana.body.deviceId }, change: null });
    const info = await call(directory.url, 'GET', '/api/v1/machine', undefined, {}, machineToken);
    expect(info.body).toMatchObject({
      machineName: 'lab-pc-7',
      platform: 'linux',
      userName: null,
      people: [
        { localAccount: 'ana', userName: 'ana@example.com', deviceId: ana.body.deviceId, active: true, syncEnabled: true },
        { localAccount: 'cleo', userName: 'cleo@example.com', deviceId: cleo.body.deviceId, active: true, syncEnabled: true },
      ],
    });
    const devices = (await admin(directory.url, 'GET', '/users/ana@example.com/devices')).body.devices;
    expect(devices).toEqual([expect.objectContaining({ deviceId: ana.body.deviceId, deviceName: 'lab-pc-7 (ana)', platform: 'linux', machineId: enrolled.body.machineId, localAccount: 'ana' })]);
    const listed = (await admin(directory.url, 'GET', '/machines')).body.machines;
    expect(listed).toContainEqual(expect.objectContaining({ machineId: enrolled.body.machineId, machineName: 'lab-pc-7', people: expect.arrayContaining([expect.objectContaining({ localAccount: 'cleo' })]) }));
    await expect.poll(() => directory.output()).toMatch(/"msg":"person bound"/);
    expect(directory.output()).toMatch(/"forAnyUser":true.*"msg":"machine enrolled"/);
  });

  it('offers a person only changes made after they were bound, and each person only their own', async () => {
    const { machineToken } = await machine();
    expect((await scim('PATCH', `/Users/${ids.get('ana@example.com')}`, oktaReplace({ password: 'Before-Binding-1' }))).status).toBe(200);
    const ana = (await bindPerson(directory.url, machineToken, 'ana', { userName: 'ana@example.com' })).body;
    const cleo = (await bindPerson(directory.url, machineToken, 'cleo', { userName: 'cleo@example.com' })).body;
    secrets.push(ana.deviceToken, cleo.deviceToken);
    expect((await checkIn(ana.deviceToken)).body.change, 'a change from before the binding').toBeNull();
    expect((await scim('PATCH', `/Users/${ids.get('ana@example.com')}`, oktaReplace({ password: 'After-Binding-2' }))).status).toBe(200);
    expect((await checkIn(ana.deviceToken)).body.change).toMatchObject({ hashes: { sha512crypt: expect.stringMatching(/^\$6\$/) } });
    expect((await checkIn(cleo.deviceToken)).body.change, "ana's change never reaches cleo").toBeNull();
  });

  it('refuses what a machine may not do: a second user with a scoped code, an inactive user, an ambiguous local part, no user', async () => {
    const scoped = await machine('ana@example.com');
    expect(scoped.userName).toBe('ana@example.com');
    expect((await bindPerson(directory.url, scoped.machineToken, 'ana', { userName: 'ana@example.com' })).status).toBe(201);
    const other = await bindPerson(directory.url, scoped.machineToken, 'cleo', { userName: 'cleo@example.com' });
    expect({ status: other.status, detail: other.body.detail }).toEqual({ status: 403, detail: 'This computer was enrolled with a code for one user, and may bind only that user.' });

    const fleet = await machine();
    const inactive = await bindPerson(directory.url, fleet.machineToken, 'dan', { userName: 'dan@example.com' });
    expect({ status: inactive.status, detail: inactive.body.detail }).toEqual({ status: 403, detail: 'This user is not active at the identity provider.' });
    const ambiguous = await bindPerson(directory.url, fleet.machineToken, 'ben', { localPart: 'ben' });
    expect({ status: ambiguous.status, detail: ambiguous.body.detail }).toEqual({ status: 409, detail: "More than one user has this local part: set a domain or an explicit map in the agent's configuration." });
    expect((await bindPerson(directory.url, fleet.machineToken, 'zoe', { localPart: 'zoe' })).status).toBe(404);
    expect((await bindPerson(directory.url, fleet.machineToken, '../etc', { userName: 'ana@example.com' })).status).toBe(400);
    expect((await bindPerson(directory.url, fleet.machineToken, 'ana', { userName: 'ana@example.com', localPart: 'ana' })).status).toBe(400);
  });

  it('takes no other credential: a device token, the admin token or none cannot bind, and a machine token is no device token', async () => {
    const fleet = await machine();
    const ana = (await bindPerson(directory.url, fleet.machineToken, 'ana', { userName: 'ana@example.com' })).body;
    secrets.push(ana.deviceToken);
    for (const token of [ana.deviceToken, 'admin-test-token-9d3e57c1aa', null]) {
      expect((await call(directory.url, 'PUT', '/api/v1/machine/people/x', { userName: 'ana@example.com' }, {}, token)).status).toBe(401);
    }
    expect((await checkIn(fleet.machineToken)).status).toBe(401);
  });

  it('binding the same account again to the same user keeps the device and replaces its token; to another user, a new device', async () => {
    const fleet = await machine();
    const first = (await bindPerson(directory.url, fleet.machineToken, 'ana', { userName: 'ana@example.com' })).body;
    const again = await bindPerson(directory.url, fleet.machineToken, 'ana', { userName: 'ana@example.com' });
    expect(again.status).toBe(200);
    expect(again.body.deviceId).toBe(first.deviceId);
    expect((await checkIn(first.deviceToken)).status, 'the old token').toBe(401);
    expect((await checkIn(again.body.deviceToken)).status).toBe(200);
    const moved = await bindPerson(directory.url, fleet.machineToken, 'ana', { userName: 'cleo@example.com' });
    expect(moved.status).toBe(201);
    expect(moved.body.deviceId).not.toBe(first.deviceId);
    expect((await checkIn(again.body.deviceToken)).status).toBe(401);
    secrets.push(first.deviceToken, again.body.deviceToken, moved.body.deviceToken);
  });

  it('unbinding a person ends their device; removing the machine ends its token and every device it bound', async () => {
    const fleet = await machine();
    const ana = (await bindPerson(directory.url, fleet.machineToken, 'ana', { userName: 'ana@example.com' })).body;
    const cleo = (await bindPerson(directory.url, fleet.machineToken, 'cleo', { userName: 'cleo@example.com' })).body;
    secrets.push(ana.deviceToken, cleo.deviceToken);
    expect((await call(directory.url, 'DELETE', '/api/v1/machine/people/ana', undefined, {}, fleet.machineToken)).status).toBe(204);
    expect((await checkIn(ana.deviceToken)).status).toBe(401);
    expect((await call(directory.url, 'DELETE', '/api/v1/machine/people/ana', undefined, {}, fleet.machineToken)).status).toBe(404);
    await expect.poll(() => directory.output()).toMatch(/"localAccount":"ana".*"msg":"person unbound"/);
    expect((await admin(directory.url, 'DELETE', `/machines/${fleet.machineId}`)).status).toBe(204);
    expect((await checkIn(cleo.deviceToken)).status).toBe(401);
    expect((await call(directory.url, 'GET', '/api/v1/machine', undefined, {}, fleet.machineToken)).status).toBe(401);
  });

  it('a code for any user does not enrol a single device, and says what it is for', async () => {
    const made = await createCodeForAnyUser(directory.url);
    secrets.push(made.code);
    const reply = await exchangeCode(directory.url, made.code);
    expect({ status: reply.status, detail: reply.body.detail }).toEqual({ status: 403, detail: 'This enrolment code is for any user, so it enrols a whole computer: use it with pwsync-agent enroll.' });
    const neither = await admin(directory.url, 'POST', '/enrolment-codes', { label: 'forgot the user' });
    expect(neither.status).toBe(400);
  });

  it('keeps no code or token in its files or its output', async () => {
    await directory.stop();
    const files = databaseFiles(directory.dbFile).map((file) => { try { return readFileSync(file).toString('latin1'); } catch { return ''; } }).join('');
    for (const secret of secrets) {
      expect(files).not.toContain(secret);
      expect(directory.output()).not.toContain(secret);
    }
    directory = await startDirectory(directory.dir);
  });
});
