// npm start: the tray app in demo mode. Builds, then starts the reference directory
// on 127.0.0.1 with a demo user, a sandbox agent enrolled as this computer (its
// socket in the user's runtime folder), sends the identity provider's first password
// change over SCIM, and opens the Electron tray app — or, where the Electron binary is
// not installed, the same window in a browser page on 127.0.0.1.
//
// One demo a person: the runtime folder is where `npm run idp` and `pwsync doctor
// --demo` find the demo without being told (demo.json, agent-protocol/src/demo-state.ts),
// so a second npm start refuses, saying which demo runs and where, rather than taking
// over the first one's folder (which removed its socket and state when it stopped) or
// making a second folder those two would have to choose between.
// Ctrl-C stops everything this started and removes the socket and practice files.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
/** Set once this run owns the runtime folder; only then is anything in it removed. */
let ownFolder;

function cleanUp() {
  if (ownFolder) rmSync(ownFolder, { recursive: true, force: true });
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

// PWSYNC_SKIP_BUILD=1 is for tests that built once already. The demo's own programs are
// built first, alone (esbuild, well under a second): the folder is claimed with them,
// before the window is rebuilt under a demo that may already be running.
const build = (only) => execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet', ...(only ? [`--only=${only}`] : [])], { stdio: 'inherit' });
if (process.env.PWSYNC_SKIP_BUILD !== '1') build('demo');

const demoModule = createRequire(import.meta.url)(path.join(root, 'packages/demo/dist/stack.cjs'));
const { startDemoStack, DEMO_PASSWORD_CYCLE, DEMO_USER, DEMO_STATE_FILE, demoRuntimeDir, claimDemoFolder, writeDemoState } = demoModule;
const runtimeDir = demoRuntimeDir();
const electron = electronBinary();
const policyFile = process.env.PWSYNC_DEMO_POLICY ? path.resolve(process.env.PWSYNC_DEMO_POLICY) : undefined;
const record = {
  pid: process.pid,
  startedAt: new Date().toISOString(),
  folder: runtimeDir,
  socketPath: path.join(runtimeDir, 'agent.sock'),
  directory: null,
  tray: electron ? 'electron' : 'browser',
  window: null,
  appLog: path.join(runtimeDir, 'logs', 'main.log'),
  policy: policyFile ? { file: policyFile } : { identityProvider: 'Okta' },
};

let claim;
try {
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  claim = claimDemoFolder(runtimeDir, record);
} catch (error) {
  console.error(`pwsync: the demo's folder ${runtimeDir} cannot be used (${error.code ?? error.message}); nothing was started.`);
  process.exit(1);
}
if (!claim.claimed) {
  console.error(refusal(claim.current));
  process.exit(1);
}
ownFolder = runtimeDir;
// A fresh practice account each run: what an earlier demo that did not stop cleanly left goes.
for (const entry of readdirSync(runtimeDir)) if (entry !== DEMO_STATE_FILE) rmSync(path.join(runtimeDir, entry), { recursive: true, force: true });

/** Which demo has the folder, and what to do: words for a second npm start. */
function refusal(current) {
  if (current.kind !== 'running') return `pwsync: another npm start is setting up a demo in ${runtimeDir} at this moment; wait for it, or stop it, then run npm start again.`;
  const { demo } = current;
  return [
    `pwsync: a demo is already running (npm start, process ${demo.pid}, since ${demo.startedAt}), in ${demo.folder}.`,
    demo.window
      ? `Its window: ${demo.window}`
      : demo.tray === 'electron'
        ? 'Its tray app is running: look for pwsync in the menu bar or the system tray.'
        : 'It is still starting; its terminal shows the address of its window in a moment.',
    'Use that one, or stop it with Ctrl-C in its terminal and run npm start again.',
    `If no demo is running there (after a restart another program can have process number ${demo.pid}), remove ${demo.folder} and run npm start again.`,
  ].join('\n');
}

if (process.env.PWSYNC_SKIP_BUILD !== '1') build();

try {
  stack = await startDemoStack({ root, runtimeDir, agentArgs: ['--allow-new-keychain'] });
} catch (error) {
  console.error(`pwsync: the demo could not start: ${error.message}`);
  await stop(1);
}
watch(stack.directory.child, 'directory');
watch(stack.agent.child, 'agent');
record.directory = { url: stack.directory.url, scimTokenFile: stack.tokenFile };
writeDemoState(runtimeDir, record);
console.log(`pwsync demo: running in ${runtimeDir}; what runs where is in ${path.join(runtimeDir, DEMO_STATE_FILE)}, where npm run idp and npm run doctor -- --demo find it.`);
console.log(`pwsync demo: the directory is at ${stack.directory.url} (its SCIM token in ${stack.tokenFile}). To change the password as Okta would: npm run idp -- set-password ${DEMO_USER}`);

// What the demo's tray app reads (packages/demo/src/demo-shell.ts); the browser demo takes
// its socket, policy and log as flags and the identity provider's variables only.
const appEnv = {
  ...process.env,
  PWSYNC_DEMO_SOCKET: stack.socketPath,
  PWSYNC_DEMO_TRAY_ROOT: path.join(root, 'packages/tray'),
  PWSYNC_DEMO_LOG_DIR: path.dirname(record.appLog),
  PWSYNC_DEMO_DIRECTORY: stack.directory.url,
  PWSYNC_DEMO_TOKEN_FILE: stack.tokenFile,
  PWSYNC_DEMO_USER: stack.userName,
};
const practice = `Practice account: the previous password is "autumn-leaves-42"; the first change sets "${DEMO_PASSWORD_CYCLE[0]}", and each simulated change the next of ${DEMO_PASSWORD_CYCLE.slice(1).map((p) => `"${p}"`).join(', ')}.`;

if (electron) {
  console.log('pwsync: starting the tray app in demo mode (a practice account; nothing on this computer changes).');
  // The demo's own entry (this package's "main", dist/electron-main.cjs), not the tray
  // package's, which is the installed app's and knows no demo.
  const app = watch(spawn(electron, [path.join(root, 'packages/demo')], { env: appEnv, stdio: ['ignore', 'inherit', 'inherit'] }), 'tray app');
  void app;
  console.log(practice);
} else {
  console.log("pwsync: Electron's binary is not installed here, so the tray app's window opens in your browser instead.");
  const hostArgs = ['packages/demo/dist/demo-host.cjs', '--socket', stack.socketPath, '--renderer', 'packages/tray/dist/renderer', '--provider', 'Okta', '--log-file', record.appLog];
  if (policyFile) hostArgs.push('--policy', policyFile);
  const host = watch(
    spawn(process.execPath, hostArgs, {
      env: { ...appEnv, PWSYNC_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
    'browser demo',
  );
  readline.createInterface({ input: host.stdout }).once('line', (line) => {
    const { url } = JSON.parse(line);
    record.window = url;
    writeDemoState(runtimeDir, record);
    console.log(`pwsync demo: open ${url}`);
    console.log(`${practice} Ctrl-C stops the demo.`);
  });
}
