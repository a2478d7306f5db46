/**
 * Runs things as another real uid, for the tests of who may reach the agent's socket.
 * The tests run as root; `setpriv` drops to any uid, with or without an account
 * (65534 is `nobody`, an unnamed uid such as 54321 is "another user" that owns nothing).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { BUILT } from './processes';

const run = promisify(execFile);

export const NOBODY = 65534;
/** A uid with no account: another user of the computer, as far as the agent can tell. */
export const STRANGER = 54321;

export const isRoot = process.getuid?.() === 0;

function asUid(uid: number): string[] {
  return ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--'];
}

/** A command as that uid; resolves with its exit code and output. */
export async function runAs(uid: number, command: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [program, ...args] = [...asUid(uid), ...command];
  try {
    const { stdout, stderr } = await run(program!, args, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Connects as that uid and sends `initialize`; reports what happened: refused by the
 * kernel (with its code), connected and answered, or connected and closed unanswered.
 */
const HANDSHAKE = `
const net = require('net');
const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '1.0', client: { name: 'probe', version: '0' } } });
const socket = net.createConnection(process.argv[1]);
let text = '';
const report = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); };
// A reset after connecting (the agent closed while our bytes were in flight) is a close, not a refusal.
let connected = false;
socket.on('error', (e) => report(connected ? { outcome: 'closed' } : { outcome: 'refused', code: e.code }));
socket.on('connect', () => { connected = true; socket.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body); });
socket.on('data', (d) => { text += d; const at = text.indexOf('\\r\\n\\r\\n'); if (at !== -1 && text.length > at + 4) { try { report({ outcome: 'answered', reply: JSON.parse(text.slice(at + 4)) }); } catch {} } });
socket.on('close', () => report({ outcome: 'closed' }));
setTimeout(() => report({ outcome: 'silent' }), 15000);
`;

export type HandshakeOutcome = { outcome: 'refused'; code: string } | { outcome: 'answered'; reply: Record<string, unknown> } | { outcome: 'closed' } | { outcome: 'silent' };

export async function handshakeAs(uid: number, socketPath: string): Promise<HandshakeOutcome> {
  const result = await runAs(uid, [process.execPath, '-e', HANDSHAKE, socketPath]);
  if (result.code !== 0) throw new Error(`the probe failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as HandshakeOutcome;
}

/**
 * As that uid, tries to connect over and over until the deadline; prints how often it
 * connected. This is how a waiting attacker would catch a socket before its mode is set.
 */
const RACER = `
const net = require('net');
const deadline = Date.now() + Number(process.argv[2]);
let connected = 0, tries = 0;
(function attempt() {
  if (Date.now() > deadline) { process.stdout.write(JSON.stringify({ connected, tries })); process.exit(0); }
  tries++;
  const s = net.createConnection(process.argv[1]);
  s.on('connect', () => { connected++; s.destroy(); setImmediate(attempt); });
  s.on('error', () => setImmediate(attempt));
})();
`;

export function raceAs(uid: number, socketPath: string, durationMs: number): { child: ChildProcess; result: Promise<{ connected: number; tries: number }> } {
  const [program, ...args] = [...asUid(uid), process.execPath, '-e', RACER, socketPath, String(durationMs)];
  const child = spawn(program!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const result = new Promise<{ connected: number; tries: number }>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { connected: number; tries: number }) : reject(new Error(`the racer exited ${code}`)))),
  );
  return { child, result };
}

export interface AgentRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** The built agent, as root (with `umask`, when given, applied first), until it listens or exits. */
export async function startBuiltAgent(args: string[], options: { umask?: string; waitFor?: string } = {}): Promise<AgentRun> {
  const command = options.umask
    ? spawn('/bin/sh', ['-c', `umask ${options.umask} && exec "$0" "$@"`, process.execPath, BUILT.agent, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, [BUILT.agent, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  command.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  command.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => command.once('exit', (code) => resolve(code)));
  const run: AgentRun = {
    child: command,
    output: () => output,
    exited,
    stop: async () => {
      if (command.exitCode === null && command.signalCode === null) command.kill('SIGTERM');
      return exited;
    },
  };
  if (options.waitFor) {
    const until = Date.now() + 10_000;
    while (!existsSync(options.waitFor) || !output.includes('listening')) {
      if (command.exitCode !== null) break;
      if (Date.now() > until) throw new Error(`the agent did not start listening: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return run;
}
