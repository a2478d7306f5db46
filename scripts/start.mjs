// npm start: the tray app in demo mode. Builds, starts a sandbox agent on a socket
// in the user's runtime folder, then opens the Electron tray app — or, where the
// Electron binary is not installed, the same UI in a browser page on 127.0.0.1.
// Ctrl-C stops everything this started and removes the socket and practice files.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function demoRuntimeDir() {
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime && runtime.length < 60) return path.join(runtime, 'pwsync-demo');
  return path.join(os.tmpdir(), `pwsync-demo-${os.userInfo().uid}`);
}

/** The Electron executable, if this install has one; never triggers a download. */
function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const executable = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : undefined;
}

const children = new Set();
let stopping = false;
const runtimeDir = demoRuntimeDir();

function cleanUp() {
  rmSync(runtimeDir, { recursive: true, force: true });
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  const exits = [...children].map((child) => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  }));
  await Promise.all(exits);
  cleanUp();
  process.exit(code);
}

function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`pwsync: ${path.basename(args[0] ?? command)} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the demo.`);
      void stop(1);
    }
  });
  return child;
}

async function waitFor(file, ms) {
  const until = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

// PWSYNC_SKIP_BUILD=1 is for tests that built once already.
if (process.env.PWSYNC_SKIP_BUILD !== '1') {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
}

// A fresh practice account each run: the demo starts with one pending change.
cleanUp();
mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
const socketPath = path.join(runtimeDir, 'agent.sock');
const stateDir = path.join(runtimeDir, 'state');
const agent = run(process.execPath, ['dist/agent/cli.cjs', '--socket', socketPath, '--backend', 'sandbox', '--state-dir', stateDir, '--seed-demo', '--allow-new-keychain', '--log-level', 'warn']);
agent.stdout.resume();
await waitFor(socketPath, 10_000);

const electron = electronBinary();
if (electron) {
  console.log('pwsync: starting the tray app in demo mode (practice account; nothing on this computer changes).');
  const app = run(electron, [root], { env: { ...process.env, PWSYNC_SOCKET: socketPath, PWSYNC_DEMO: '1' } });
  app.stdout.pipe(process.stdout);
} else {
  console.log("pwsync: Electron's binary is not installed here, so the tray app's window opens in your browser instead.");
  const host = run(process.execPath, ['dist/web/demo-host.cjs', '--socket', socketPath, '--renderer', 'dist/renderer', '--provider', 'Okta'], {
    env: { ...process.env, PWSYNC_LOG_LEVEL: 'warn' },
  });
  const lines = readline.createInterface({ input: host.stdout });
  lines.once('line', (line) => {
    const { url } = JSON.parse(line);
    console.log(`pwsync demo: open ${url}`);
    console.log('Demo account: the previous password is "autumn-leaves-42", the new one set at Okta is "winter-snow-77". Ctrl-C stops the demo.');
  });
}
