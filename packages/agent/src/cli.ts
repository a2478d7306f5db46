#!/usr/bin/env node
/**
 * pwsync-agent: the reference device agent.
 *
 *   pwsync-agent [--socket PATH] --backend sandbox|linux|darwin --state-dir DIR [--user NAME] [--directory URL …]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SecretFileError, readSecretFile } from '@pwsync/node-kit/secret-file';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AgentService } from './agent-service';
import type { PlatformBackend } from './backends/backend';
import { DarwinBackend } from './backends/darwin';
import { LinuxBackend } from './backends/linux';
import { SafeRunner } from './backends/safe-runner';
import { SandboxBackend } from './backends/sandbox';
import { Platform, systemSocketPath, type SyncStep } from '@pwsync/agent-protocol';
import { seedDemo } from './demo-seed';
import { DirectoryClient, directoryUrlProblem } from './directory-client';
import { connectDirectory } from './directory-sync';
import { ensureSafeFolder, trustedOwners, UnsafeFolderError } from './folder-safety';
import { DEFAULT_ATTEMPT_LIMIT } from './lockout';
import { isLogLevel } from '@pwsync/node-kit/log';
import { createLogger } from '@pwsync/node-kit/logger';
import { AgentServer } from './server';
import { SocketPathError } from './socket-file';
import { runCli, stopSignal } from '@pwsync/node-kit/cli';
import { AGENT_VERSION } from './version';
import { COMMANDS, COMMANDS_USAGE, runCommand } from './daemon/commands';

const USAGE = `${COMMANDS_USAGE}
       pwsync-agent --socket PATH --backend sandbox|linux|darwin --state-dir DIR [options]

With flags alone, serves the pwsync agent protocol to the tray app of one user on a
local socket (the demo, and a single person by hand).

Options:
  --socket PATH       the Unix socket (or Windows named pipe) to listen on; with the linux
                      and darwin backends, the system socket of --user by default
                      (/run/pwsync/UID.sock on Linux, docs/agent-protocol.md)
  --backend NAME      sandbox (a practice account in the state folder), linux or darwin
                      (the real ones: as root, on their own system; docs/backends.md)
  --state-dir DIR     where pending changes, the journal and history are kept
  --user NAME         whose changes this socket serves (default with the sandbox: the user
                      running the agent); required with the linux and darwin backends,
                      which never serve root or a system account
  --directory URL     the directory to check in with: https (plain http only to this computer)
  --device-token-file FILE  this device's token for the directory (with --directory), in a
                      file only its owner may read
  --directory-ca FILE the CA certificate (PEM) the directory's certificate must chain to;
                      only it is trusted then, not the system's CAs (with --directory)
  --checkin-interval S  seconds between check-ins (default 60); changes also arrive at once
                      over the directory's event stream while it can be reached
  --seed-demo         with --backend sandbox: create the practice account and a demo change
  --sandbox-platform NAME  with --backend sandbox: the computer the practice account plays,
                      darwin (default), linux or win32 (the tray app's words follow it)
  --allow-new-keychain  let people who forgot their previous password start over with a
                      new login keychain (the old one is kept for support)
  --attempt-limit N   wrong passwords allowed before the growing lockout (default 5)
  --log-level LEVEL   fatal, error, warn, info (default), debug
  -h, --help          show this help
`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      socket: { type: 'string' },
      backend: { type: 'string' },
      'state-dir': { type: 'string' },
      user: { type: 'string' },
      directory: { type: 'string' },
      'device-token-file': { type: 'string' },
      'directory-ca': { type: 'string' },
      'checkin-interval': { type: 'string' },
      'seed-demo': { type: 'boolean' },
      'sandbox-platform': { type: 'string' },
      'allow-new-keychain': { type: 'boolean' },
      'attempt-limit': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const real = values.backend === 'linux' || values.backend === 'darwin';
  if (!values.socket && !real) throw new UsageError('--socket is required (it has a default only with --backend linux or darwin)');
  if (!values.backend) throw new UsageError('--backend is required');
  if (!['sandbox', 'linux', 'darwin'].includes(values.backend)) throw new UsageError(`--backend must be sandbox, linux or darwin, not "${values.backend}"`);
  if (values['sandbox-platform'] !== undefined && values.backend !== 'sandbox') throw new UsageError('--sandbox-platform works only with --backend sandbox');
  // A root agent without --user would serve root, and set root's password to the person's.
  if (real && !values.user) throw new UsageError(`--user is required with the ${values.backend} backend: the person whose password the agent keeps in step`);
  if (!values['state-dir']) throw new UsageError('--state-dir is required');
  if (values['seed-demo'] && values.backend !== 'sandbox') throw new UsageError('--seed-demo works only with --backend sandbox');
  const sandboxPlatform = values['sandbox-platform'] ?? 'darwin';
  if (!isPlatform(sandboxPlatform)) throw new UsageError(`--sandbox-platform must be darwin, linux or win32, not "${sandboxPlatform}"`);
  let directory: { url: string; tokenFile: string; caFile: string | undefined; intervalMs: number } | undefined;
  if (values.directory !== undefined) {
    let url: URL;
    try {
      url = new URL(values.directory);
    } catch {
      throw new UsageError(`--directory must be a URL, not "${values.directory}"`);
    }
    const problem = directoryUrlProblem(url);
    if (problem) throw new UsageError(`--directory ${problem}`);
    if (!values['device-token-file']) throw new UsageError('--directory needs --device-token-file');
    const seconds = Number(values['checkin-interval'] ?? 60);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 86_400) throw new UsageError('--checkin-interval must be a number of seconds from 1 to 86400');
    const caFile = values['directory-ca'] === undefined ? undefined : path.resolve(values['directory-ca']);
    directory = { url: url.toString(), tokenFile: path.resolve(values['device-token-file']), caFile, intervalMs: seconds * 1000 };
  } else if (values['device-token-file'] || values['checkin-interval'] || values['directory-ca']) {
    throw new UsageError('--device-token-file, --directory-ca and --checkin-interval go with --directory');
  }
  const attemptLimit = Number(values['attempt-limit'] ?? DEFAULT_ATTEMPT_LIMIT);
  if (!Number.isInteger(attemptLimit) || attemptLimit < 1 || attemptLimit > 100) throw new UsageError('--attempt-limit must be a whole number from 1 to 100');
  const level = values['log-level'] ?? 'info';
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be fatal, error, warn, info or debug`);
  return {
    socket: values.socket === undefined ? undefined : path.resolve(values.socket),
    backend: values.backend,
    stateDir: path.resolve(values['state-dir']),
    user: values.user ?? os.userInfo().username,
    seedDemo: values['seed-demo'] ?? false,
    sandboxPlatform,
    directory,
    policy: { attemptLimit, newKeychainAllowed: values['allow-new-keychain'] ?? false },
    level,
  };
}

/** The real backends change this computer's passwords, so they run as root and only on their own system. */
function createBackend(name: string, stateDir: string, sandboxPlatform: Platform): PlatformBackend {
  if (name === 'sandbox') return new SandboxBackend(stateDir, sandboxPlatform);
  if (name !== process.platform) throw new UsageError(`The ${name} backend runs only on ${name}, not on ${process.platform}`);
  if (process.getuid?.() !== 0) throw new UsageError(`The ${name} backend changes system passwords and must run as root`);
  if (name === 'linux') return new LinuxBackend({ runner: new SafeRunner(), stateDir });
  if (name === 'darwin') return new DarwinBackend(new SafeRunner());
  throw new UsageError(`unknown backend ${name}`);
}

