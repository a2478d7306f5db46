import { execFile } from 'node:child_process';
import { mkdirSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MacDiagnostics, PROTOCOL_VERSION } from '@pwsync/agent-protocol';
import { type DemoState, writeDemoState } from '@pwsync/agent-protocol/demo-state';
import { createLogger } from '@pwsync/node-kit/logger';
import { rotatingFile } from '@pwsync/node-kit/rotating-file';
import { type Harness, startHarness, USER } from '@pwsync/testing/agent-harness';
import { BUILT, makeTempDir } from '@pwsync/testing/processes';
import { frame } from '@pwsync/testing/raw-socket';
import { keychainOnAnotherPassword } from '@pwsync/testing/seed';
import { createCore } from '../core/create-core';
import { silentLogger } from '@pwsync/node-kit/log';
import { runDoctor } from './run-doctor';

const PREVIOUS = 'doctor-Previous-1!';
const NEXT = 'doctor-Next-2?';
const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * This test's own runtime and configuration folders, so the doctor finds no demo and no
 * app log of anyone else's on this machine (another npm start, a real tray app).
 */
let env: { XDG_RUNTIME_DIR: string; XDG_CONFIG_HOME: string };
beforeEach(() => {
  const dir = makeTempDir('pwv-');
  env = { XDG_RUNTIME_DIR: path.join(dir, 'run'), XDG_CONFIG_HOME: path.join(dir, 'config') };
  mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
});

async function doctor(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runDoctor(argv, { write: (text) => (out += text), env, appVersion: '9.9.9', platform: 'linux' });
  return { code, out };
}

/** The folder npm start would use under this test's runtime folder, and a record in it as npm start writes one. */
function demoRecord(fields: Partial<DemoState> = {}): { folder: string; record: DemoState } {
  const folder = path.join(env.XDG_RUNTIME_DIR, 'pwsync-demo');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  // This process stands in for npm start, so the demo counts as running.
  const record: DemoState = { pid: process.pid, startedAt: '2025-03-01T09:00:00.000Z', folder, ...fields };
  writeDemoState(folder, record);
  return { folder, record };
}

/** A tray app's core logging as the app does (JSON lines, as pwsync-app) to `file`, against the agent at `socketPath`. */
async function appLoggingTo(file: string, socketPath: string) {
  const logger = createLogger({ name: 'pwsync-app', destination: rotatingFile({ file, maxBytes: 1024 * 1024 }) });
  const core = createCore({ socketPath, demo: true, appVersion: '9.9.9', logger, retryDelaysMs: [50] });
  cleanups.push(() => core.stop());
  core.start();
  await new Promise<void>((resolve) => core.on('stateChanged', (s) => s.phase === 'pending' && resolve()));
  return core;
}

/**
 * Accepts a connection and hangs up at once: a socket that is there, with nothing behind
 * it that speaks; `folderMode` 0o777 puts it in a folder anyone can write.
 */
async function silentSocket(folderMode?: number): Promise<string> {
  const dir = makeTempDir('pwd-');
  if (folderMode !== undefined) await fs.chmod(dir, folderMode);
  const socketPath = path.join(dir, 'agent.sock');
  const server = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  await fs.chmod(socketPath, 0o600);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }), () => new Promise((r) => server.close(r)));
  return socketPath;
}

async function harness(options?: Parameters<typeof startHarness>[2]): Promise<Harness> {
  const h = await startHarness({ previous: PREVIOUS, next: NEXT }, undefined, options);
  cleanups.push(() => h.remove());
  return h;
}

/** A socket in a folder anyone can write: someone could have put it there. */
function untrustedSocket(): Promise<string> {
  return silentSocket(0o777);
}

/** Answers initialize as an agent from a future major version would. */
async function futureAgent(): Promise<string> {
  const dir = makeTempDir('pwd-');
  const socketPath = path.join(dir, 'agent.sock');
  const server = net.createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      const match = /Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (!match) return;
      const body = buffer.slice(match.index + match[0].length, match.index + match[0].length + Number(match[1]));
      if (body.length < Number(match[1])) return;
      const { id } = JSON.parse(body) as { id: number };
      socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32003, message: 'unsupported protocol version', data: { supported: ['2.0'] } } })));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  await fs.chmod(socketPath, 0o600);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }), () => new Promise((r) => server.close(r)));
  return socketPath;
}

