/**
 * What a running demo says about itself: demo.json in its runtime folder (demoRuntimeDir,
 * beside the demo agent's socket), readable by this user only. npm start writes it and
 * removes it with the folder when it stops; `npm run idp` reads it to find the demo's
 * directory without being told, `pwsync doctor --demo` to report the demo's policy and
 * log, and a second npm start to say which demo is running and where, instead of taking
 * over its folder.
 *
 * It holds where things are, never a password or the directory's token: that stays in
 * its own file, which this one only names. The window's address carries the page's
 * token, as npm start printed it: the token keeps other web pages from driving the demo,
 * and no web page can read a file.
 *
 * It lives here, beside demoRuntimeDir, because the tray's doctor and the demo both read
 * it and neither may import the other.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const DEMO_STATE_FILE = 'demo.json';

/** Where the demo's tray app takes its policy from: a file an administrator would write, or the demo's own. */
const DemoPolicySource = z.union([z.object({ file: z.string() }), z.object({ identityProvider: z.string() })]);

// Loose on purpose: a demo from another checkout may write more or less, and a record
// that names a live process must still count as a running demo (see readDemoState).
export const DemoState = z.object({
  /** npm start's process. */
  pid: z.number().int().positive(),
  startedAt: z.string(),
  folder: z.string(),
  socketPath: z.string().nullish(),
  /** Null while the demo is starting. */
  directory: z.object({ url: z.string(), scimTokenFile: z.string() }).nullish(),
  /** Which window the demo opened: the Electron tray app, or the page in a browser. */
  tray: z.enum(['electron', 'browser']).nullish(),
  /** The browser demo's address as npm start printed it; null for the Electron tray app and while starting. */
  window: z.string().nullish(),
  /** The tray app's log file. */
  appLog: z.string().nullish(),
  policy: DemoPolicySource.nullish(),
});
export type DemoState = z.infer<typeof DemoState>;

export type DemoRun =
  | { kind: 'none'; file: string }
  | { kind: 'running'; file: string; demo: DemoState }
  /** The process that wrote it is gone (killed, or the computer restarted): what it left is no one's. */
  | { kind: 'stale'; file: string; demo: DemoState }
  | { kind: 'unreadable'; file: string };

export function demoStateFile(runtimeDir: string): string {
  return path.join(runtimeDir, DEMO_STATE_FILE);
}

/** Whether a process of that number exists (signal 0 checks and sends nothing). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's; only ESRCH says it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readDemoState(runtimeDir: string, alive: (pid: number) => boolean = processAlive): DemoRun {
  const file = demoStateFile(runtimeDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'none', file } : { kind: 'unreadable', file };
  }
  let parsed;
  try {
    parsed = DemoState.safeParse(JSON.parse(text));
  } catch {
    return { kind: 'unreadable', file };
  }
  if (!parsed.success) return { kind: 'unreadable', file };
  // A live process of that number is taken for the demo: after a restart another program
  // can have it, and then the refusal says how to clear the folder. The other way round
  // (a live demo taken for gone) would delete its socket and state under it.
  return { kind: alive(parsed.data.pid) ? 'running' : 'stale', file, demo: parsed.data };
}

/** Replaces the record whole (written beside it, then renamed), so a reader never sees half of one. */
export function writeDemoState(runtimeDir: string, demo: DemoState): void {
  const file = demoStateFile(runtimeDir);
  const partial = `${file}.${process.pid}.tmp`;
  writeNew(partial, demo, 'w');
  renameSync(partial, file);
}

export type Claim = { claimed: true } | { claimed: false; current: DemoRun };

/**
 * Makes `demo` the folder's demo, unless another is running there. The record is created
 * exclusively, so of two npm starts at once only one gets the folder; a record whose
 * process is gone (or that cannot be read) is removed first, and the caller then clears
 * what that demo left.
 */
export function claimDemoFolder(runtimeDir: string, demo: DemoState, alive: (pid: number) => boolean = processAlive): Claim {
  const file = demoStateFile(runtimeDir);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    // Written whole beside it, then linked into place: a link fails if the name exists,
    // and the file a link makes is complete, so no reader takes a half-written claim for a broken one.
    const partial = `${file}.${process.pid}.claim`;
    writeNew(partial, demo, 'w');
    try {
      linkSync(partial, file);
      return { claimed: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(partial, { force: true });
    }
    const current = readDemoState(runtimeDir, alive);
    if (current.kind === 'running') return { claimed: false, current };
    rmSync(file, { force: true });
  }
  // Another npm start took the folder between our two tries.
  return { claimed: false, current: readDemoState(runtimeDir, alive) };
}

function writeNew(file: string, demo: DemoState, flags: 'w' | 'wx'): void {
  const fd = openSync(file, flags, 0o600);
  try {
    writeSync(fd, `${JSON.stringify(DemoState.parse(demo), null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
}
