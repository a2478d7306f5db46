/**
 * A directory instance as the load tool runs it: the real CLI in its own process, on
 * loopback, with production hash costs unless told otherwise, and the loop probe
 * loaded so its event loop can be read from outside.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ROOT, writeTokenFiles } from '../directory-harness';

/** What the loop probe (loop-probe.mjs) reads in the directory's process. */
export interface LoopReading {
  /** The longest the event loop was held since the last reset. */
  maxStallMs: number;
  p99Ms: number;
  rssKiB: number;
}

export interface Instance {
  url: string;
  child: ChildProcess;
  /** Starts a new measuring window. */
  resetLoop(): Promise<void>;
  /** The window's longest stall and the process's memory. */
  readLoop(): Promise<LoopReading>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

const here = path.dirname(new URL(import.meta.url).pathname);

/**
 * `args` come after the defaults: --listen 127.0.0.1:PORT, the database (--db DIR/directory.db,
 * or PostgreSQL through `databaseUrlFile`), the two tokens, --log-level warn.
 */
export async function startInstance(dir: string, args: string[] = [], port = 0, databaseUrlFile?: string): Promise<Instance> {
  const tokens = writeTokenFiles(dir);
  const database = databaseUrlFile ? ['--database-url-file', databaseUrlFile] : ['--db', path.join(dir, 'directory.db')];
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...(process.env.PWSYNC_LOAD_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.PWSYNC_LOAD_CPU_PROF] : []), '--import', 'tsx', '--import', path.join(here, 'loop-probe.mjs'), path.join(ROOT, 'packages/directory/src/cli.ts'), '--listen', `127.0.0.1:${port}`, ...database, '--scim-token-file', tokens.scim, '--admin-token-file', tokens.admin, '--log-level', 'warn', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', () => reject(new Error(`the directory exited: ${output}`)));
  });
  let nextId = 1;
  const ask = <T>(probe: 'read' | 'reset') =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      const listener = (message: { probeId?: number; reading?: T }) => {
        if (message.probeId !== id) return;
        child.off('message', listener);
        resolve(message.reading as T);
      };
      child.on('message', listener);
      child.send({ probe, id });
    });
  return {
    url,
    child,
    resetLoop: () => ask<void>('reset'),
    readLoop: () => ask<LoopReading>('read'),
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
    output: () => output,
  };
}
