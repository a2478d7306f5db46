/**
 * Starts the real programs for cross-folder tests: the agent (built CLI) and the
 * browser demo host. Every byte they print is kept, so tests can search all output
 * for the test passwords.
 */
import { existsSync, mkdtempSync, promises as fs } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type DemoProcess, runNode } from '@pwsync/demo/stack';

/** The repository's root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What `npm run build` makes, where the tests run it from. */
export const BUILT = {
  agent: path.join(ROOT, 'packages/agent/dist/cli.cjs'),
  directory: path.join(ROOT, 'packages/directory/dist/cli.cjs'),
  demoHost: path.join(ROOT, 'packages/demo/dist/demo-host.cjs'),
  demoStack: path.join(ROOT, 'packages/demo/dist/stack.cjs'),
  idp: path.join(ROOT, 'packages/demo/dist/idp.cjs'),
  doctor: path.join(ROOT, 'packages/tray/dist/doctor.cjs'),
  renderer: path.join(ROOT, 'packages/tray/dist/renderer'),
  trayDist: path.join(ROOT, 'packages/tray/dist'),
} as const;

export type Running = DemoProcess;

function start(args: string[], env: Record<string, string> = {}): Running {
  return runNode(ROOT, args, env);
}

/** A short folder under /tmp: Unix socket paths must stay under 108 bytes. */
export function makeTempDir(prefix = 'pws-'): string {
  return mkdtempSync(path.join('/tmp', prefix));
}

/** `extra`: more CLI flags (e.g. --allow-new-keychain); `env`: e.g. PWSYNC_FAULT_KILL_AT=account:after. */
export async function startAgent(
  dir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<Running & { socketPath: string; stateDir: string }> {
  const socketPath = path.join(dir, 'agent.sock');
  const stateDir = path.join(dir, 'state');
  const running = start([BUILT.agent, '--socket', socketPath, '--backend', 'sandbox', '--state-dir', stateDir, '--log-level', 'debug', ...extra], env);
  const until = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
    if (running.child.exitCode !== null) throw new Error(`the agent exited: ${running.output()}`);
    if (Date.now() > until) throw new Error('the agent did not start listening');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { ...running, socketPath, stateDir };
}

/** `extra`: more flags, e.g. ['--policy', file] to run under an administrator's policy; `env`: e.g. the PWSYNC_DEMO_* variables. */
export async function startDemoHost(socketPath: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Running & { url: string }> {
  const running = start([BUILT.demoHost, '--socket', socketPath, '--renderer', BUILT.renderer, '--provider', 'Okta', ...extra], env);
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: running.child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    running.child.once('exit', () => reject(new Error(`the demo host exited: ${running.output()}`)));
  });
  return { ...running, url };
}

/** Every file under a folder, as text, for searching. */
export async function readAllFiles(dir: string): Promise<string> {
  let text = '';
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    text += await fs.readFile(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return text;
}
