/**
 * The Debian package, as an administrator gets it: built by `npm run package:linux`,
 * checked by lintian, installed with dpkg into a throw-away Debian 12 root (made once
 * by debootstrap, cached outside the repository: scripts/debian-test-root.mjs), and
 * the agent enrolled from it with a code made at the real directory (on loopback), and
 * run as its systemd unit says, with Debian's own Node, chrooted into that root: it
 * serves the person's socket, and a SCIM password change at the directory reaches that
 * root's account through chpasswd. Then removed (data kept) and purged (data gone).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashesFor } from '@pwsync/agent/demo-seed';
import { admin, call, createCodeForAnyUser, type Directory, oktaReplace, oktaUser, startDirectory } from '@pwsync/testing/directory-harness';
import { BUILT, makeTempDir, ROOT } from '@pwsync/testing/processes';
import { handshakeAs } from '@pwsync/testing/as-user';
import { unitKeys } from './unit-file';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const onDebian = existsSync('/usr/bin/dpkg-deb') && existsSync('/usr/sbin/debootstrap');
const PERSON = { name: 'alex', uid: 1000 };
const PREVIOUS = 'Vorher-Passwört 1';
const NEXT = 'Nachher-Passwört 2';

let work: string;
let deb: string;
let chroot: string;
let debootstrapSeconds = 0;

async function inRoot(command: string[], input?: string): Promise<string> {
  const child = spawn('chroot', [chroot, ...command], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end(input ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${command.join(' ')} exited ${code}: ${out}`);
  return out;
}

const shadowField = async (user: string) =>
  (await fs.readFile(path.join(chroot, 'etc/shadow'), 'utf8')).split('\n').find((line) => line.startsWith(`${user}:`))?.split(':')[1];

/**
 * The agent as systemd starts it from the installed unit: its ExecStart (with any
 * EnvironmentFile's variables expanded as systemd does: $VAR splits into words), under
 * its UMask, with its RuntimeDirectory and StateDirectory made first. (There is no
 * running systemd here to do it; `systemd-analyze verify` checks the rest of the unit.)
 */
