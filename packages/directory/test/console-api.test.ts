/**
 * The support console's JSON API on a real directory, with devices speaking the real
 * device API: CSRF and roles on every change, finding people as one types, a person's
 * page in each state with its walkthrough, live events within a second, the fleet and
 * its CSV, enrolment codes, devices removed, console accounts, the audit log (holding no
 * secret), and the page's headers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuditPage, CodeCreated, FleetPage, PeoplePage, PersonPage, type PersonPage as Page } from '@pwsync/console-contract';
import {
  ADMIN_PASSWORD,
  ADMIN_TOKEN,
  ConsoleBrowser,
  type ConsoleDirectory,
  SUPPORT_PASSWORD,
  TOKEN,
  addPerson,
  adminBrowser,
  checkIn,
  connectSandboxAgent,
  enrolDevice,
  openConsoleEvents,
  openEvents,
  report,
  setPassword,
  startConsoleDirectory,
  supportBrowser,
} from '@pwsync/testing/console-harness';
import { admin, call } from '@pwsync/testing/directory-harness';
import { USER } from '@pwsync/testing/agent-harness';
import { keychainOnAnotherPassword } from '@pwsync/testing/seed';

const NEW_PASSWORD = 'Person-new-password-42!';

let directory: ConsoleDirectory | undefined;
afterEach(async () => {
  await directory?.close();
  directory = undefined;
});

async function changeFor(url: string, device: { token: string }): Promise<string> {
  const answer = await checkIn(url, device as never);
  return answer.body.change.id as string;
}

describe('every change', () => {
  it('is refused without the session\'s CSRF token, with another session\'s, or from another site', async () => {
    directory = await startConsoleDirectory();
    const browser = await adminBrowser(directory.url);
    await addPerson(directory.url, 'ada@example.com');
    const without = await browser.api('PATCH', '/console/api/people/ada@example.com', { syncEnabled: false }, { csrf: false });
    expect(without.status).toBe(403);
    expect(without.body).toMatchObject({ code: 'csrf' });
    const other = await browser.api('PATCH', '/console/api/people/ada@example.com', { syncEnabled: false }, { csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } });
    expect(other.status).toBe(403);
    const crossSite = await browser.api('PATCH', '/console/api/people/ada@example.com', { syncEnabled: false }, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    // Nothing changed.
    expect(((await browser.api('GET', '/console/api/people/ada@example.com')).body as Page).person.syncEnabled).toBe(true);
    const ok = await browser.api('PATCH', '/console/api/people/ada@example.com', { syncEnabled: false });
    expect(ok.status).toBe(200);
  });

  it('of an admin\'s is refused to a support account, which may still look and turn sync off and on', async () => {
    directory = await startConsoleDirectory();
    const adminB = await adminBrowser(directory.url);
    const support = await supportBrowser(directory.url, adminB);
    await addPerson(directory.url, 'ada@example.com');
    const device = await enrolDevice(directory.url, 'ada@example.com', 'darwin');
    for (const [method, path, body] of [
      ['POST', '/console/api/enrolment-codes', { userName: 'ada@example.com' }],
      ['GET', '/console/api/enrolment-codes', undefined],
      ['DELETE', `/console/api/devices/${device.deviceId}`, undefined],
      ['POST', '/console/api/accounts', { userName: 'mallory', displayName: 'M', role: 'admin', password: 'mallory-password-1' }],
      ['GET', '/console/api/audit', undefined],
    ] as const) {
      const reply = await support.api(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(403);
      expect(reply.body).toMatchObject({ code: 'forbidden' });
    }
    expect((await admin(directory.url, 'GET', `/users/ada@example.com/devices`)).body.devices).toHaveLength(1);
    expect((await support.api('GET', '/console/api/people/ada@example.com')).status).toBe(200);
    expect((await support.api('PATCH', `/console/api/devices/${device.deviceId}`, { syncEnabled: false })).body).toMatchObject({ syncEnabled: false });
  });
});

describe('finding a person as one types', () => {
  it('matches a prefix of the userName, a name or an email, in pages', async () => {
    directory = await startConsoleDirectory();
    const browser = await adminBrowser(directory.url);
    await addPerson(directory.url, 'ada.lovelace', { name: { givenName: 'Ada', familyName: 'Lovelace' }, displayName: 'Ada Lovelace', emails: [{ value: 'countess@analytical.example', primary: true }] });
    await addPerson(directory.url, 'alan.turing', { name: { givenName: 'Alan', familyName: 'Turing' }, displayName: 'Alan Turing', emails: [{ value: 'alan@bletchley.example', primary: true }] });
    for (let i = 0; i < 5; i++) await addPerson(directory.url, `grace${i}`, { name: { givenName: 'Grace', familyName: `Hopper${i}` }, displayName: `Grace Hopper ${i}`, emails: [{ value: `grace${i}@navy.example`, primary: true }] });
    const find = async (q: string, extra = '') => PeoplePage.parse((await browser.api('GET', `/console/api/people?q=${encodeURIComponent(q)}${extra}`)).body);

    expect((await find('a')).people.map((p) => p.userName)).toEqual(['ada.lovelace', 'alan.turing']);
    expect((await find('LOVE')).people.map((p) => p.userName)).toEqual(['ada.lovelace']);
    expect((await find('countess@')).people[0]).toMatchObject({ userName: 'ada.lovelace', name: 'Ada Lovelace', email: 'countess@analytical.example', devices: 0 });
    expect((await find('ada lo')).people.map((p) => p.userName)).toEqual(['ada.lovelace']);
    expect((await find('zzz')).people).toEqual([]);
    const first = await find('grace', '&limit=2');
    expect(first.people.map((p) => p.userName)).toEqual(['grace0', 'grace1']);
    const second = await find('grace', `&limit=2&cursor=${first.next}`);
    expect(second.people.map((p) => p.userName)).toEqual(['grace2', 'grace3']);
    // A rename at the identity provider is found by its new name at once.
    const id = (await call(directory.url, 'GET', '/scim/v2/Users?filter=userName%20eq%20%22alan.turing%22')).body.Resources[0].id;
    await call(directory.url, 'PATCH', `/scim/v2/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'Enigma Breaker' }] });
    expect((await find('enigma')).people.map((p) => p.userName)).toEqual(['alan.turing']);
    expect((await browser.api('GET', '/console/api/people?limit=1000')).body).toMatchObject({ code: 'invalid', fields: ['limit'] });
  });
});

describe('a person\'s page', () => {
  it('shows each device\'s state for the pending change, the safe reason of a failure, the history and the walkthrough', async () => {
    directory = await startConsoleDirectory();
    const { url } = directory;
    const browser = await adminBrowser(url);
    const userId = await addPerson(url, 'ada@example.com', { displayName: 'Ada Lovelace' });
    const mac = await enrolDevice(url, 'ada@example.com', 'darwin', 'Ada’s MacBook');
    const page = async () => PersonPage.parse((await browser.api('GET', '/console/api/people/ada@example.com')).body);

    let p = await page();
    expect(p.pendingChange).toBeNull();
    expect(p.devices).toEqual([expect.objectContaining({ deviceName: 'Ada’s MacBook', platform: 'darwin', online: false, state: 'synced', result: null })]);
    expect(p.situation).toBe('oneMacOffline');

    const stream = await openEvents(url, mac.token);
    await setPassword(url, userId, NEW_PASSWORD);
    p = await page();
    expect(p.pendingChange).toMatchObject({ provider: 'Okta' });
    expect(p.pendingChange!.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(p.devices[0]).toMatchObject({ online: true, state: 'waiting', result: null });
    expect(p.situation).toBe('oneMacOnline');

    const changeId = await changeFor(url, mac);
    expect(p.devices[0]!.lastCheckIn).toBeNull();
    await report(url, mac, changeId, 'failed', 'keychain', 'The login keychain is not on the previous password');
    p = await page();
    expect(p.devices[0]).toMatchObject({ state: 'failed', result: { changeId, outcome: 'failed', failedStep: 'keychain', reason: 'The login keychain is not on the previous password' } });
    expect(p.devices[0]!.lastCheckIn).not.toBeNull();

    const linux = await enrolDevice(url, 'ada@example.com', 'linux', 'ada-thinkpad');
    await report(url, mac, changeId, 'synced');
    p = await page();
    expect(p.pendingChange).toBeNull();
    // Enrolled after the change: it is not that device's business.
    expect(p.devices.map((d) => [d.deviceName, d.state])).toEqual([['Ada’s MacBook', 'synced'], ['ada-thinkpad', 'synced']]);
    expect(p.history.map((h) => h.kind)).toEqual(expect.arrayContaining(['change', 'result']));
    expect(p.history.find((h) => h.kind === 'result' && h.outcome === 'failed')).toMatchObject({ failedStep: 'keychain', reason: 'The login keychain is not on the previous password', deviceName: 'Ada’s MacBook' });

    await browser.api('PATCH', `/console/api/devices/${linux.deviceId}`, { syncEnabled: false });
    p = await page();
    expect(p.devices[1]).toMatchObject({ syncEnabled: false, state: 'off' });
    expect(p.history[0]).toMatchObject({ kind: 'console', action: 'deviceSyncSet', actor: 'ada-admin', deviceId: linux.deviceId });
    stream.close();
    expect((await browser.api('GET', '/console/api/people/nobody@example.com')).body).toMatchObject({ code: 'notFound' });
  });

  it('shows where a real agent failed, in its backend\'s words, as it happens', async () => {
    directory = await startConsoleDirectory();
    const { url } = directory;
    const browser = await adminBrowser(url);
    const userId = await addPerson(url, 'grace@example.com');
    const mac = await enrolDevice(url, 'grace@example.com', 'darwin', 'Grace’s Mac');
    const agent = await connectSandboxAgent(url, mac, { previous: 'Grace-previous-1', next: NEW_PASSWORD });
    try {
      const live = await openConsoleEvents(browser, 'grace@example.com');
      await live.next((e) => e.event === 'person' && (e.data as Page).devices[0]!.online);
      await setPassword(url, userId, NEW_PASSWORD);
      const waiting = await live.next((e) => e.event === 'person' && (e.data as Page).devices[0]!.state === 'waiting');
      const changeId = (waiting.data as Page).pendingChange!.changeId;
      for (let i = 0; i < 100 && agent.harness.service.status().pendingChange?.id !== changeId; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      // The login keychain is on some other password (as after an earlier out-of-band reset).
      await keychainOnAnotherPassword(agent.harness.stateDir, USER);
      const from = live.events.length;
      await expect(agent.harness.service.confirm(changeId, 'Grace-previous-1', NEW_PASSWORD)).rejects.toMatchObject({ data: { step: 'keychain' } });
      const failed = await live.next((e) => e.event === 'person' && (e.data as Page).devices[0]!.state === 'failed', from);
      expect((failed.data as Page).devices[0]!.result).toMatchObject({ changeId, outcome: 'failed', failedStep: 'keychain', reason: 'The login keychain is not on the previous password' });
      expect(JSON.stringify(live.events)).not.toContain(NEW_PASSWORD);
      live.close();
    } finally {
      await agent.stop();
    }
  });

  it('picks the walkthrough from the devices: several Macs some offline, Windows, Linux', async () => {
    directory = await startConsoleDirectory();
    const { url } = directory;
    const browser = await adminBrowser(url);
    const situation = async (userName: string) => PersonPage.parse((await browser.api('GET', `/console/api/people/${userName}`)).body).situation;
    await addPerson(url, 'macs@example.com');
    const macA = await enrolDevice(url, 'macs@example.com', 'darwin');
    await enrolDevice(url, 'macs@example.com', 'darwin');
    const stream = await openEvents(url, macA.token);
    expect(await situation('macs@example.com')).toBe('severalMacsSomeOffline');
    await addPerson(url, 'win@example.com');
    await enrolDevice(url, 'win@example.com', 'win32');
    expect(await situation('win@example.com')).toBe('windows');
    await addPerson(url, 'tux@example.com');
    await enrolDevice(url, 'tux@example.com', 'linux');
    expect(await situation('tux@example.com')).toBe('linux');
    await addPerson(url, 'none@example.com');
    expect(await situation('none@example.com')).toBeNull();
    stream.close();
  });
});

describe('live', () => {
  it('tells the open page within a second when a device comes online, reports, or is told sync is off', async () => {
    directory = await startConsoleDirectory();
    const { url } = directory;
    const browser = await adminBrowser(url);
    const userId = await addPerson(url, 'ada@example.com');
    const mac = await enrolDevice(url, 'ada@example.com', 'darwin');
    await setPassword(url, userId, NEW_PASSWORD);
    const live = await openConsoleEvents(browser, 'ada@example.com');
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const hello = await live.next((e) => e.event === 'hello');
    expect(PersonPage.parse(hello.data).devices[0]).toMatchObject({ online: false, state: 'waiting' });

    let from = live.events.length;
    let started = Date.now();
    const device = await openEvents(url, mac.token);
    const online = await live.next((e) => e.event === 'person' && (e.data as Page).devices[0]!.online, from);
    expect(online.at - started).toBeLessThan(1000);

    from = live.events.length;
    const changeId = await changeFor(url, mac);
    started = Date.now();
    await report(url, mac, changeId, 'failed', 'fileVault', 'FileVault did not take the new password');
    const failed = await live.next((e) => e.event === 'person' && (e.data as Page).devices[0]!.state === 'failed', from);
    expect(failed.at - started).toBeLessThan(1000);
    expect((failed.data as Page).devices[0]!.result).toMatchObject({ failedStep: 'fileVault', reason: 'FileVault did not take the new password' });

    // Sync off from the console: the device hears it on its own stream, and the page says so.
    from = live.events.length;
    const toggled = await browser.api('PATCH', `/console/api/devices/${mac.deviceId}`, { syncEnabled: false });
    expect(toggled.body).toEqual({ deviceId: mac.deviceId, syncEnabled: false, told: true });
    const told = await device.next('changed');
    expect(told.data).toMatchObject({ device: { syncEnabled: false }, change: null });
    await live.next((e) => e.event === 'person' && (e.data as Page).devices[0]!.state === 'off', from);

    from = live.events.length;
    device.close();
    await live.next((e) => e.event === 'person' && !(e.data as Page).devices[0]!.online, from);

    // Signing out ends the stream.
    await browser.api('DELETE', '/console/api/session');
    await live.next((e) => e.event === 'signedOut');
    live.close();
  });
});

describe('the fleet', () => {
  it('counts devices by state, lists those not synced for more than N hours, and exports them as CSV safe for spreadsheets', async () => {
    directory = await startConsoleDirectory({ heldClock: true });
    const { url, clock } = directory;
    const old = await addPerson(url, '=HYPERLINK("http://evil.example")');
    const oldMac = await enrolDevice(url, '=HYPERLINK("http://evil.example")', 'darwin', '+cmd|calc');
    await setPassword(url, old, NEW_PASSWORD);
    clock.now += 30 * 3600_000;
    const browser = await adminBrowser(url);
    const fresh = await addPerson(url, 'fresh@example.com');
    const freshLinux = await enrolDevice(url, 'fresh@example.com', 'linux');
    await setPassword(url, fresh, NEW_PASSWORD);
    await report(url, freshLinux, await changeFor(url, freshLinux), 'failed', 'account', 'chpasswd refused');
    const synced = await addPerson(url, 'synced@example.com');
    const syncedWin = await enrolDevice(url, 'synced@example.com', 'win32');
    await setPassword(url, synced, NEW_PASSWORD);
    await report(url, syncedWin, await changeFor(url, syncedWin), 'synced');
    await addPerson(url, 'off@example.com');
    await enrolDevice(url, 'off@example.com', 'darwin');
    await browser.api('PATCH', '/console/api/people/off@example.com', { syncEnabled: false });

    clock.now += 60_000;
    const fleetReply = await browser.api('GET', '/console/api/fleet?staleHours=24');
    expect(fleetReply.status, fleetReply.text).toBe(200);
    const fleet = FleetPage.parse(fleetReply.body);
    expect(fleet.counts).toEqual({ devices: 4, online: 0, synced: 1, waiting: 1, failed: 1, off: 1 });
    expect(fleet.stale.map((d) => [d.deviceId, d.state])).toEqual([[oldMac.deviceId, 'waiting']]);
    const all = FleetPage.parse((await browser.api('GET', '/console/api/fleet?staleHours=0&limit=1')).body);
    expect(all.stale.map((d) => d.deviceId)).toEqual([oldMac.deviceId]);
    const rest = FleetPage.parse((await browser.api('GET', `/console/api/fleet?staleHours=0&limit=1&cursor=${all.next}`)).body);
    expect(rest.stale).toEqual([expect.objectContaining({ deviceId: freshLinux.deviceId, state: 'failed', failedStep: 'account', reason: 'chpasswd refused' })]);
    expect(rest.next).toBeNull();

    const csv = await browser.api('GET', '/console/api/fleet.csv?staleHours=24');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="pwsync-fleet-24h.csv"');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('"userName","deviceName","deviceId","platform","state","online","lastCheckIn","changeId","changeCreatedAt","failedStep","reason"');
    expect(lines).toHaveLength(2);
    // A spreadsheet reads neither cell as a formula.
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.example""\)","'\+cmd\|calc",/);
    expect((await browser.api('GET', '/console/api/fleet?staleHours=-1')).body).toMatchObject({ code: 'invalid', fields: ['staleHours'] });
  });
});

describe('enrolment codes and devices', () => {
  it('are made, listed, used and revoked by an admin, and a device removed loses its stream', async () => {
    directory = await startConsoleDirectory();
    const { url } = directory;
    const browser = await adminBrowser(url);
    await addPerson(url, 'ada@example.com');
    const made = await browser.api('POST', '/console/api/enrolment-codes', { userName: 'ada@example.com', uses: 2, label: 'Ada’s laptops' });
    expect(made.status).toBe(201);
    const code = CodeCreated.parse(made.body);
    expect(code).toMatchObject({ userName: 'ada@example.com', uses: 2, usesLeft: 2, label: 'Ada’s laptops', state: 'usable' });
    const enrolled = await call(url, 'POST', '/api/v1/device/enrol', { code: code.code, deviceName: 'mac', platform: 'darwin' }, {}, null);
    expect(enrolled.status).toBe(201);
    const listed = await browser.api('GET', '/console/api/enrolment-codes');
    expect(listed.body.codes[0]).toMatchObject({ id: code.id, usesLeft: 1 });
    expect(JSON.stringify(listed.body)).not.toContain(code.code);
    expect((await browser.api('DELETE', `/console/api/enrolment-codes/${code.id}`)).body).toMatchObject({ state: 'revoked' });
    expect((await call(url, 'POST', '/api/v1/device/enrol', { code: code.code, deviceName: 'mac2', platform: 'darwin' }, {}, null)).status).toBe(403);
    // Without a person, a code is for the computers an MDM enrols (pwsync-agent enroll): any user they map, and no device of its own.
    const forAny = await browser.api('POST', '/console/api/enrolment-codes', { label: 'the fleet' });
    expect(forAny.status).toBe(201);
    expect(forAny.body).toMatchObject({ userName: null, forAnyUser: true, label: 'the fleet', state: 'usable' });
    expect((await call(url, 'POST', '/api/v1/device/enrol', { code: forAny.body.code, deviceName: 'mac3', platform: 'darwin' }, {}, null)).status).toBe(403);
    expect((await call(url, 'POST', '/api/v1/machine/enrol', { code: forAny.body.code, machineName: 'mac3', platform: 'darwin' }, {}, null)).status).toBe(201);

    const device = { deviceId: enrolled.body.deviceId, token: enrolled.body.deviceToken, platform: 'darwin' as const };
    const stream = await openEvents(url, device.token);
    expect((await browser.api('DELETE', `/console/api/devices/${device.deviceId}`)).status).toBe(204);
    for (let i = 0; i < 50 && !stream.ended; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stream.ended).toBe(true);
    expect((await checkIn(url, device)).status).toBe(401);
  });
});

describe('console accounts', () => {
  it('are made, changed and removed by an admin, never their own role away', async () => {
    directory = await startConsoleDirectory();
    const browser = await adminBrowser(directory.url);
    const made = await browser.api('POST', '/console/api/accounts', { userName: 'sam', displayName: 'Sam', role: 'support', password: SUPPORT_PASSWORD });
    expect(made.status).toBe(201);
    expect((await browser.api('POST', '/console/api/accounts', { userName: 'SAM', displayName: 'Sam 2', role: 'support', password: SUPPORT_PASSWORD })).body).toMatchObject({ code: 'conflict' });
    expect((await browser.api('POST', '/console/api/accounts', { userName: 'short', displayName: 'S', role: 'support', password: 'short' })).body).toMatchObject({ code: 'invalid', fields: ['password'] });
    const me = (await browser.api('GET', '/console/api/session')).body.account.id;
    expect((await browser.api('PATCH', `/console/api/accounts/${me}`, { role: 'support' })).body).toMatchObject({ code: 'conflict' });
    expect((await browser.api('DELETE', `/console/api/accounts/${me}`)).status).toBe(409);
    const sam = made.body.id;
    expect((await browser.api('PATCH', `/console/api/accounts/${sam}`, { role: 'admin', password: 'a-new-password-for-sam' })).body).toMatchObject({ role: 'admin' });
    const samBrowser = new ConsoleBrowser(directory.url);
    await samBrowser.signInLocal('sam', 'a-new-password-for-sam');
    expect((await browser.api('DELETE', `/console/api/accounts/${sam}`)).status).toBe(204);
    expect((await samBrowser.api('GET', '/console/api/session')).status).toBe(401);
  });
});

describe('the audit log', () => {
  it('records who changed what, when and from where, through the console and the admin API, and holds no secret', async () => {
    directory = await startConsoleDirectory();
    const { url } = directory;
    const browser = await adminBrowser(url);
    const support = await supportBrowser(url, browser);
    const userId = await addPerson(url, 'ada@example.com', {}, 'Initial-password-1!');
    const mac = await enrolDevice(url, 'ada@example.com', 'darwin');
    await setPassword(url, userId, NEW_PASSWORD);
    await support.api('PATCH', '/console/api/people/ada@example.com', { syncEnabled: false });
    await admin(url, 'PATCH', `/devices/${mac.deviceId}`, { syncEnabled: false });
    const code = CodeCreated.parse((await browser.api('POST', '/console/api/enrolment-codes', { userName: 'ada@example.com' })).body);
    await browser.api('DELETE', `/console/api/enrolment-codes/${code.id}`);
    await new ConsoleBrowser(url).api('POST', '/console/api/sign-in/local', { userName: 'sam-support', password: 'not-the-password-9' });
    // A password typed into the name field is not kept either.
    await new ConsoleBrowser(url).api('POST', '/console/api/sign-in/local', { userName: SUPPORT_PASSWORD.toUpperCase(), password: SUPPORT_PASSWORD });

    const page = AuditPage.parse((await browser.api('GET', '/console/api/audit?limit=500')).body);
    const actions = page.entries.map((e) => [e.action, e.actor.kind, e.actor.name, e.target]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['accountCreated', 'adminToken', 'admin token', 'ada-admin'],
        ['signIn', 'console', 'ada-admin', 'ada-admin'],
        ['accountCreated', 'console', 'ada-admin', 'sam-support'],
        ['personSyncSet', 'console', 'sam-support', 'ada@example.com'],
        ['deviceSyncSet', 'adminToken', 'admin token', mac.deviceId],
        ['codeCreated', 'console', 'ada-admin', code.id],
        ['codeRevoked', 'console', 'ada-admin', code.id],
        ['signInRefused', 'console', 'sam-support', 'sam-support'],
        ['signInRefused', 'console', '(unknown)', null],
      ]),
    );
    expect(page.entries.find((e) => e.action === 'personSyncSet')).toMatchObject({ details: { syncEnabled: false }, from: '127.0.0.1' });
    expect(page.entries.find((e) => e.action === 'signInRefused' && e.target === 'sam-support')!.details).toEqual({ reason: 'badPassword', via: 'local' });

    const csv = await browser.api('GET', '/console/api/audit.csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.text.split('\r\n')[0]).toBe('"at","actorKind","actor","action","target","details","from"');
    expect(csv.text).toContain('"personSyncSet"');

    // No token, code, password, hash or cookie anywhere in it.
    const everything = `${JSON.stringify(page)}\n${csv.text}`;
    const cookies = [...browser.jar.values(), ...support.jar.values()].flatMap((jar) => [...jar.values()]);
    for (const secret of [ADMIN_TOKEN, TOKEN, ADMIN_PASSWORD, SUPPORT_PASSWORD, SUPPORT_PASSWORD.toUpperCase(), 'not-the-password-9', NEW_PASSWORD, 'Initial-password-1!', code.code, mac.token, browser.csrf!, support.csrf!, ...cookies]) {
      expect(everything).not.toContain(secret);
    }
    for (const marker of ['$scrypt$', '$6$', '$pbkdf2', 'enr_']) expect(everything).not.toContain(marker);
    // Nor in the directory's log.
    const log = directory.logger.text();
    for (const secret of [ADMIN_PASSWORD, SUPPORT_PASSWORD, NEW_PASSWORD, code.code, ...cookies]) expect(log).not.toContain(secret);
  });
});

describe('the console\'s page', () => {
  it('is a plain 404 until it is built, with the console\'s security headers; the API answers carry them too', async () => {
    directory = await startConsoleDirectory({ console: { pageDir: '/nonexistent/console/dist' } });
    const browser = new ConsoleBrowser(directory.url);
    const page = await browser.fetch('/console/');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(page.text).toMatch(/not built/);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await browser.fetch('/console')).headers.get('location')).toBe('/console/');
    const api = await browser.fetch('/console/api/sign-in');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect((await browser.fetch('/console/api/nothing-here')).body).toMatchObject({ code: 'notFound' });
  });

  it('serves the built files with its strict policy', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { tempDir } = await import('@pwsync/testing/directory-harness');
    const dist = tempDir();
    mkdirSync(`${dist}/assets`);
    writeFileSync(`${dist}/index.html`, '<!doctype html><title>pwsync console</title><script type="module" src="./assets/app-1a2b.js"></script>');
    writeFileSync(`${dist}/assets/app-1a2b.js`, 'console.log(1)');
    directory = await startConsoleDirectory({ console: { pageDir: dist } });
    const browser = new ConsoleBrowser(directory.url);
    const index = await browser.fetch('/console/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('pwsync console');
    expect(index.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'/);
    expect(index.headers.get('cache-control')).toBe('no-store');
    const asset = await browser.fetch('/console/assets/app-1a2b.js');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await browser.fetch('/console/../directory.db')).status).toBe(404);
  });
});
