// npm start: the tray app in demo mode. Builds, then starts the reference directory
// on 127.0.0.1 with a demo user, a sandbox agent enrolled as this computer (its
// socket in the user's runtime folder), sends the identity provider's first password
// change over SCIM, and opens the Electron tray app — or, where the Electron binary is
// not installed, the same window in a browser page on 127.0.0.1.
// Ctrl-C stops everything this started and removes the socket and practice files.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);

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
let stack;

function cleanUp() {
  if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  await Promise.all([...children].map(stopChild));
  await stack?.stop();
  cleanUp();
  process.exit(code);
}

/** Any part stopping on its own ends the demo: half a demo would only mislead. */
function watch(child, name) {
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      console.error(`pwsync: the ${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the demo.`);
      void stop(1);
    }
  });
  return child;
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
let runtimeDir;

// PWSYNC_SKIP_BUILD=1 is for tests that built once already.
if (process.env.PWSYNC_SKIP_BUILD !== '1') {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { stdio: 'inherit' });
}

const { startDemoStack, DEMO_PASSWORD_CYCLE, demoRuntimeDir } = createRequire(import.meta.url)(path.join(root, 'packages/demo/dist/stack.cjs'));
runtimeDir = demoRuntimeDir();
// A fresh practice account each run: the demo starts with one pending change.
cleanUp();
try {
  stack = await startDemoStack({ root, runtimeDir, agentArgs: ['--allow-new-keychain'] });
} catch (error) {
  console.error(`pwsync: the demo could not start: ${error.message}`);
  await stop(1);
}
watch(stack.directory.child, 'directory');
watch(stack.agent.child, 'agent');

// What the demo's tray app reads (packages/demo/src/demo-shell.ts); the browser demo takes
// its socket as a flag and the identity provider's variables only.
const appEnv = {
  ...process.env,
  PWSYNC_DEMO_SOCKET: stack.socketPath,
  PWSYNC_DEMO_TRAY_ROOT: path.join(root, 'packages/tray'),
  PWSYNC_DEMO_DIRECTORY: stack.directory.url,
  PWSYNC_DEMO_TOKEN_FILE: stack.tokenFile,
  PWSYNC_DEMO_USER: stack.userName,
};
const practice = `Practice account: the previous password is "autumn-leaves-42"; the first change sets "${DEMO_PASSWORD_CYCLE[0]}", and each simulated change the next of ${DEMO_PASSWORD_CYCLE.slice(1).map((p) => `"${p}"`).join(', ')}.`;

const electron = electronBinary();
if (electron) {
  console.log('pwsync: starting the tray app in demo mode (a practice account; nothing on this computer changes).');
  // The demo's own entry (this package's "main", dist/electron-main.cjs), not the tray
  // package's, which is the installed app's and knows no demo.
  const app = watch(spawn(electron, [path.join(root, 'packages/demo')], { env: appEnv, stdio: ['ignore', 'inherit', 'inherit'] }), 'tray app');
  void app;
  console.log(practice);
} else {
  console.log("pwsync: Electron's binary is not installed here, so the tray app's window opens in your browser instead.");
  const host = watch(
    spawn(process.execPath, ['packages/demo/dist/demo-host.cjs', '--socket', stack.socketPath, '--renderer', 'packages/tray/dist/renderer', '--provider', 'Okta'], {
      env: { ...appEnv, PWSYNC_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
    'browser demo',
  );
  readline.createInterface({ input: host.stdout }).once('line', (line) => {
    const { url } = JSON.parse(line);
    console.log(`pwsync demo: open ${url}`);
    console.log(`${practice} Ctrl-C stops the demo.`);
  });
}
