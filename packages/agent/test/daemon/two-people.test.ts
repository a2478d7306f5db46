/**
 * One daemon, two people on one computer: a throw-away system root holds their two
 * accounts (and root's, and a system account's), the real directory runs on loopback,
 * and the daemon enrols with the code in its configuration, binds each person by the
 * rule, and gives each their own socket, owned by their real uid. A password change
 * for one reaches only that person's account, socket and state; the other's stay as
 * they were. People who appear get a socket, people who go lose it and their binding.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxBackend } from '../../src/backends/linux';
import { SafeRunner } from '../../src/backends/safe-runner';
import { settingsFrom } from '../../src/config/agent-config';
import { askStatus } from '../../src/daemon/control-channel';
import { Daemon } from '../../src/daemon/daemon';
import { readMachineRecord } from '../../src/daemon/machine-record';
import { hashesFor } from '../../src/demo-seed';
import { handshakeAs, isRoot, runAs } from '@pwsync/testing/as-user';
import { admin, call, createCodeForAnyUser, type Directory, oktaReplace, oktaUser, startDirectory } from '@pwsync/testing/directory-harness';
import { makeTempDir } from '@pwsync/testing/processes';
import { recordingLogger } from '@pwsync/testing/recording-logger';

const ALEX = { name: 'alex', uid: 4301 };
const SAM = { name: 'sam', uid: 4302 };
const KIM = { name: 'kim', uid: 4303 };
const PASSWORDS = { alex: 'Alex-Neu-Passwört 1', sam: 'Sam-Alt-Passwört 2', kim: 'Kim-Passwört 3', kimAgain: 'Kim-Passwört 3!' };
const hasChpasswd = existsSync('/usr/sbin/chpasswd');

let work: string;
let root: string;
let directory: Directory;
let daemon: Daemon;
const logger = recordingLogger();
const userIds = new Map<string, string>();
let settings: ReturnType<typeof settingsOf>;
let code: string;

function settingsOf(url: string, enrolmentCode: string) {
  const result = settingsFrom({
    directory: { url, enrolmentCode, checkinIntervalSeconds: 1 },
    people: { userNameFrom: 'localPart', domain: 'example.com', exclude: [] },
    folders: { state: path.join(work, 'state'), sockets: path.join(work, 'run') },
    logLevel: 'debug',
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.settings;
}

const passwdLine = (p: { name: string; uid: number }) => `${p.name}:x:${p.uid}:${p.uid}::/home/${p.name}:/bin/bash`;

/** As useradd and userdel do: a new file renamed over the old one. */
async function writeAccounts(people: Array<{ name: string; uid: number }>, shadow: Record<string, string>): Promise<void> {
  const passwd = ['root:x:0:0:root:/root:/bin/bash', 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', ...people.map(passwdLine)].join('\n');
  const shadowText = ['root:*:19000:0:99999:7:::', 'daemon:*:19000:0:99999:7:::', ...people.map((p) => `${p.name}:${shadow[p.name] ?? '!'}:19000:0:99999:7:::`)].join('\n');
  const group = ['root:x:0:', ...people.map((p) => `${p.name}:x:${p.uid}:`)].join('\n');
  const gshadow = ['root:*::', ...people.map((p) => `${p.name}:!::`)].join('\n');
  for (const [file, text, mode] of [['shadow', shadowText, 0o640], ['group', group, 0o644], ['gshadow', gshadow, 0o640], ['passwd', passwd, 0o644]] as const) {
    await fs.writeFile(path.join(root, 'etc', `${file}+`), `${text}\n`, { mode });
    await fs.rename(path.join(root, 'etc', `${file}+`), path.join(root, 'etc', file));
  }
}

async function shadowOf(name: string): Promise<string | undefined> {
  return (await fs.readFile(path.join(root, 'etc/shadow'), 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`))?.split(':')[1];
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`never: ${what}\n${logger.text().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const socketOf = (p: { uid: number }) => path.join(work, 'run', `${p.uid}.sock`);
const scim = (method: string, url: string, body?: unknown) => call(directory.url, method, `/scim/v2${url}`, body);
let previous: { alex: string; sam: string; kim: string };

describe.skipIf(!isRoot || !hasChpasswd)('one daemon, two people on one computer', () => {
  beforeAll(async () => {
    work = makeTempDir('pwdm-');
    await fs.chmod(work, 0o755);
    root = path.join(work, 'root');
    await fs.mkdir(path.join(root, 'etc'), { recursive: true });
    await fs.writeFile(path.join(root, 'etc/login.defs'), 'UID_MIN 1000\nUID_MAX 60000\n');
    previous = { alex: (await hashesFor('Alex-Alt 0', 1000)).sha512crypt, sam: (await hashesFor('Sam-Alt 0', 1000)).sha512crypt, kim: (await hashesFor('Kim-Alt 0', 1000)).sha512crypt };
    await writeAccounts([ALEX, SAM], previous);
    directory = await startDirectory();
    for (const name of ['alex@example.com', 'sam@example.com', 'kim@example.com', 'root@example.com']) {
      const created = await scim('POST', '/Users', oktaUser(name));
      userIds.set(name, created.body.id);
    }
    code = (await createCodeForAnyUser(directory.url, { label: 'lab computers' })).code;
    settings = settingsOf(directory.url, code);
    daemon = new Daemon({
      settings,
      backend: new LinuxBackend({ runner: new SafeRunner(), stateDir: settings.folders.state, root }),
      logger,
      version: '0.0.0-test',
      platform: 'linux',
      systemRoot: root,
      rereadIntervalMs: 60_000,
    });
    await daemon.start();
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    expect(existsSync(settings.folders.sockets) ? await fs.readdir(settings.folders.sockets) : [], 'every socket is removed when the daemon stops').toEqual([]);
    await directory?.stop();
    if (work) await fs.rm(work, { recursive: true, force: true });
    if (directory) await fs.rm(directory.dir, { recursive: true, force: true });
  });

  it('enrols with the code in its configuration and keeps the machine token root\'s alone', async () => {
    const file = path.join(settings.folders.state, 'machine.json');
    const stats = await fs.lstat(file);
    expect({ uid: stats.uid, mode: stats.mode & 0o777, folder: (await fs.stat(settings.folders.state)).mode & 0o777 }).toEqual({ uid: 0, mode: 0o600, folder: 0o700 });
    const record = await readMachineRecord(settings.folders.state);
    expect(record).toMatchObject({ directory: `${directory.url}/`, machineId: expect.stringMatching(/^mch_/), userName: null });
    expect(logger.text()).not.toContain(record!.machineToken);
  });

  it('gives each person a socket of their own, owned by their uid and 0600, and never root or a system account one', async () => {
    for (const person of [ALEX, SAM]) {
      const stats = await fs.lstat(socketOf(person));
      expect({ uid: stats.uid, mode: stats.mode & 0o777 }).toEqual({ uid: person.uid, mode: 0o600 });
      expect(await handshakeAs(person.uid, socketOf(person))).toMatchObject({ outcome: 'answered', reply: { result: { user: person.name, backend: 'linux' } } });
    }
    // Each person's socket is for them alone.
    expect(await handshakeAs(ALEX.uid, socketOf(SAM))).toEqual({ outcome: 'refused', code: 'EACCES' });
    expect(await handshakeAs(SAM.uid, socketOf(ALEX))).toEqual({ outcome: 'refused', code: 'EACCES' });
    expect((await fs.readdir(path.join(work, 'run'))).sort()).toEqual([`${ALEX.uid}.sock`, `${SAM.uid}.sock`, 'control.sock']);
    const devices = (await admin(directory.url, 'GET', '/users/root@example.com/devices')).body.devices;
    expect(devices, 'root is never bound, though the rule would map it').toEqual([]);
  });

  it('applies a change for one person to their account alone; the other sees nothing of it', async () => {
    expect((await scim('PATCH', `/Users/${userIds.get('alex@example.com')}`, oktaReplace({ password: PASSWORDS.alex }))).status).toBe(200);
    const applied = await until('alex\'s account takes the new hash', async () => {
      const hash = await shadowOf(ALEX.name);
      return hash !== previous.alex && hash?.startsWith('$6$') ? hash : undefined;
    });
    const verified = execFileSync('openssl', ['passwd', '-6', '-salt', applied.split('$')[2]!, '-stdin'], { input: `${PASSWORDS.alex}\n`, encoding: 'utf8' }).trim();
    expect(verified).toBe(applied);
    expect(await shadowOf(SAM.name), "sam's account is untouched").toBe(previous.sam);
    const status = await until('the status shows alex\'s waiting change', async () => {
      const reply = await askStatus(settings.folders.sockets);
      return reply.running && reply.status.people.find((p) => p.localAccount === 'alex')?.waitingChange ? reply.status : undefined;
    });
    expect(status.people.find((p) => p.localAccount === 'sam')?.waitingChange, "sam has no change").toBeNull();
    expect(existsSync(path.join(settings.folders.state, 'users/sam/pending.json')) ? JSON.parse(await fs.readFile(path.join(settings.folders.state, 'users/sam/pending.json'), 'utf8')).current : null).toBeNull();
  });

  it('tells support over the root-only control channel: enrolled, reachable, and whom it serves', async () => {
    const reply = await askStatus(settings.folders.sockets);
    expect(reply.running).toBe(true);
    if (!reply.running) return;
    expect(reply.status).toMatchObject({
      enrolment: { directory: `${directory.url}/`, userName: null },
      directory: { reachable: true, reason: null },
      people: [
        { localAccount: 'alex', uid: ALEX.uid, userName: 'alex@example.com', socket: socketOf(ALEX), deviceId: expect.stringMatching(/^dev_/), waitingChange: { mode: 'applied' } },
        { localAccount: 'sam', uid: SAM.uid, userName: 'sam@example.com', socket: socketOf(SAM), waitingChange: null },
      ],
      notServed: [],
    });
    const control = await fs.lstat(path.join(settings.folders.sockets, 'control.sock'));
    expect({ uid: control.uid, mode: control.mode & 0o777 }).toEqual({ uid: 0, mode: 0o600 });
    expect(await handshakeAs(ALEX.uid, path.join(settings.folders.sockets, 'control.sock'))).toEqual({ outcome: 'refused', code: 'EACCES' });
  });

  it('serves a person who appears, at once, and lets go of one who goes: socket, binding and state', async () => {
    await writeAccounts([ALEX, KIM], { alex: (await shadowOf('alex'))!, kim: previous.kim });
    await until('kim gets a socket', () => existsSync(socketOf(KIM)));
    await until('sam\'s socket is gone', () => !existsSync(socketOf(SAM)));
    expect(await handshakeAs(KIM.uid, socketOf(KIM))).toMatchObject({ outcome: 'answered', reply: { result: { user: 'kim' } } });
    await until('the directory no longer binds sam', async () => (await admin(directory.url, 'GET', '/users/sam@example.com/devices')).body.devices.length === 0);
    await until('sam\'s state is gone', () => !existsSync(path.join(settings.folders.state, 'users/sam')));
    expect(logger.text()).toMatch(/unbound a person and removed their state","fields":{"localAccount":"sam"/);
    // Kim is offered only what changes from now on, and it reaches kim alone.
    expect((await scim('PATCH', `/Users/${userIds.get('kim@example.com')}`, oktaReplace({ password: PASSWORDS.kim }))).status).toBe(200);
    await until('kim\'s account takes the new hash', async () => (await shadowOf(KIM.name)) !== previous.kim);
    expect(await shadowOf(ALEX.name)).not.toBe(previous.alex);
  });

  it('binds a person again when the directory\'s administrator removed their device, and their changes reach them again', async () => {
    const before = (await admin(directory.url, 'GET', '/users/kim@example.com/devices')).body.devices;
    expect(before).toHaveLength(1);
    expect((await admin(directory.url, 'DELETE', `/devices/${before[0].deviceId}`)).status).toBe(204);
    daemon.soon(0);
    const after = await until('kim has a new device', async () => {
      const devices = (await admin(directory.url, 'GET', '/users/kim@example.com/devices')).body.devices;
      return devices.length === 1 && devices[0].deviceId !== before[0].deviceId ? devices[0] : undefined;
    });
    await until('kim is served again', async () => {
      const reply = await askStatus(settings.folders.sockets);
      return reply.running && reply.status.people.find((p) => p.localAccount === 'kim')?.deviceId === after.deviceId;
    });
    const hashBefore = await shadowOf(KIM.name);
    expect((await scim('PATCH', `/Users/${userIds.get('kim@example.com')}`, oktaReplace({ password: PASSWORDS.kimAgain }))).status).toBe(200);
    await until("kim's account takes the newer hash", async () => (await shadowOf(KIM.name)) !== hashBefore);
  });

  it('says who the rule names but the directory does not know, and why', async () => {
    await writeAccounts([ALEX, KIM, { name: 'zoe', uid: 4304 }], { alex: (await shadowOf('alex'))!, kim: (await shadowOf('kim'))! });
    const status = await until('zoe is listed as not served', async () => {
      const reply = await askStatus(settings.folders.sockets);
      return reply.running && reply.status.notServed.length > 0 ? reply.status : undefined;
    });
    expect(status.notServed).toEqual([{ localAccount: 'zoe', reason: 'the directory refused: No user with this userName.' }]);
    expect(existsSync(socketOf({ uid: 4304 }))).toBe(false);
  });

  it('refuses a second daemon on the same computer, and leaves the first one serving', async () => {
    const second = new Daemon({ settings, backend: new LinuxBackend({ runner: new SafeRunner(), stateDir: settings.folders.state, root }), logger: recordingLogger(), version: '0', platform: 'linux', systemRoot: root });
    await expect(second.start()).rejects.toThrow(/another agent is already serving .*control\.sock/);
    await second.stop();
    expect((await askStatus(settings.folders.sockets)).running).toBe(true);
  });

  it('keeps a person\'s socket theirs even when they open it to others: the other person gets no answer, and the mode goes back to 0600', async () => {
    expect((await runAs(ALEX.uid, ['chmod', '666', socketOf(ALEX)])).code).toBe(0);
    expect((await fs.lstat(socketOf(ALEX))).mode & 0o777).toBe(0o666);
    expect(await handshakeAs(KIM.uid, socketOf(ALEX))).toEqual({ outcome: 'closed' });
    expect((await fs.lstat(socketOf(ALEX))).mode & 0o777).toBe(0o600);
    expect(await handshakeAs(ALEX.uid, socketOf(ALEX))).toMatchObject({ outcome: 'answered', reply: { result: { user: 'alex' } } });
  });

  it('says when the directory cannot be reached, and why, while it keeps serving', async () => {
    await directory.stop();
    daemon.soon(0);
    await daemon.settled();
    const reply = await askStatus(settings.folders.sockets);
    expect(reply.running && reply.status.directory).toMatchObject({ reachable: false, reason: 'the directory cannot be reached' });
    expect(reply.running && reply.status.people.map((p) => p.localAccount)).toEqual(['alex', 'kim']);
    expect(await handshakeAs(KIM.uid, socketOf(KIM))).toMatchObject({ outcome: 'answered' });
  });

  it('never writes a password to its log, its state or the directory\'s output', async () => {
    const found = spawnSync('grep', ['-r', '-l', '-F', '-e', PASSWORDS.alex, '-e', PASSWORDS.kim, settings.folders.state], { encoding: 'utf8' });
    expect({ status: found.status, files: found.stdout.trim() }, 'grep finds nothing').toEqual({ status: 1, files: '' });
    for (const password of Object.values(PASSWORDS)) {
      expect(logger.text()).not.toContain(password);
      expect(directory.output()).not.toContain(password);
    }
  }, 20_000);
});
