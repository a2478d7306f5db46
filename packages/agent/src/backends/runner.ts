/**
 * How a backend runs a program: the request every runner (the real one and the
 * recording one tests use) accepts, and the checks both make before anything runs.
 * The rules are PLATFORMS.md's: absolute paths, no shell, a scrubbed environment,
 * secrets only on standard input, lengths in UTF-8 bytes.
 */
import path from 'node:path';

export interface RunRequest {
  /** An absolute path: never looked up on PATH, never through a shell. */
  program: string;
  /** Verbs, flags, user names and paths only: never a secret. */
  args: readonly string[];
  /** Whose USER/HOME/LOGNAME the child sees; with uid/gid it also runs as that user. */
  user: { name: string; home: string; uid?: number; gid?: number };
  /** A few named variables a program needs (XDG_RUNTIME_DIR, say); never a secret. */
  env?: Readonly<Record<string, string>>;
  /** The secret channel: written once, then the stream is ended and the buffer zeroed. */
  stdin?: Buffer;
  timeoutMs?: number;
  maxStdinBytes?: number;
  maxOutputBytes?: number;
}

export interface RunResult {
  /** The exit code, or null when the child was killed or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The errno code when the program could not be started (ENOENT, EACCES). */
  spawnError: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface Runner {
  run(request: RunRequest): Promise<RunResult>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_STDIN_BYTES = 16 * 1024;
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
/** sbin first: chpasswd and cryptsetup live there, and a child may look up its helpers. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A request the runner refuses before spawning; the message names the rule, never a value. */
export class RunRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunRefused';
  }
}

/** The whole environment the child gets: nothing of the agent's own is inherited. */
export function childEnv(request: RunRequest): Record<string, string> {
  return { ...request.env, PATH: SAFE_PATH, USER: request.user.name, LOGNAME: request.user.name, HOME: request.user.home };
}

export function checkRequest(request: RunRequest): void {
  if (!path.isAbsolute(request.program)) throw new RunRefused('the program must be an absolute path');
  const env = childEnv(request);
  // execve cannot carry NUL; a script given with -e may span lines, a variable may not.
  if ([request.program, ...request.args].some((text) => text.includes('\0'))) throw new RunRefused('an argument holds NUL');
  const vars = [...Object.keys(env), ...Object.values(env)];
  if (vars.some((text) => /[\0\n]/.test(text))) throw new RunRefused('a variable holds NUL or a line break');
  if (request.stdin) {
    if (request.stdin.includes(0)) throw new RunRefused('standard input holds a NUL byte');
    if (request.stdin.length > (request.maxStdinBytes ?? DEFAULT_MAX_STDIN_BYTES)) throw new RunRefused('standard input is over its byte limit');
  }
}

/**
 * Builds the secret channel from lines. Every channel here is a C string or a line,
 * so a secret with NUL or a line break is refused (before anything runs), and the
 * limit is in UTF-8 bytes, never characters.
 */
export function secretLines(lines: readonly string[], options: { maxBytes: number; finalNewline: boolean }): Buffer {
  if (lines.some((line) => /[\0\n\r]/.test(line))) throw new RunRefused('a secret holds NUL or a line break');
  const text = lines.join('\n') + (options.finalNewline ? '\n' : '');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > options.maxBytes) {
    bytes.fill(0);
    throw new RunRefused('a secret is over the byte limit of its channel');
  }
  return bytes;
}

/** The short, value-free description of a failed run that goes into errors and logs. */
export function describeRun(result: RunResult): string {
  if (result.spawnError) return `could not start (${result.spawnError})`;
  if (result.timedOut) return 'timed out';
  if (result.signal) return `killed by ${result.signal}`;
  return `exit ${result.exitCode ?? '?'}`;
}
