/**
 * The macOS package, as far as it can be proven without a Mac (packaging/README.md,
 * "The macOS package"): `scripts/package-macos.mjs payload` lays out what pkgbuild is
 * given, with stand-ins for the app and the signed agent, and this checks its layout and
 * modes, every property list (strictly parsed, and agreeing with where the files are),
 * every script (sh -n, bash -n, shellcheck), and runs each script chrooted in a
 * throw-away root shaped like a Mac's against recording fakes of launchctl, pkgutil,
 * ps, stat and sudo (mac-root.ts), asserting exactly what it would have called.
 * What only a Mac proves (pkgbuild, productbuild, the signatures, notarization, a real
 * install and launchd) is test/packaging/macos-package-real.test.ts on the macOS workflow.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, lstatSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, SYSTEM_SOCKET_DIR } from '@pwsync/agent-protocol';
import { settingsFrom } from '@pwsync/agent/config/agent-config';
import { startHarness } from '@pwsync/testing/agent-harness';
import { BUILT, makeTempDir, ROOT } from '@pwsync/testing/processes';
import { connectRaw, responseTo } from '@pwsync/testing/raw-socket';
import { runDoctor } from '@pwsync/tray/doctor/run-doctor';
import { loginwindows, type MacRoot, makeMacRoot } from './mac-root';

const require = createRequire(import.meta.url);
const plist = require('plist') as { parse(xml: string): unknown };
const sax = require('sax') as { parser(strict: boolean): { write(s: string): { close(): void } } };
const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const has = (tool: string) => ['/usr/bin', '/bin'].some((dir) => existsSync(path.join(dir, tool)));

const ALEX = { name: 'alex', uid: 501 };
const SAM = { name: 'sam', uid: 502 };
const DAEMON = '/Library/LaunchDaemons/org.pwsync.agent.plist';
const LAUNCH_AGENT = '/Library/LaunchAgents/org.pwsync.tray.plist';
const APP_EXE = '/Applications/pwsync.app/Contents/MacOS/pwsync';

let work: string;
let payload: string;
const stage = (relative = '') => path.join(payload, 'root', relative);

/** Well-formed XML (a "--" in a comment is refused, as plutil does), then a property list. */
function readPlist(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  sax.parser(true).write(text).close();
  return plist.parse(text) as Record<string, unknown>;
}

function tree(dir: string, base = dir): Array<[string, string]> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): Array<[string, string]> => {
    const file = path.join(dir, entry.name);
    const mode = (lstatSync(file).mode & 0o7777).toString(8).padStart(4, '0');
    const row: [string, string] = [path.relative(base, file) + (entry.isDirectory() ? '/' : ''), mode];
    return entry.isDirectory() ? [row, ...tree(file, base)] : [row];
  });
}

beforeAll(async () => {
  work = makeTempDir('pwspkg-');
  payload = path.join(work, 'payload');
  await run(process.execPath, [path.join(ROOT, 'scripts/package-macos.mjs'), 'payload', '--out', payload, '--stand-in-app', '--stand-in-agent']);
}, 60_000);

afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe('the macOS package payload', () => {
  it('installs the app, the agent, its two launchd jobs, the uninstaller, the audit and the log rotation, each with its mode', () => {
    expect(tree(stage()).filter(([file]) => !file.startsWith('Applications/pwsync.app/Contents/'))).toEqual([
      ['Applications/', '0755'],
      ['Applications/pwsync.app/', '0755'],
      ['Library/', '0755'],
      ['Library/LaunchAgents/', '0755'],
      ['Library/LaunchAgents/org.pwsync.tray.plist', '0644'],
      ['Library/LaunchDaemons/', '0755'],
      ['Library/LaunchDaemons/org.pwsync.agent.plist', '0644'],
      ['Library/Logs/', '0755'],
      ['Library/Logs/pwsync/', '0755'],
      ['private/', '0755'],
      ['private/etc/', '0755'],
      ['private/etc/newsyslog.d/', '0755'],
      ['private/etc/newsyslog.d/org.pwsync.agent.conf', '0644'],
      ['usr/', '0755'],
      ['usr/local/', '0755'],
      ['usr/local/libexec/', '0755'],
      ['usr/local/libexec/pwsync/', '0755'],
      ['usr/local/libexec/pwsync/agent.json', '0644'],
      ['usr/local/libexec/pwsync/audit', '0755'],
      ['usr/local/libexec/pwsync/pwsync-agent', '0755'],
      ['usr/local/libexec/pwsync/uninstall', '0755'],
    ]);
    // /etc is a link to /private/etc on a Mac: a payload folder named etc would replace it.
    expect(existsSync(stage('etc'))).toBe(false);
    const info = readPlist(stage('Applications/pwsync.app/Contents/Info.plist'));
    expect(info).toMatchObject({ CFBundleIdentifier: 'org.pwsync.tray', CFBundleExecutable: 'pwsync' });
    expect(lstatSync(stage('Applications/pwsync.app/Contents/MacOS/pwsync')).mode & 0o777).toBe(0o755);
    expect(tree(path.join(payload, 'scripts'))).toEqual([
      ['postinstall', '0755'],
      ['preinstall', '0755'],
    ]);
  });

  it('the launchd jobs run the installed programs themselves, under the app\'s bundle identifier, logging where the payload makes room and newsyslog rotates', () => {
    const daemon = readPlist(stage(DAEMON));
    const tray = readPlist(stage(LAUNCH_AGENT));
    const info = readPlist(stage('Applications/pwsync.app/Contents/Info.plist'));
    for (const [file, job] of [[DAEMON, daemon], [LAUNCH_AGENT, tray]] as const) {
      expect(job.Label, file).toBe(path.basename(file, '.plist'));
      const program = (job.ProgramArguments as string[])[0]!;
      // The signed program, so Login Items and a Managed Login Items rule see its Team ID, not a shell's.
      expect(program, file).not.toMatch(/\/(ba|z)?sh$/);
      expect(lstatSync(stage(program.slice(1))).mode & 0o111, program).not.toBe(0);
      expect(job.AssociatedBundleIdentifiers, file).toEqual([info.CFBundleIdentifier]);
    }
    expect(tray.ProgramArguments).toEqual([`/Applications/pwsync.app/Contents/MacOS/${String(info.CFBundleExecutable)}`]);
    expect(daemon).toMatchObject({ RunAtLoad: true, KeepAlive: { SuccessfulExit: false }, Umask: 0o077, UserName: 'root', GroupName: 'wheel' });
    expect(tray).toMatchObject({ LimitLoadToSessionType: 'Aqua', RunAtLoad: true, KeepAlive: { SuccessfulExit: false } });
    expect(daemon.StandardOutPath).toBe(daemon.StandardErrorPath);
    const log = daemon.StandardOutPath as string;
    expect(lstatSync(stage(path.dirname(log).slice(1))).isDirectory()).toBe(true);
    const rotation = readFileSync(stage('private/etc/newsyslog.d/org.pwsync.agent.conf'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    expect(rotation).toHaveLength(1);
    expect(rotation[0]!.split(/\s+/)).toEqual([log, 'root:wheel', '640', '7', '1024', '$W0', 'NZ']);
  });

  it("the daemon is the agent's `serve`, and its default settings are valid for its configuration schema and name the state folder the uninstaller removes and the Mac's socket folder", () => {
    const daemon = readPlist(stage(DAEMON));
    expect(daemon.ProgramArguments).toEqual(['/usr/local/libexec/pwsync/pwsync-agent', 'serve']);
    const result = settingsFrom(JSON.parse(readFileSync(stage('usr/local/libexec/pwsync/agent.json'), 'utf8')));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings.folders).toEqual({ state: '/Library/Application Support/pwsync/agent', sockets: SYSTEM_SOCKET_DIR.darwin });
    expect(readFileSync(stage('usr/local/libexec/pwsync/uninstall'), 'utf8')).toContain('/Library/Application Support/pwsync');
  });

  it('pkgbuild keeps the app where it is said, and productbuild installs one package, on the startup disk only, from macOS 13', () => {
    const [component] = readPlist(path.join(payload, 'component.plist')) as unknown as Array<Record<string, unknown>>;
    expect(component).toEqual({
      RootRelativeBundlePath: 'Applications/pwsync.app',
      BundleIsRelocatable: false,
      BundleIsVersionChecked: false,
      BundleHasStrictIdentifier: true,
      BundleOverwriteAction: 'upgrade',
    });
    expect(existsSync(stage(component!.RootRelativeBundlePath as string))).toBe(true);
    const distribution = readFileSync(path.join(payload, 'distribution.xml'), 'utf8');
    sax.parser(true).write(distribution).close();
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(distribution).toContain(`<pkg-ref id="org.pwsync.pkg" version="${version}" onConclusion="none">pwsync-component.pkg</pkg-ref>`);
    expect(distribution).toMatch(/<options customize="never" require-scripts="false" rootVolumeOnly="true" hostArchitectures="arm64,x86_64"\/>/);
    expect(distribution).toContain('<os-version min="13.0"/>');
    // The uninstaller forgets the receipt by the same identifier.
    expect(readFileSync(stage('usr/local/libexec/pwsync/uninstall'), 'utf8')).toContain('pkgutil --forget org.pwsync.pkg');
  });

  it('gives MDMs the audit in both forms: exit codes for Kandji, <result> for a Jamf Pro extension attribute', () => {
    const kandji = readFileSync(path.join(payload, 'mdm/kandji-audit.sh'), 'utf8');
    const jamf = readFileSync(path.join(payload, 'mdm/jamf-extension-attribute.sh'), 'utf8');
    expect(kandji).toBe(readFileSync(stage('usr/local/libexec/pwsync/audit'), 'utf8'));
    expect(jamf).toBe(kandji.replace(/^FORM=exit-code$/m, 'FORM=jamf'));
    expect(jamf).not.toBe(kandji);
  });

  const scripts = () => [
    path.join(payload, 'scripts/preinstall'),
    path.join(payload, 'scripts/postinstall'),
    stage('usr/local/libexec/pwsync/uninstall'),
    stage('usr/local/libexec/pwsync/audit'),
    path.join(payload, 'mdm/jamf-extension-attribute.sh'),
  ];

  it('every script is POSIX sh that sh -n and bash -n accept', async () => {
    for (const script of scripts()) {
      expect(readFileSync(script, 'utf8').split('\n')[0], script).toBe('#!/bin/sh');
      await run('sh', ['-n', script]);
      await run('bash', ['--posix', '-n', script]);
    }
    // And the check itself finds a mistake.
    const broken = path.join(work, 'broken');
    await fs.writeFile(broken, '#!/bin/sh\nif true; then echo\n');
    await expect(run('sh', ['-n', broken])).rejects.toThrow();
  });

  it.skipIf(!has('shellcheck'))('shellcheck finds nothing in any script', async () => {
    const result = await run('shellcheck', ['--shell=sh', '--severity=style', ...scripts()]).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
    expect(result.stdout).toBe('');
  });
});

describe('the package build on a Mac, as it would run (--dry-run prints each command instead)', () => {
  const SECRETS = { CSC_KEY_PASSWORD: 'app-p12-Secret-1', CSC_INSTALLER_KEY_PASSWORD: 'installer-p12-Secret-2', APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh-ijkl-mnop' };
  async function dryRun(env: Record<string, string>): Promise<string[][]> {
    const { stdout } = await run(
      process.execPath,
      [path.join(ROOT, 'scripts/package-macos.mjs'), 'build', '--dry-run', '--app', '/tmp/built/pwsync.app', '--node', '/opt/node-arm64', '--node', '/opt/node-x64', '--out', path.join(work, 'dist')],
      { env: { PATH: process.env.PATH!, ...env } },
    );
    for (const secret of Object.values(SECRETS)) expect(stdout).not.toContain(secret);
    return stdout.split('\n').filter((line) => line.startsWith('[')).map((line) => JSON.parse(line) as string[]);
  }
  const find = (commands: string[][], ...head: string[]) => commands.filter((c) => head.every((word, i) => c[i] === word));

  it('with the named secrets: the agent built from each Node, joined, signed with the hardened runtime and its entitlements; the package signed, notarized, stapled', async () => {
    const commands = await dryRun({ CSC_LINK: 'QUJD', CSC_INSTALLER_LINK: 'REVG', APPLE_ID: 'release@example.com', APPLE_TEAM_ID: 'TEAM123456', ...SECRETS });
    expect(find(commands, 'security', 'import').map((c) => c[c.indexOf('-P') + 1])).toEqual(['$CSC_KEY_PASSWORD', '$CSC_INSTALLER_KEY_PASSWORD']);
    expect(find(commands, '/opt/node-arm64', '--experimental-sea-config')).toHaveLength(1);
    expect(find(commands, '/opt/node-x64', '--experimental-sea-config')).toHaveLength(1);
    expect(find(commands, 'lipo', '-create')[0]).toHaveLength(6);
    const [sign] = find(commands, 'codesign', '--force');
    expect(sign!.slice(2, 4)).toEqual(['--sign', 'Developer ID Application']);
    expect(sign).toEqual(expect.arrayContaining(['--options', 'runtime', '--timestamp', '--identifier', 'org.pwsync.agent', path.join(ROOT, 'packaging/macos/agent.entitlements.plist')]));
    const [pkgbuild] = find(commands, 'pkgbuild');
    expect(pkgbuild!.slice(pkgbuild!.indexOf('--identifier'), pkgbuild!.indexOf('--identifier') + 2)).toEqual(['--identifier', 'org.pwsync.pkg']);
    expect(pkgbuild).toEqual(expect.arrayContaining(['--ownership', 'recommended', '--install-location', '/', '--component-plist']));
    const [productbuild] = find(commands, 'productbuild');
    expect(productbuild).toEqual(expect.arrayContaining(['--sign', 'Developer ID Installer', '--timestamp']));
    const [notarize] = find(commands, 'xcrun', 'notarytool', 'submit');
    expect(notarize).toEqual(expect.arrayContaining(['--apple-id', 'release@example.com', '--team-id', 'TEAM123456', '--password', '$APPLE_APP_SPECIFIC_PASSWORD', '--wait']));
    expect(find(commands, 'xcrun', 'stapler', 'staple')).toHaveLength(1);
    expect(commands.at(-1)).toEqual(['security', 'delete-keychain', expect.stringMatching(/signing\.keychain-db$/)]);
  });

  it('without them (a fork\'s pull request): the agent signed ad hoc with the hardened runtime, the package unsigned and not notarized', async () => {
    const commands = await dryRun({});
    expect(find(commands, 'security')).toEqual([]);
    expect(find(commands, 'codesign', '--force')[0]!.slice(2, 4)).toEqual(['--sign', '-']);
    expect(find(commands, 'productbuild')[0]).not.toContain('--sign');
    expect(find(commands, 'xcrun')).toEqual([]);
  });
});

// On a Mac the same needs the signature removed and made again (the build does that; the
// package's own test there runs the signed one): here, on Linux, the injection alone.
describe.skipIf(process.platform === 'darwin')("the agent as a Node single executable, made as the Mac's build makes it (without the signature)", () => {
  it('runs from one file: its usage, and then it serves its socket and answers the handshake', async () => {
    const dir = makeTempDir('pwsea-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const config = path.join(dir, 'sea-config.json');
    await fs.writeFile(config, JSON.stringify({ main: BUILT.agent, output: path.join(dir, 'blob'), disableExperimentalSEAWarning: true }));
    await run(process.execPath, ['--experimental-sea-config', config]);
    const agent = path.join(dir, 'pwsync-agent');
    await fs.copyFile(process.execPath, agent);
    await run(path.join(ROOT, 'node_modules/.bin/postject'), [agent, 'NODE_SEA_BLOB', path.join(dir, 'blob'), '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2']);
    const { stdout } = await run(agent, ['--help']);
    expect(stdout).toMatch(/^Usage: pwsync-agent /);

    const socketPath = path.join(dir, 'agent.sock');
    const child = spawn(agent, ['--backend', 'sandbox', '--socket', socketPath, '--state-dir', path.join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(async () => void child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!output.includes('"msg":"listening"')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the single executable did not listen: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const client = await connectRaw(socketPath);
    client.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, client: { name: 'test', version: '0' } } });
    expect((await responseTo(client, 1)).result).toMatchObject({ protocolVersion: PROTOCOL_VERSION, backend: 'sandbox' });
    client.socket.destroy();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});

interface Installed {
  mac: MacRoot;
  install(): Promise<{ pre: Awaited<ReturnType<MacRoot['run']>>; post: Awaited<ReturnType<MacRoot['run']>>; calls: string[] }>;
}

/** Installer's steps: preinstall, the payload laid down, the receipt written, postinstall; each script given Installer's four arguments. */
async function macWithPackage(people = [ALEX, SAM]): Promise<Installed> {
  const mac = await makeMacRoot(people);
  cleanups.push(() => mac.remove());
  await run('cp', ['-a', path.join(payload, 'scripts'), mac.file('private/tmp/pwsync-scripts')]);
  const installerArgs = ['/private/tmp/pwsync-0.1.0.pkg', '/', '/', '/'];
  return {
    mac,
    async install() {
      const pre = await mac.run(['/bin/sh', '/tmp/pwsync-scripts/preinstall', ...installerArgs]);
      await run('cp', ['-a', `${stage()}/.`, mac.dir]);
      mac.set('fake/receipt', '');
      const post = await mac.run(['/bin/sh', '/tmp/pwsync-scripts/postinstall', ...installerArgs]);
      return { pre, post, calls: mac.calls() };
    },
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const loaded = (mac: MacRoot, job: string) => existsSync(mac.file(`fake/launchd/${job}`));

describe.skipIf(!isRoot)('the package scripts, run in a throw-away Mac-shaped root against recording fakes', () => {
  it('a fresh install with nobody signed in: writes the configuration, starts the agent, starts no tray app', async () => {
    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0));
    const { pre, post, calls } = await install();
    expect([pre.code, post.code, post.stderr]).toEqual([0, 0, '']);
    expect(calls).toEqual([
      'ps -axo uid=,comm=',
      'launchctl print system/org.pwsync.agent',
      'launchctl print-disabled system',
      'launchctl print system/org.pwsync.agent',
      `launchctl bootstrap system ${DAEMON}`,
      'ps -axo uid=,comm=',
    ]);
    expect(loaded(mac, 'system/org.pwsync.agent')).toBe(true);
    const config = lstatSync(mac.file('private/etc/pwsync/agent.json'));
    expect({ uid: config.uid, gid: config.gid, mode: config.mode & 0o777 }).toEqual({ uid: 0, gid: 0, mode: 0o644 });
    expect(readFileSync(mac.file('private/etc/pwsync/agent.json'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'packaging/macos/agent.json'), 'utf8'));
  });

  it('with two people signed in: the tray app starts in each one\'s graphical session', async () => {
    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0, ALEX.uid, SAM.uid));
    const { post, calls } = await install();
    expect(post.code).toBe(0);
    expect(calls.slice(-8)).toEqual([
      `launchctl bootstrap system ${DAEMON}`,
      'ps -axo uid=,comm=',
      `launchctl print gui/${ALEX.uid}/org.pwsync.tray`,
      `launchctl asuser ${ALEX.uid} launchctl bootstrap gui/${ALEX.uid} ${LAUNCH_AGENT}`,
      `launchctl bootstrap gui/${ALEX.uid} ${LAUNCH_AGENT}`,
      `launchctl print gui/${SAM.uid}/org.pwsync.tray`,
      `launchctl asuser ${SAM.uid} launchctl bootstrap gui/${SAM.uid} ${LAUNCH_AGENT}`,
      `launchctl bootstrap gui/${SAM.uid} ${LAUNCH_AGENT}`,
    ]);
    expect([loaded(mac, `gui/${ALEX.uid}/org.pwsync.tray`), loaded(mac, `gui/${SAM.uid}/org.pwsync.tray`)]).toEqual([true, true]);
  });

  it('an upgrade over a running agent and tray app: stops both before the files change, starts both after, and keeps the administrator\'s configuration', async () => {
    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0, ALEX.uid));
    await install();
    expect(loaded(mac, 'system/org.pwsync.agent') && loaded(mac, `gui/${ALEX.uid}/org.pwsync.tray`)).toBe(true);
    const edited = '{ "directory": { "url": "https://pwsync.example.com" } }\n';
    mac.set('private/etc/pwsync/agent.json', edited);
    const { pre, post, calls } = await install();
    expect([pre.code, post.code, post.stderr]).toEqual([0, 0, '']);
    expect(calls).toEqual([
      'ps -axo uid=,comm=',
      `launchctl print gui/${ALEX.uid}/org.pwsync.tray`,
      `launchctl bootout gui/${ALEX.uid}/org.pwsync.tray`,
      'launchctl print system/org.pwsync.agent',
      'launchctl bootout system/org.pwsync.agent',
      'launchctl print-disabled system',
      'launchctl print system/org.pwsync.agent',
      `launchctl bootstrap system ${DAEMON}`,
      'ps -axo uid=,comm=',
      `launchctl print gui/${ALEX.uid}/org.pwsync.tray`,
      `launchctl asuser ${ALEX.uid} launchctl bootstrap gui/${ALEX.uid} ${LAUNCH_AGENT}`,
      `launchctl bootstrap gui/${ALEX.uid} ${LAUNCH_AGENT}`,
    ]);
    expect(readFileSync(mac.file('private/etc/pwsync/agent.json'), 'utf8')).toBe(edited);
  });

  it("an administrator's launchctl disable of the agent survives an upgrade, and the script says so", async () => {
    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0));
    mac.set('fake/disabled-system', '\t"org.pwsync.agent" => disabled\n');
    const { post, calls } = await install();
    expect(post.code).toBe(0);
    expect(post.stderr).toContain('the agent is disabled on this Mac');
    expect(calls.filter((call) => call.includes('bootstrap'))).toEqual([]);
  });

  it('uninstall: stops the tray app and the agent, removes what the package installed, forgets the receipt, keeps the data', async () => {
    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0, ALEX.uid));
    await install();
    mac.set('Library/Application Support/pwsync/agent/users/alex/history.json', '[]');
    mac.set('Library/Logs/pwsync/pwsync-agent.log', 'a line\n');
    const result = await mac.run(['/usr/local/libexec/pwsync/uninstall']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pwsync is removed. Kept:');
    expect(mac.calls()).toEqual([
      'ps -axo uid=,comm=',
      `launchctl print gui/${ALEX.uid}/org.pwsync.tray`,
      `launchctl bootout gui/${ALEX.uid}/org.pwsync.tray`,
      'launchctl print system/org.pwsync.agent',
      'launchctl bootout system/org.pwsync.agent',
      'pkgutil --pkg-info org.pwsync.pkg',
      'pkgutil --forget org.pwsync.pkg',
    ]);
    for (const gone of ['Applications/pwsync.app', 'usr/local/libexec/pwsync', DAEMON.slice(1), LAUNCH_AGENT.slice(1), 'private/etc/newsyslog.d/org.pwsync.agent.conf', 'fake/receipt']) {
      expect(existsSync(mac.file(gone)), gone).toBe(false);
    }
    for (const kept of ['Library/Application Support/pwsync/agent/users/alex/history.json', 'private/etc/pwsync/agent.json', 'Library/Logs/pwsync/pwsync-agent.log']) {
      expect(existsSync(mac.file(kept)), kept).toBe(true);
    }
    expect(loaded(mac, 'system/org.pwsync.agent') || loaded(mac, `gui/${ALEX.uid}/org.pwsync.tray`)).toBe(false);
  });

  it('uninstall --remove-data deletes the state, the configuration and the log too; an unknown option does nothing', async () => {
    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0));
    await install();
    mac.set('Library/Application Support/pwsync/agent/machine.json', '{}');
    const wrong = await mac.run(['/usr/local/libexec/pwsync/uninstall', '--purge']);
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('unknown option --purge')]);
    expect(mac.calls()).toEqual([]);
    const result = await mac.run(['/usr/local/libexec/pwsync/uninstall', '--remove-data']);
    expect(result.code).toBe(0);
    for (const gone of ['Library/Application Support/pwsync', 'private/etc/pwsync', 'Library/Logs/pwsync', 'Applications/pwsync.app']) expect(existsSync(mac.file(gone)), gone).toBe(false);
  });
});