/**
 * The crash tests kill the agent at an exact point of a sync: PWSYNC_FAULT_KILL_AT=step:before|after.
 * Honoured only by the sandbox backend, which changes nothing real.
 */
function crashPoint(spec: string | undefined): ((step: SyncStep, moment: 'before' | 'after') => void) | undefined {
  if (!spec) return undefined;
  return (step, moment) => {
    if (`${step}:${moment}` === spec) process.kill(process.pid, 'SIGKILL');
  };
}

/**
 * A root agent serves each user on a socket that user owns; for the user running the
 * agent itself there is nothing to hand over. Node has no getpwnam, so ask id(1).
 */
function socketOwnerFor(user: string): { uid: number; gid: number } | undefined {
  if (process.platform === 'win32' || user === os.userInfo().username) return undefined;
  return accountOf(user);
}

function accountOf(user: string): { uid: number; gid: number } {
  if (process.getuid?.() !== 0) throw new UsageError(`only root can serve another user's socket (--user ${user})`);
  const id = (flag: string) => {
    try {
      return Number(execFileSync('/usr/bin/id', [flag, '--', user], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } }).trim());
    } catch {
      throw new UsageError(`no such user: ${user}`);
    }
  };
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * The real backends change an account's password: never root's, never a system
 * account's. People's uids are those login.defs gives them (UID_MIN to UID_MAX, 1000
 * to 60000 by default); macOS gives people 501 and up.
 */
function refuseSystemAccount(user: string): void {
  const { uid } = accountOf(user);
  if (uid === 0) throw new UsageError('the agent never serves root: give --user the person whose password it keeps in step');
  const [min, max] = process.platform === 'darwin' ? [501, 2 ** 31 - 1] : peopleUids();
  if (uid < min || uid > max) throw new UsageError(`--user ${user} is a system account (uid ${uid}); the agent serves only people, uids ${min} to ${max}`);
}

