/**
 * The demo's back end, as npm start and the whole-chain tests run it: the reference
 * directory on 127.0.0.1 (plain HTTP, which the directory allows on loopback only), a
 * demo user, this computer enrolled as their device the one way there is (an
 * enrolment code from the admin API, exchanged on the device API), and a sandbox agent
 * that checks in with the directory and holds its event stream. Then the identity
 * provider's first password change is sent over SCIM, exactly as Okta would, so the
 * tray app starts with one change to confirm.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { DEVICE_API, DeviceEnrolment, EnrolmentAnswer } from '@pwsync/device-api';
import { createUser, type IdpTarget, setPassword } from './idp-client';

import { demoRuntimeDir } from '@pwsync/agent-protocol';
import { DEMO_PASSWORD_CYCLE } from './demo-identity-provider';

// The folder npm start uses is the one `pwsync doctor --demo` looks in: one definition;
// and what npm start says there about itself, read by npm run idp and the doctor.
export { DEMO_PASSWORD_CYCLE, demoRuntimeDir };
export { claimDemoFolder, DEMO_STATE_FILE, writeDemoState } from '@pwsync/agent-protocol/demo-state';
export const DEMO_USER = 'alex@example.com';

export interface DemoProcess {
  child: ChildProcess;
  /** Everything it printed, for tests that search all output for passwords. */
  output(): string;
  /** Sends the signal (SIGTERM by default; SIGKILL after 3 s) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface DemoStack {
  directory: DemoProcess & { url: string };
  agent: DemoProcess;
  socketPath: string;
  stateDir: string;
  /** The SCIM token's file (the identity provider's credential). */
  tokenFile: string;
  /** The admin API's token (enrolment codes, devices, sync on and off). */
  adminToken: string;
  userName: string;
  /** Enrols another device of the demo user; returns its token file. */
  enrollDevice(name: string): Promise<string>;
  idp: IdpTarget;
  stop(): Promise<void>;
}

export interface DemoStackOptions {
  root: string;
  runtimeDir: string;
  agentArgs?: string[];
  agentEnv?: Record<string, string>;
  /** Seconds between the agent's check-ins (default 60). */
  checkinInterval?: number;
  /** Send the first password change at start (npm start does; tests choose). */
  firstChange?: boolean;
  logLevel?: string;
}

/** Runs one of our Node programs from `root`, keeping what it prints. */
export function runNode(root: string, args: string[], env: Record<string, string> = {}): DemoProcess {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Writes a fresh random token into `file` (0600) unless it is there from an earlier run. */
function tokenFile(file: string): string {
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  return file;
}

/** Starts the directory; `port` 0 picks a free one (a restart passes the one it had). */
export async function startDirectory(
  root: string,
  runtimeDir: string,
  logLevel = 'warn',
  port = 0,
): Promise<DemoProcess & { url: string; tokenFile: string; adminTokenFile: string }> {
  const scimTokenFile = tokenFile(path.join(runtimeDir, 'directory.token'));
  const adminTokenFile = tokenFile(path.join(runtimeDir, 'directory-admin.token'));
  // Few PBKDF2 and crypt rounds: the practice hashes protect nothing, and the demo should feel instant.
  const directory = runNode(root, [
    'packages/directory/dist/cli.cjs', '--listen', `127.0.0.1:${port}`, '--db', path.join(runtimeDir, 'directory.db'),
    '--scim-token-file', scimTokenFile, '--admin-token-file', adminTokenFile, '--pbkdf2-iterations', '10000', '--crypt-rounds', '5000', '--log-level', logLevel,
  ]);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: directory.child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    directory.child.once('exit', () => reject(new Error(`the directory did not start: ${directory.output()}`)));
  });
  return { ...directory, url, tokenFile: scimTokenFile, adminTokenFile };
}

/** The directory and its admin token, for the administrator's side of enrolment. */
export interface AdminTarget {
  directory: string;
  token: string;
}

/**
 * Enrols a device as an administrator and a device do it: the administrator makes a
 * single-use enrolment code (MDM would deliver it), the device exchanges it for its
 * own token, written to `tokenFile` (0600).
 */
export async function enrollDevice(admin: AdminTarget, userName: string, deviceName: string, tokenFile: string, platform: DeviceEnrolment['platform'] = 'darwin'): Promise<void> {
  const made = await fetch(new URL('/api/v1/enrolment-codes', admin.directory), {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userName, label: deviceName }),
  });
  if (made.status !== 201) throw new Error(`the directory refused to make an enrolment code for ${userName}: ${made.status}`);
  const { code } = (await made.json()) as { code: string };
  const request: DeviceEnrolment = { code, deviceName, platform };
  const response = await fetch(new URL(DEVICE_API.enrol, admin.directory), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  if (response.status !== 201) throw new Error(`the directory refused to enrol ${deviceName}: ${response.status}`);
  const { deviceToken } = EnrolmentAnswer.parse(await response.json());
  writeFileSync(tokenFile, `${deviceToken}\n`, { mode: 0o600 });
}

export async function startAgent(root: string, options: { socketPath: string; stateDir: string; directory: string; deviceTokenFile: string; args?: string[]; env?: Record<string, string>; logLevel?: string }): Promise<DemoProcess> {
  const agent = runNode(root, [
    'packages/agent/dist/cli.cjs', '--socket', options.socketPath, '--backend', 'sandbox', '--state-dir', options.stateDir, '--seed-demo',
    '--directory', options.directory, '--device-token-file', options.deviceTokenFile, '--log-level', options.logLevel ?? 'warn', ...(options.args ?? []),
  ], options.env);
  const until = Date.now() + 10_000;
  while (!existsSync(options.socketPath)) {
    if (agent.child.exitCode !== null) throw new Error(`the agent did not start: ${agent.output()}`);
    if (Date.now() > until) throw new Error('the agent did not start listening');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return agent;
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  mkdirSync(options.runtimeDir, { recursive: true, mode: 0o700 });
  const directory = await startDirectory(options.root, options.runtimeDir, options.logLevel);
  const idp: IdpTarget = { directory: directory.url, token: readFileSync(directory.tokenFile, 'utf8').trim() };
  const admin: AdminTarget = { directory: directory.url, token: readFileSync(directory.adminTokenFile, 'utf8').trim() };
  await createUser(idp, DEMO_USER);
  const deviceTokenFile = path.join(options.runtimeDir, 'device.token');
  await enrollDevice(admin, DEMO_USER, 'This Mac', deviceTokenFile);
  const socketPath = path.join(options.runtimeDir, 'agent.sock');
  const stateDir = path.join(options.runtimeDir, 'state');
  const agent = await startAgent(options.root, {
    socketPath,
    stateDir,
    directory: directory.url,
    deviceTokenFile,
    args: [...(options.agentArgs ?? []), ...(options.checkinInterval ? ['--checkin-interval', String(options.checkinInterval)] : [])],
    env: options.agentEnv,
    logLevel: options.logLevel,
  });
  if (options.firstChange ?? true) await setPassword(idp, DEMO_USER, DEMO_PASSWORD_CYCLE[0]);
  let devices = 1;
  return {
    directory,
    agent,
    socketPath,
    stateDir,
    tokenFile: directory.tokenFile,
    adminToken: admin.token,
    userName: DEMO_USER,
    idp,
    async enrollDevice(name) {
      devices += 1;
      const file = path.join(options.runtimeDir, `device-${devices}.token`);
      await enrollDevice(admin, DEMO_USER, name, file);
      return file;
    },
    async stop() {
      await agent.stop();
      await directory.stop();
    },
  };
}