/** What `pwsync doctor --json` really prints: against a live agent (healthy), or with no socket (socketMissing, exit 3). */
async function doctorJson(healthy: boolean): Promise<{ out: string; code: number }> {
  const dir = makeTempDir('pwsaud-');
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  let socket = path.join(dir, 'none.sock');
  if (healthy) {
    const h = await startHarness({ previous: 'audit-Previous-1', next: 'audit-Next-2' });
    cleanups.push(() => h.remove());
    socket = h.socketPath;
  }
  let out = '';
  const code = await runDoctor(['--json', '--socket', socket], { write: (text) => (out += text), env: { XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir }, appVersion: '0.1.0', platform: 'darwin' });
  return { out, code };
}

describe.skipIf(!isRoot)('the audit script (Kandji Audit & Enforce, and as a Jamf Pro extension attribute)', () => {
  async function audited(setup: { agent?: 'running' | 'not running' | null; consoleUser?: string; doctor?: { out: string; code: number } }) {
    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0));
    await install();
    if (setup.agent === null) await fs.rm(mac.file('fake/launchd/system/org.pwsync.agent'));
    else mac.set('fake/launchd/system/org.pwsync.agent', `${setup.agent ?? 'running'}\n`);
    mac.set('fake/console-user', `${setup.consoleUser ?? 'alex'}\n`);
    // The app's executable answers `doctor --json` as the real doctor did, and records how it was run.
    const doctor = setup.doctor ?? { out: '', code: 0 };
    mac.set('fake/doctor.json', doctor.out);
    mac.set(APP_EXE.slice(1), `#!/bin/sh\n{ printf 'pwsync'; printf ' %s' "$@"; echo; } >> /calls.log\ncat /fake/doctor.json\nexit ${doctor.code}\n`);
    await fs.chmod(mac.file(APP_EXE.slice(1)), 0o755);
    await run('cp', [path.join(payload, 'mdm/jamf-extension-attribute.sh'), mac.file('private/tmp/jamf-ea.sh')]);
    mac.calls();
    const kandji = await mac.run(['/usr/local/libexec/pwsync/audit']);
    const calls = mac.calls();
    const jamf = await mac.run(['/bin/sh', '/tmp/jamf-ea.sh']);
    mac.calls();
    return { kandji, calls, jamf };
  }

  it('healthy: the daemon runs and the doctor, run as the person at the screen in their session, says healthy: exit 0', async () => {
    const { kandji, calls, jamf } = await audited({ doctor: await doctorJson(true) });
    expect(kandji).toEqual({ code: 0, stdout: 'pwsync: healthy: the agent runs and pwsync doctor is healthy for alex\n', stderr: '' });
    expect(calls).toEqual([
      'launchctl print system/org.pwsync.agent',
      'stat -f %Su /dev/console',
      `launchctl asuser ${ALEX.uid} sudo -H -u alex ${APP_EXE} doctor --json`,
      `sudo -H -u alex ${APP_EXE} doctor --json`,
      'pwsync doctor --json',
    ]);
    expect(jamf).toEqual({ code: 0, stdout: '<result>healthy: the agent runs and pwsync doctor is healthy for alex</result>\n', stderr: '' });
  });

  it('the daemon down (not loaded, or loaded and not running): exit 1, and the doctor is not asked', async () => {
    const gone = await audited({ agent: null, doctor: await doctorJson(true) });
    expect(gone.kandji).toMatchObject({ code: 1, stdout: 'pwsync: agent not loaded: launchd has no org.pwsync.agent\n' });
    expect(gone.calls).toEqual(['launchctl print system/org.pwsync.agent']);
    expect(gone.jamf).toMatchObject({ code: 0, stdout: '<result>agent not loaded: launchd has no org.pwsync.agent</result>\n' });
    const stopped = await audited({ agent: 'not running', doctor: await doctorJson(true) });
    expect(stopped.kandji).toMatchObject({ code: 1, stdout: 'pwsync: agent not running: launchd has org.pwsync.agent, but it is not running\n' });
    expect(stopped.calls).toEqual(['launchctl print system/org.pwsync.agent']);
  });

  it("the doctor unhealthy (no socket for the person): exit 1, naming the doctor's verdict and exit code", async () => {
    const doctor = await doctorJson(false);
    expect(doctor.code).toBe(3);
    const { kandji, calls, jamf } = await audited({ doctor });
    expect(kandji).toMatchObject({ code: 1, stdout: 'pwsync: unhealthy: pwsync doctor for alex says socketMissing (exit 3)\n' });
    expect(calls.at(-1)).toBe('pwsync doctor --json');
    expect(jamf).toMatchObject({ code: 0, stdout: '<result>unhealthy: pwsync doctor for alex says socketMissing (exit 3)</result>\n' });
  });

  it('nobody signed in: the running daemon is enough; the app missing: not installed', async () => {
    const nobody = await audited({ consoleUser: 'root' });
    expect(nobody.kandji).toMatchObject({ code: 0, stdout: 'pwsync: healthy: the agent runs; nobody is signed in to check the app\n' });
    expect(nobody.calls).toEqual(['launchctl print system/org.pwsync.agent', 'stat -f %Su /dev/console']);

    const { mac, install } = await macWithPackage();
    mac.set('fake/ps', loginwindows(0));
    await install();
    await fs.rm(mac.file('Applications/pwsync.app'), { recursive: true });
    mac.calls();
    expect(await mac.run(['/usr/local/libexec/pwsync/audit'])).toMatchObject({ code: 1, stdout: `pwsync: not installed: ${APP_EXE} is missing\n` });
    expect(mac.calls()).toEqual([]);
  });
});