async function startFromUnit(): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const unit = unitKeys(await fs.readFile(path.join(chroot, 'lib/systemd/system/pwsync-agent.service'), 'utf8'));
  const get = (key: string) => unit.get(key)?.at(-1) ?? '';
  const env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
  const environmentFile = get('EnvironmentFile').replace(/^-/, '');
  if (environmentFile && existsSync(path.join(chroot, environmentFile))) {
    for (const line of (await fs.readFile(path.join(chroot, environmentFile), 'utf8')).split('\n')) {
      const match = /^([A-Z_][A-Z0-9_]*)="?(.*?)"?$/.exec(line.trim());
      if (match) env[match[1]!] = match[2]!;
    }
  }
  const argv = get('ExecStart').split(/\s+/).flatMap((word) => (word.startsWith('$') ? (env[word.slice(1)] ?? '').split(/\s+/).filter(Boolean) : [word]));
  for (const [key, base, fallback] of [['RuntimeDirectory', 'run', '0755'], ['StateDirectory', 'var/lib', '0755']] as const) {
    const folder = path.join(chroot, base, get(key));
    await fs.mkdir(folder, { recursive: true });
    await fs.chmod(folder, Number.parseInt(get(`${key}Mode`) || fallback, 8));
  }
  const child = spawn('/bin/sh', ['-c', 'umask "$1"; shift; exec chroot "$@"', 'sh', get('UMask'), chroot, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/**
 * The identity provider changes the person's password: Okta's SCIM PATCH at the real
 * directory, which makes the change's sha512-crypt hash for the person's Linux device.
 */
async function aChangeArrivesFromTheDirectory(directory: Directory, userId: string, password: string): Promise<void> {
  const patched = await call(directory.url, 'PATCH', `/scim/v2/Users/${userId}`, oktaReplace({ password }));
  if (patched.status !== 200) throw new Error(`SCIM PATCH: ${patched.status} ${patched.text}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!isRoot || !onDebian)('the Debian package', () => {
  beforeAll(async () => {
    work = makeTempDir('pwsdeb-');
    await fs.chmod(work, 0o755);
    const started = Date.now();
    // Not execFileSync: a cold debootstrap takes minutes, and the worker must keep answering vitest.
    const made = (await run(process.execPath, [path.join(ROOT, 'scripts/debian-test-root.mjs')], { maxBuffer: 1 << 24 })).stdout.trim();
    debootstrapSeconds = (Date.now() - started) / 1000;
    const built = await run(process.execPath, [path.join(ROOT, 'scripts/package-linux.mjs'), '--no-build', '--stand-in-electron', '--out', path.join(work, 'dist')], { maxBuffer: 1 << 24 });
    deb = built.stdout.trim().split('\n').at(-1)!;
    chroot = path.join(work, 'root');
    await run('cp', ['-a', '--reflink=auto', made, chroot]);
    await fs.chmod(chroot, 0o755);
  }, 15 * 60_000);

  afterAll(async () => {
    if (work) await fs.rm(work, { recursive: true, force: true });
    if (debootstrapSeconds > 20) console.log(`the Debian test root was made cold, in ${debootstrapSeconds.toFixed(0)} s`);
  });

  it('is clean to lintian: nothing is reported but the one override, whose reason is written beside it', async () => {
    const { stdout } = await run('lintian', ['--display-info', '--pedantic', '--show-overrides', '--fail-on', 'error,warning', deb], { maxBuffer: 1 << 20 }).catch((e: { stdout: string }) => {
      throw new Error(`lintian failed:\n${e.stdout}`);
    });
    // Info and pedantic tags do not fail the run; this list does.
    const tags = stdout.split('\n').filter((line) => /^[EWIPXO]: /.test(line));
    expect(tags).toEqual(['O: pwsync: package-supports-alternative-init-but-no-init.d-script [lib/systemd/system/pwsync-agent.service]']);
    const overrides = readFileSync(path.join(ROOT, 'packaging/linux/debian/lintian-overrides'), 'utf8').split('\n');
    const at = overrides.findIndex((line) => line.startsWith('pwsync: package-supports-alternative-init-but-no-init.d-script'));
    expect(overrides[at - 1], 'a comment says why').toMatch(/^# /);
  }, 120_000);

  it('holds the agent as one file, its unit, the configuration as conffiles, and the tray app with its autostart entry and desktop file', async () => {
    const { stdout: listing } = await run('dpkg-deb', ['--contents', deb]);
    for (const file of [
      './usr/lib/pwsync/pwsync-agent.cjs',
      './usr/sbin/pwsync-agent -> ../lib/pwsync/pwsync-agent.cjs',
      './lib/systemd/system/pwsync-agent.service',
      './etc/pwsync/agent.json',
      './usr/lib/pwsync/tray/pwsync',
      './usr/lib/pwsync/tray/resources/app.asar',
      './usr/bin/pwsync -> ../lib/pwsync/tray/pwsync',
      './etc/xdg/autostart/pwsync.desktop',
      './usr/share/applications/pwsync.desktop',
      './usr/share/man/man8/pwsync-agent.8.gz',
      './usr/share/doc/pwsync/install.md',
    ]) {
      expect(listing, file).toContain(file);
    }
    const { stdout: conffiles } = await run('dpkg-deb', ['--info', deb, 'conffiles']);
    expect(conffiles.trim().split('\n').sort()).toEqual(['/etc/pwsync/agent.json', '/etc/xdg/autostart/pwsync.desktop']);
    const { stdout: depends } = await run('dpkg-deb', ['--field', deb, 'Depends']);
    expect(depends).toMatch(/^nodejs \(>= 18\), ca-certificates, passwd,/);
  });

  it('ships an agent that needs nothing but Node: no module outside its bundle but dbus-next\'s optional ones, and no native code', async () => {
    const bundle = readFileSync(BUILT.agent, 'utf8');
    const { builtinModules } = await import('node:module');
    const required = new Set([...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!));
    const outside = [...required].filter((name) => !builtinModules.includes(name.replace(/^node:/, '')));
    // dbus-next asks for these only to reach an X11 session bus or a socket library we never use.
    expect(outside.sort()).toEqual(['usocket', 'x11']);
    expect(bundle).not.toMatch(/process\.dlopen|\.node"\)/);
  });

  it('installs into a Debian 12 root: the service is enabled, and systemd-analyze verify accepts its unit as installed', async () => {
    await fs.copyFile(deb, path.join(chroot, 'tmp/pwsync.deb'));
    await inRoot(['dpkg', '-i', '/tmp/pwsync.deb']);
    const wanted = path.join(chroot, 'etc/systemd/system/multi-user.target.wants/pwsync-agent.service');
    expect(await fs.readlink(wanted)).toBe('/lib/systemd/system/pwsync-agent.service');
    // Quiet means nothing to say: a setting it cannot parse or a program or manual page it cannot find is reported.
    expect(await inRoot(['systemd-analyze', 'verify', '/lib/systemd/system/pwsync-agent.service'])).toBe('');
    // The same check speaks up about a unit with a mistake in it.
    const installed = await fs.readFile(path.join(chroot, 'lib/systemd/system/pwsync-agent.service'), 'utf8');
    await fs.writeFile(path.join(chroot, 'etc/systemd/system/pwsync-broken.service'), installed.replace('ProtectSystem=strict', 'ProtectSystem=strictest'));
    expect(await inRoot(['systemd-analyze', 'verify', '/etc/systemd/system/pwsync-broken.service'])).toContain('Failed to parse protect system value');
    await fs.rm(path.join(chroot, 'etc/systemd/system/pwsync-broken.service'));
  }, 60_000);

  it('enrols the installed agent with a code and runs it as its unit says, with Debian\'s Node: it serves the person\'s socket, and a SCIM password change at the directory reaches their account', async () => {
    await inRoot(['useradd', '--uid', String(PERSON.uid), '--create-home', '--shell', '/bin/bash', PERSON.name]);
    const previous = await hashesFor(PREVIOUS, 1000);
    await inRoot(['chpasswd', '-e'], `${PERSON.name}:${previous.sha512crypt}\n`);
    const directory = await startDirectory();
    const outputs: string[] = [];
    try {
      const created = await call(directory.url, 'POST', '/scim/v2/Users', oktaUser(`${PERSON.name}@example.com`));
      expect(created.status).toBe(201);
      const code = await createCodeForAnyUser(directory.url, { label: 'Debian test root' });
      // What the administrator writes (docs/install.md, "Configure"): the rule's domain, and a quick check-in for the test.
      const configFile = path.join(chroot, 'etc/pwsync/agent.json');
      const config = JSON.parse(await fs.readFile(configFile, 'utf8'));
      await fs.writeFile(configFile, JSON.stringify({ ...config, directory: { ...config.directory, checkinIntervalSeconds: 1 }, people: { ...config.people, domain: 'example.com' } }, null, 2));
      const enrolled = await inRoot(['pwsync-agent', 'enroll', '--directory', directory.url, '--code', code.code]);
      outputs.push(enrolled);
      expect(enrolled).toMatch(/^Enrolled this computer with http:\/\/127\.0\.0\.1:\d+\/ as .* \(mch_[\w-]+\), for any user the rule maps\.\n/);
      const record = await fs.lstat(path.join(chroot, 'var/lib/pwsync/machine.json'));
      expect({ uid: record.uid, mode: record.mode & 0o777 }).toEqual({ uid: 0, mode: 0o600 });
      const agent = await startFromUnit();
      try {
        const socketPath = path.join(chroot, 'run/pwsync', `${PERSON.uid}.sock`);
        await until(`the agent listens: ${agent.output()}`, () => agent.child.exitCode === null && existsSync(socketPath) && agent.output().includes('serving a person'));
        const socket = await fs.lstat(socketPath);
        expect({ uid: socket.uid, mode: socket.mode & 0o777, folderMode: (await fs.stat(path.dirname(socketPath))).mode & 0o777 }).toEqual({ uid: PERSON.uid, mode: 0o600, folderMode: 0o755 });
        const asked = Date.now();
        const answer = await handshakeAs(PERSON.uid, socketPath);
        expect(answer, `after ${Date.now() - asked} ms; the agent said: ${agent.output()}`).toMatchObject({
          outcome: 'answered',
          reply: { result: { backend: 'linux', platform: 'linux', user: PERSON.name, demo: false } },
        });
        const status = await inRoot(['pwsync-agent', 'status', '--json']);
        outputs.push(status);
        expect(JSON.parse(status)).toMatchObject({
          running: true,
          enrolment: { directory: `${directory.url}/` },
          directory: { reachable: true },
          people: [{ localAccount: PERSON.name, uid: PERSON.uid, userName: `${PERSON.name}@example.com`, socket: `/run/pwsync/${PERSON.uid}.sock` }],
        });
        await aChangeArrivesFromTheDirectory(directory, created.body.id, NEXT);
        const applied = await until('the account holds a new hash', async () => {
          const field = await shadowField(PERSON.name);
          return field !== previous.sha512crypt && field?.startsWith('$6$') ? field : undefined;
        });
        // The password on openssl's stdin, never its command line.
        const again = execFileSync('openssl', ['passwd', '-6', '-salt', applied.split('$')[2]!, '-stdin'], { input: `${NEXT}\n`, encoding: 'utf8' }).trim();
        expect(again, 'the new password opens the account').toBe(applied);
        await until('the directory hears it is synced', async () => {
          const devices = (await admin(directory.url, 'GET', `/users/${PERSON.name}@example.com/devices`)).body.devices as Array<{ lastResult: { outcome: string } | null }>;
          return devices[0]?.lastResult?.outcome === 'synced';
        });
        outputs.push(await inRoot(['pwsync-agent', 'status']));
        agent.child.kill('SIGTERM');
        expect(await agent.exited).toBe(0);
        expect(existsSync(socketPath)).toBe(false);
        outputs.push(agent.output());
      } finally {
        agent.child.kill('SIGKILL');
      }
    } finally {
      await directory.stop();
      outputs.push(directory.output());
      await fs.rm(directory.dir, { recursive: true, force: true });
    }
    for (const secret of [PREVIOUS, NEXT]) for (const output of outputs) expect(output).not.toContain(secret);
    expect(existsSync(path.join(chroot, 'var/lib/pwsync/users', PERSON.name))).toBe(true);
  }, 90_000);

  it('keeps the agent\'s state and configuration when removed, and deletes them when purged', async () => {
    await inRoot(['dpkg', '--remove', 'pwsync']);
    expect(existsSync(path.join(chroot, 'usr/lib/pwsync/pwsync-agent.cjs'))).toBe(false);
    expect(existsSync(path.join(chroot, 'var/lib/pwsync/users', PERSON.name))).toBe(true);
    expect(existsSync(path.join(chroot, 'etc/pwsync/agent.json'))).toBe(true);
    expect(await fs.readlink(path.join(chroot, 'etc/systemd/system/pwsync-agent.service'))).toBe('/dev/null');
    await inRoot(['dpkg', '--purge', 'pwsync']);
 for (const gone of ['var/lib/pwsync', 'etc/pwsync', 'etc/systemd/system/pwsync-agent.service', 'etc/systemd/system/multi-user.target.wants/pwsync-agent.service']) {
      expect(existsSync(path.join(chroot, gone)), gone).toBe(false);
    }
  }, 60_000);
});