function peopleUids(): [number, number] {
  let text = '';
  try {
    text = readFileSync('/etc/login.defs', 'utf8');
  } catch {
    // No login.defs: the defaults below are shadow's own.
  }
  const value = (key: string, fallback: number) => Number(new RegExp(`^\\s*${key}\\s+(\\d+)`, 'm').exec(text)?.[1] ?? fallback);
  return [value('UID_MIN', 1000), value('UID_MAX', 60000)];
}

export async function main(argv: string[]): Promise<number> {
  // The computer-wide commands (daemon/commands.ts); flags alone run one person's agent, as the demo and tests do.
  if (argv[0] !== undefined && argv[0] in COMMANDS) return runCommand(argv[0], argv.slice(1));
  let options: ReturnType<typeof parse>;
  try {
    options = parse(argv);
  } catch (error) {
    process.stderr.write(`pwsync-agent: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  let socketOwner: { uid: number; gid: number } | undefined;
  let socketPath: string;
  try {
    if (options.backend !== 'sandbox') refuseSystemAccount(options.user);
    socketOwner = socketOwnerFor(options.user);
    socketPath = options.socket ?? systemSocketPath(process.platform, options.user, socketOwner?.uid ?? os.userInfo().uid);
  } catch (error) {
    process.stderr.write(`pwsync-agent: ${(error as Error).message}\n`);
    return 2;
  }
  const stopped = stopSignal();
  const logger = createLogger({ name: 'pwsync-agent', level: options.level });
  let backend: PlatformBackend;
  try {
    backend = createBackend(options.backend, options.stateDir, options.sandboxPlatform);
  } catch (error) {
    process.stderr.write(`pwsync-agent: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    // Where pending changes and the journal live: nobody but root (or the sandbox's own user) may write there.
    await ensureSafeFolder(options.stateDir, { purpose: 'state folder', owners: trustedOwners(), createMode: 0o700 });
  } catch (error) {
    process.stderr.write(`pwsync-agent: ${(error as Error).message}\n`);
    return 2;
  }
  const service = new AgentService({
    stateDir: options.stateDir,
    user: options.user,
    backend,
    logger,
    version: AGENT_VERSION,
    policy: options.policy,
    checkpoint: options.backend === 'sandbox' ? crashPoint(process.env.PWSYNC_FAULT_KILL_AT) : undefined,
  });
  await service.load();
  let directoryClient: DirectoryClient | undefined;
  if (options.directory) {
    let deviceToken: string;
    let ca: string | undefined;
    try {
      deviceToken = readSecretFile(options.directory.tokenFile, '--device-token-file').trim();
    } catch (error) {
      process.stderr.write(`pwsync-agent: ${error instanceof SecretFileError ? error.message : 'cannot read --device-token-file'}\n`);
      return 2;
    }
    if (options.directory.caFile) {
      try {
        ca = await readFile(options.directory.caFile, 'utf8');
      } catch (error) {
        process.stderr.write(`pwsync-agent: cannot read --directory-ca ${options.directory.caFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`);
        return 2;
      }
      if (!/-----BEGIN CERTIFICATE-----/.test(ca)) {
        process.stderr.write(`pwsync-agent: --directory-ca ${options.directory.caFile} must hold a PEM certificate\n`);
        return 2;
      }
    }
    directoryClient = new DirectoryClient({ url: options.directory.url, deviceToken, ca, logger, intervalMs: options.directory.intervalMs });
    connectDirectory(service, directoryClient, logger);
  }
  // With a directory the demo change comes from it, as from the identity provider.
  if (options.seedDemo) await seedDemo(options.stateDir, service, { queueChange: !directoryClient });
  const server = new AgentServer({ socketPath, service, logger, demo: options.backend === 'sandbox', socketOwner });
  try {
    await server.listen();
  } catch (error) {
    // A folder or path the agent will not use is the administrator's to fix: exit 2, which the service unit does not restart.
    if (error instanceof UnsafeFolderError || error instanceof SocketPathError) {
      process.stderr.write(`pwsync-agent: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`pwsync-agent: cannot listen on ${socketPath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}\n`);
    return 1;
  }
  directoryClient?.start();
  logger.info('shutting down', { signal: await stopped });
  directoryClient?.stop();
  await server.close();
  logger.flush();
  return 0;
}

runCli('pwsync-agent', main);

function isPlatform(name: string): name is Platform {
  return Platform.options.includes(name as Platform);
}