describe('pwsync doctor', () => {
  it('against a live agent: healthy (exit 0), with versions, pending change, last results and policy, and no password', async () => {
    const h = await harness();
    // One refused attempt first, so the agent has something in its history and a password went by.
    const core = createCore({ socketPath: h.socketPath, demo: true, appVersion: '9.9.9', logger: silentLogger, retryDelaysMs: [50] });
    core.start();
    await new Promise<void>((resolve) => core.on('stateChanged', (s) => s.phase === 'pending' && resolve()));
    await core.confirmChange({ changeId: h.change.id, previousPassword: 'wrong-Previous-9', newPassword: NEXT });
    core.stop();

    const { code, out } = await doctor('--socket', h.socketPath, '--demo');
    expect(code).toBe(0);
    expect(out).toContain(`Socket:     ${h.socketPath}`);
    expect(out).toMatch(/exists: +yes/);
    expect(out).toMatch(/trusted: +yes/);
    expect(out).toMatch(/reachable: +yes/);
    expect(out).toContain(`protocol:   ${PROTOCOL_VERSION}`);
    expect(out).toContain('App:        pwsync 9.9.9 on linux');
    expect(out).toMatch(/Agent: +0\.1\.0, sandbox backend, user \S+, demo/);
    expect(out).toContain(`pending:    ${h.change.id} from Okta since ${h.change.createdAt} (confirm)`);
    expect(out).toMatch(/attempts: +\d+ left/);
    // Demo mode: the policy npm start's tray app uses, not the defaults.
    expect(out).toContain('Policy:     from demo policy');
    expect(out).toContain('app:    none yet');
    expect(out).toContain('Result:     healthy (exit 0)');
    expect(out).not.toContain(PREVIOUS);
    expect(out).not.toContain(NEXT);
    expect(out).not.toContain('wrong-Previous-9');
  });

  it("says why the agent's last sync failed, in its words, and no password", async () => {
    const h = await harness();
    // The practice keychain is on some other password, so the keychain step fails.
    await keychainOnAnotherPassword(h.stateDir, USER);
    const core = createCore({ socketPath: h.socketPath, demo: true, appVersion: '9.9.9', logger: silentLogger, retryDelaysMs: [50] });
    core.start();
    await new Promise<void>((resolve) => core.on('stateChanged', (s) => s.phase === 'pending' && resolve()));
    await core.confirmChange({ changeId: h.change.id, previousPassword: PREVIOUS, newPassword: NEXT });
    core.stop();
    const { out } = await doctor('--socket', h.socketPath, '--demo');
    expect(out).toMatch(new RegExp(`${h.change.id} failed at keychain: The login keychain is not on the previous password\n`));
    const json = JSON.parse((await doctor('--socket', h.socketPath, '--demo', '--json')).out);
    expect(json.agent.lastResults[0]).toMatchObject({ outcome: 'failed', failedStep: 'keychain', failureReason: 'The login keychain is not on the previous password' });
    for (const text of [out, JSON.stringify(json)]) {
      expect(text).not.toContain(PREVIOUS);
      expect(text).not.toContain(NEXT);
    }
  });

  it("shows what a Mac's password depends on, as the darwin backend reports it: SecureToken, FileVault, Platform SSO, the bootstrap token", async () => {
    const mac: MacDiagnostics = {
      accountKind: 'local',
      secureToken: false,
      fileVault: 'on',
      fileVaultUser: false,
      platformSSO: { device: 'registered', user: 'none', loginType: 'POLoginTypePassword (1)' },
      bootstrapToken: { supportedOnServer: true, escrowedToServer: false },
    };
    const h = await harness({ backendDiagnostics: { mac } });
    const { code, out } = await doctor('--socket', h.socketPath, '--demo');
    expect(code).toBe(0);
    expect(out).toContain(
      [
        'Mac:',
        '  account:          local',
        '  SecureToken:      no',
        '  FileVault:        on, does not unlock for this person',
        '  Platform SSO:     device registered, not for this person (POLoginTypePassword (1))',
        '  bootstrap:        its token is not escrowed to the MDM (the MDM supports it)',
        '  note:             no SecureToken, so this person cannot unlock FileVault at start-up (support guide: "A Mac account without a SecureToken")',
      ].join('\n'),
    );
    const json = JSON.parse((await doctor('--socket', h.socketPath, '--demo', '--json')).out);
    expect(json.agent.mac).toEqual(mac);

    // What it cannot find out is said so, and an escrowed token as such; no note where FileVault is off.
    const unknownMac: MacDiagnostics = {
      accountKind: null,
      secureToken: null,
      fileVault: 'off',
      fileVaultUser: null,
      platformSSO: { device: null, user: null, loginType: null },
      bootstrapToken: { supportedOnServer: true, escrowedToServer: true },
    };
    const other = await harness({ backendDiagnostics: { mac: unknownMac } });
    const text = (await doctor('--socket', other.socketPath, '--demo')).out;
    expect(text).toMatch(/account: +not known\n +SecureToken: +not known\n +FileVault: +off\n +Platform SSO: +device not known, user not known\n +bootstrap: +its token is escrowed to the MDM\n/);
    expect(text).not.toContain('note:');
  });

  it("on a Mac, a missing or silent agent's next step is the package's: the audit, its log, launchctl kickstart", async () => {
    let out = '';
    const write = (text: string) => (out += text);
    expect(await runDoctor(['--socket', path.join(env.XDG_RUNTIME_DIR, 'none.sock')], { write, env, appVersion: '9.9.9', platform: 'darwin' })).toBe(3);
    expect(out).toContain('Next step:  The pwsync agent is not running for this user. An administrator runs sudo /usr/local/libexec/pwsync/audit and reads /Library/Logs/pwsync/pwsync-agent.log');
    out = '';
    const silent = await silentSocket();
    expect(await runDoctor(['--socket', silent], { write, env, appVersion: '9.9.9', platform: 'darwin' })).toBe(5);
    expect(out).toContain('sudo launchctl kickstart -k system/org.pwsync.agent');
  });

  it('shows no Mac section for an agent whose backend reports none', async () => {
    const h = await harness();
    const { out } = await doctor('--socket', h.socketPath, '--demo');
    expect(out).not.toContain('Mac:');
    expect(JSON.parse((await doctor('--socket', h.socketPath, '--demo', '--json')).out).agent.mac).toBeNull();
  });

  it('--json gives one object a script can read', async () => {
    const h = await harness();
    const { code, out } = await doctor('--socket', h.socketPath, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      verdict: 'healthy',
      exitCode: 0,
      app: { version: '9.9.9', platform: 'linux', protocolVersion: PROTOCOL_VERSION },
      socket: { path: h.socketPath, exists: true, trusted: true, reachable: true, protocolVersion: PROTOCOL_VERSION },
      agent: { version: '0.1.0', backend: 'sandbox', pendingChange: { id: h.change.id, provider: 'Okta' } },
      policy: { source: 'defaults', problems: [] },
      demo: null,
      supportCode: null,
    });
    expect(Object.values(report.policy.sources)).toEqual(Array(7).fill('default'));
    // No tray app has run for this user here: no log is named that is not there.
    expect(report.logs.app).toBeNull();
  });

  it('with no socket: exit 3 and what to do', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const { code, out } = await doctor('--socket', path.join(dir, 'agent.sock'));
    expect(code).toBe(3);
    expect(out).toMatch(/exists: +no/);
    expect(out).toContain('Result:     socketMissing (exit 3)');
    expect(out).toContain('Next step:  The pwsync agent is not running');
  });

  it('with an untrusted socket (a world-writable folder): exit 4, says why, and sends nothing', async () => {
    const socketPath = await untrustedSocket();
    const { code, out } = await doctor('--socket', socketPath);
    expect(code).toBe(4);
    expect(out).toMatch(/trusted: +no \(others can write in the socket's folder\)/);
    expect(out).toMatch(/reachable: +not checked/);
  });

  it('with a socket nobody listens on (a crashed agent): exit 5', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const socketPath = path.join(dir, 'agent.sock');
    const gone = net.createServer();
    await new Promise<void>((resolve) => gone.listen(socketPath, resolve));
    await fs.chmod(socketPath, 0o600);
    // Closing the server without removing the file, as a crash would leave it.
    await fs.link(socketPath, `${socketPath}.kept`);
    await new Promise((r) => gone.close(r));
    await fs.rm(socketPath, { force: true });
    await fs.rename(`${socketPath}.kept`, socketPath);
    const { code, out } = await doctor('--socket', socketPath);
    expect(code).toBe(5);
    expect(out).toMatch(/trusted: +yes/);
    expect(out).toMatch(/reachable: +no/);
    expect(out).toContain('Result:     agentUnreachable (exit 5)');
  });

  it('with an agent of another major protocol version: exit 6', async () => {
    const socketPath = await futureAgent();
    const { code, out } = await doctor('--socket', socketPath, '--demo');
    expect(code).toBe(6);
    expect(out).toContain('Result:     versionMismatch (exit 6)');
  });

  it('reports a bad policy file field by field', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'policy.json');
    await fs.writeFile(file, JSON.stringify({ organization: 'Example Corp', reminderIntervalHours: 'often' }));
    const { out } = await doctor('--socket', path.join(dir, 'none.sock'), '--policy', file);
    expect(out).toContain(`Policy:     from ${file}`);
    expect(out).toContain(`organization: "Example Corp" (from ${file})`);
    expect(out).toContain('reminderIntervalHours: 4 (default)');
    expect(out).toContain(`Not used: reminderIntervalHours (invalid) in ${file}`);
  });

  it('refuses unknown options, naming the option, with the usage, exit 2', async () => {
    const { code, out } = await doctor('--frobnicate');
    expect(code).toBe(2);
    expect(out).toMatch(/^pwsync doctor: unknown option --frobnicate\n\nUsage: pwsync doctor/);
    for (const [argv, problem] of [
      [['--demo', '-x'], 'unknown option -x'],
      [['--socket'], '--socket needs a value'],
      [['--socket', '--json'], '--socket needs a value'],
      [['--json=yes'], '--json takes no value'],
      [['status'], 'unexpected argument status'],
    ] as const) {
      const refused = await doctor(...argv);
      expect(refused.code, argv.join(' ')).toBe(2);
      expect(refused.out, argv.join(' ')).toContain(`pwsync doctor: ${problem}\n`);
    }
    expect((await doctor('--socket=/tmp/none.sock', '--json')).code).toBe(3);
  });

  it('never says reachable above an agent it did not reach: a refused version is an answer, a socket that hangs up is not', async () => {
    const refusing = await doctor('--socket', await futureAgent(), '--demo');
    expect(refusing.code).toBe(6);
    expect(refusing.out).toContain(`  reachable:  yes (the agent answered, and refused this app's protocol version ${PROTOCOL_VERSION})`);
    expect(refusing.out).toContain("Agent:      answered, but refused this protocol version; nothing more was asked");
    const silent = await doctor('--socket', await silentSocket(), '--demo');
    expect(silent.code).toBe(5);
    expect(silent.out).toContain('  reachable:  no (the socket takes connections, but no agent answered the handshake)');
    expect(silent.out).toContain('Agent:      not reached');
    const missing = await doctor('--socket', path.join(env.XDG_RUNTIME_DIR, 'none.sock'));
    for (const { out } of [refusing, silent, missing]) expect(/reachable: +yes/.test(out) && /Agent: +not reached/.test(out)).toBe(false);
    expect(JSON.parse((await doctor('--socket', await silentSocket(), '--demo', '--json')).out).socket).toMatchObject({ reachable: false, reachDetail: 'the socket takes connections, but no agent answered the handshake' });
  });

  it("in demo mode reports the policy the demo's tray app uses: its own, or the file npm start gave it", async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const none = await doctor('--demo', '--socket', path.join(dir, 'none.sock'));
    expect(none.out).toContain('Policy:     from demo policy');
    expect(none.out).toContain('  organization: "Example Corp"');
    expect(none.out).toContain('  supportContact: "IT Help Desk, extension 4357"');
    const file = path.join(dir, 'policy.json');
    await fs.writeFile(file, JSON.stringify({ organization: 'Acme Ltd', identityProvider: 'Entra ID' }));
    demoRecord({ policy: { file } });
    const given = await doctor('--demo', '--socket', path.join(dir, 'none.sock'));
    expect(given.out).toContain(`Policy:     from ${file}`);
    expect(given.out).toContain('  organization: "Acme Ltd"');
    // Without --demo it is the installed app's: the system's file, or the defaults.
    expect((await doctor('--socket', path.join(dir, 'none.sock'))).out).toContain('Policy:     from defaults');
  });

  it("names the app's log only when it is there, and shows the support code of the app's latest report from it", async () => {
    const h = await harness();
    const none = await doctor('--socket', h.socketPath);
    expect(none.out).toContain('  app:    none yet\n');
    expect(none.out).toContain('Support:    no code yet: there is no app log to read it from');
    // The installed app's log where Electron puts it (XDG_CONFIG_HOME/pwsync/logs on Linux).
    const file = path.join(env.XDG_CONFIG_HOME, 'pwsync', 'logs', 'main.log');
    const core = await appLoggingTo(file, h.socketPath);
    const quiet = await doctor('--socket', h.socketPath);
    expect(quiet.out).toContain(`  app:    ${file}\n`);
    expect(quiet.out).toContain("Support:    no code yet: the app's log holds no diagnostics report. Open Help in pwsync to make one, then run this again.");
    const report = await core.diagnostics();
    const { out } = await doctor('--socket', h.socketPath);
    expect(out).toMatch(new RegExp(`Support: +code ${report.supportCode}, of the app's latest diagnostics report \\(made \\d{4}-\\d\\d-\\d\\dT`));
    expect(JSON.parse((await doctor('--socket', h.socketPath, '--json')).out).supportCode).toMatchObject({ code: report.supportCode });
    // The same state, asked again: the same code, in the report and from the doctor.
    expect((await core.diagnostics()).supportCode).toBe(report.supportCode);
    // A wrong try changes the state: the doctor follows the app's newest report.
    await core.confirmChange({ changeId: h.change.id, previousPassword: 'wrong-Previous-9', newPassword: NEXT });
    const after = await core.diagnostics();
    expect(after.supportCode).not.toBe(report.supportCode);
    const later = await doctor('--socket', h.socketPath);
    expect(later.out).toContain(`code ${after.supportCode}`);
    for (const text of [out, later.out, await fs.readFile(file, 'utf8')]) {
      expect(text).not.toContain(NEXT);
      expect(text).not.toContain('wrong-Previous-9');
    }
  });

  it('in demo mode finds the demo from its record: its socket, its log and the code logged there, and says which demo it is', async () => {
    const h = await harness();
    const { folder } = demoRecord({ socketPath: h.socketPath, appLog: path.join(env.XDG_RUNTIME_DIR, 'pwsync-demo', 'logs', 'main.log') });
    const core = await appLoggingTo(path.join(folder, 'logs', 'main.log'), h.socketPath);
    const report = await core.diagnostics();
    const { code, out } = await doctor('--demo');
    expect(code).toBe(0);
    expect(out).toContain(`Demo:       npm start, process ${process.pid}, since 2025-03-01T09:00:00.000Z, in ${folder}`);
    expect(out).toContain(`Socket:     ${h.socketPath}`);
    expect(out).toContain(`  app:    ${path.join(folder, 'logs', 'main.log')}\n`);
    expect(out).toContain("  agent:  none: the demo's agent keeps no log file");
    expect(out).toContain(`Support:    code ${report.supportCode},`);
  });

  it('with no demo running: says so, and that npm start starts one, not to restart the computer or reinstall', async () => {
    const { code, out } = await doctor('--demo');
    expect(code).toBe(3);
    const folder = path.join(env.XDG_RUNTIME_DIR, 'pwsync-demo');
    expect(out).toContain(`Demo:       none running (there is no ${folder}/demo.json)`);
    expect(out).toContain(`Socket:     ${folder}/agent.sock`);
    expect(out).toContain("Next step:  No demo agent is running for this user. Start the demo with npm start (in pwsync's source folder), then run this again.");
    expect(out).not.toMatch(/[Rr]estart the computer|reinstall/);
    // Nor for a demo that stopped without cleaning up: it is named as stopped.
    const gone = await new Promise<number>((resolve) => {
      const child = execFile(process.execPath, ['-e', ''], () => resolve(child.pid!));
    });
    demoRecord({ pid: gone });
    const stale = await doctor('--demo');
    expect(stale.out).toContain(`Demo:       none running: the one that wrote ${folder}/demo.json (process ${gone}) has stopped`);
    expect(stale.out).toContain('Start the demo with npm start');
  });

  it('ships as dist/doctor.cjs, runnable with plain Node, exit code and all', async () => {
    const dir = makeTempDir('pwd-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile(process.execPath, [BUILT.doctor, '--json', '--socket', path.join(dir, 'x.sock')], (_error, stdout) =>
        resolve({ code: child.exitCode, out: stdout }),
      );
    });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out)).toMatchObject({ verdict: 'socketMissing', exitCode: 3 });
  });
});
