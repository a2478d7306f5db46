/**
 * Enrolment codes against the real directory: made by the administrator (single-use or
 * several uses, an expiry, a label), exchanged once per use for a device's own token,
 * refused once used up, expired or revoked — always with the same answer, the reason
 * only in the log — and kept only as hashes: no code appears in the database files or
 * in anything the directory printed.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Directory, admin, call, createCode, exchangeCode, oktaUser, startDirectory, storedBytes } from '@pwsync/testing/directory-harness';

let directory: Directory;
const codes: string[] = [];
beforeAll(async () => {
  directory = await startDirectory();
  for (const name of ['ana@example.com', 'ben@example.com']) expect((await call(directory.url, 'POST', '/scim/v2/Users', oktaUser(name))).status).toBe(201);
});
afterAll(async () => {
  await directory.stop();
  rmSync(directory.dir, { recursive: true, force: true });
});

async function code(userName: string, options: Parameters<typeof createCode>[2] = {}) {
  const made = await createCode(directory.url, userName, options);
  codes.push(made.code);
  return made;
}

const REFUSED = 'This enrolment code cannot be used: it is unknown, used up, expired or revoked. Ask your administrator for a new one.';

async function expectRefused(codeText: string): Promise<void> {
  const reply = await exchangeCode(directory.url, codeText);
  expect(reply.status).toBe(403);
  expect(reply.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '403', detail: REFUSED });
}

describe('enrolment codes', () => {
  it('a single-use code enrols one device, for the code\'s user, and then no other', async () => {
    const made = await code('ana@example.com', { label: 'Ana MacBook (MDM)' });
    expect(made).toMatchObject({ id: expect.stringMatching(/^enc_/), code: expect.stringMatching(/^enr_[A-Za-z0-9_-]{32}$/), userName: 'ana@example.com', label: 'Ana MacBook (MDM)', uses: 1, usesLeft: 1, state: 'usable', revokedAt: null });
    const first = await exchangeCode(directory.url, made.code, 'Ana Mac', 'darwin');
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ deviceId: expect.stringMatching(/^dev_/), deviceToken: expect.any(String) });
    const checkin = await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, first.body.deviceToken);
    expect(checkin.body).toMatchObject({ user: { userName: 'ana@example.com' }, device: { deviceId: first.body.deviceId } });
    await expectRefused(made.code);
    const listed = (await admin(directory.url, 'GET', '/enrolment-codes?userName=ana@example.com')).body.codes;
    expect(listed).toEqual([expect.objectContaining({ id: made.id, usesLeft: 0, state: 'usedUp' })]);
    expect(JSON.stringify(listed)).not.toContain(made.code);
    await expect.poll(() => directory.output()).toMatch(/"reason":"usedUp".*"msg":"enrolment refused"/);
  });

  it('a code for several uses enrols that many devices', async () => {
    const made = await code('ben@example.com', { uses: 3 });
    for (const name of ['one', 'two', 'three']) expect((await exchangeCode(directory.url, made.code, name, 'linux')).status).toBe(201);
    await expectRefused(made.code);
    const devices = (await admin(directory.url, 'GET', '/users/ben@example.com/devices')).body.devices as Array<{ deviceName: string; platform: string }>;
    expect(devices.map((d) => `${d.deviceName}/${d.platform}`)).toEqual(['one/linux', 'two/linux', 'three/linux']);
  });

  it('an expired code is refused', async () => {
    const made = await code('ana@example.com', { expiresAt: new Date(Date.now() + 1200).toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 1400));
    await expectRefused(made.code);
    expect((await admin(directory.url, 'GET', '/enrolment-codes')).body.codes.find((c: { id: string }) => c.id === made.id).state).toBe('expired');
  });

  it('a revoked code is refused; devices it enrolled before keep working', async () => {
    const made = await code('ana@example.com', { uses: 2 });
    const enrolled = await exchangeCode(directory.url, made.code);
    const revoked = await admin(directory.url, 'DELETE', `/enrolment-codes/${made.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: made.id, state: 'revoked', usesLeft: 1, revokedAt: expect.any(String) });
    await expectRefused(made.code);
    expect((await call(directory.url, 'GET', '/api/v1/device/checkin', undefined, {}, enrolled.body.deviceToken)).status).toBe(200);
    expect((await admin(directory.url, 'DELETE', '/enrolment-codes/enc_nope')).status).toBe(404);
  });

  it('an unknown code is refused the same way', async () => {
    await expectRefused(`enr_${'A'.repeat(32)}`);
  });

  it.each([
    ['no user', { label: 'x' }, 400],
    ['an unknown user', { userName: 'nobody@example.com' }, 404],
    ['no uses', { userName: 'ana@example.com', uses: 0 }, 400],
    ['too many uses', { userName: 'ana@example.com', uses: 1001 }, 400],
    ['an expiry in the past', { userName: 'ana@example.com', expiresAt: '2020-01-01T00:00:00Z' }, 400],
    ['an expiry over 90 days away', { userName: 'ana@example.com', expiresAt: new Date(Date.now() + 91 * 86_400_000).toISOString() }, 400],
    ['an expiry that is not a time', { userName: 'ana@example.com', expiresAt: 'tomorrow' }, 400],
  ])('making a code with %s is %i', async (_label, body, status) => {
    expect((await admin(directory.url, 'POST', '/enrolment-codes', body)).status).toBe(status);
  });

  it.each([
    ['no code', { deviceName: 'x', platform: 'darwin' }],
    ['a platform nobody has', { code: `enr_${'B'.repeat(32)}`, deviceName: 'x', platform: 'beos' }],
    ['no device name', { code: `enr_${'B'.repeat(32)}`, platform: 'linux' }],
  ])('an exchange with %s is 400', async (_label, body) => {
    const reply = await call(directory.url, 'POST', '/api/v1/device/enrol', body, {}, null);
    expect(reply.status).toBe(400);
  });

  it('keeps no code in its files or its output', async () => {
    expect(codes.length).toBeGreaterThan(3);
    const everything = [await storedBytes(directory), directory.output()].join('\n');
    expect(everything).toContain('Ana MacBook (MDM)');
    for (const made of codes) expect(everything).not.toContain(made);
  });
});
