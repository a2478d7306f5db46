/**
 * The computer-wide commands of pwsync-agent (docs/install.md):
 *
 *   pwsync-agent serve  [--config FILE]      the daemon, as its service unit starts it
 *   pwsync-agent enroll [--directory URL] (--code CODE | --code-file FILE) [--name NAME] [--config FILE]
 *   pwsync-agent status [--json] [--config FILE]
 *
 * Exit codes: 0 done; 1 a failure that may pass (the directory unreachable: the unit
 * restarts the daemon); 2 something the administrator must fix (the unit does not
 * restart it); 3 from status: the daemon is not running.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Platform } from '@pwsync/device-api';
import { createLogger } from '@pwsync/node-kit/logger';
import { stopSignal } from '@pwsync/node-kit/cli';
import type { PlatformBackend } from '../backends/backend';
import { DarwinBackend } from '../backends/darwin';
import { LinuxBackend } from '../backends/linux';
import { SafeRunner } from '../backends/safe-runner';
import { CONFIG_FILE, type AgentSettings } from '../config/agent-config';
import { ConfigError } from '../config/config-file';
import { loadAgentSettings, type ProfileProblem } from '../config/managed-config';
import { directoryUrlProblem } from '../directory-url';
import { UnsafeFolderError } from '../folder-safety';
import { SocketPathError } from '../socket-file';
import { AGENT_VERSION } from '../version';
import { askStatus, type DaemonStatus } from './control-channel';
import { Daemon, enrolComputer, StartRefused } from './daemon';
import { DirectoryCallError } from './machine-client';
import { RecordError, readMachineRecord } from './machine-record';

export const COMMANDS_USAGE = `Usage: pwsync-agent serve  [--config FILE]
       pwsync-agent enroll [--directory URL] (--code CODE | --code-file FILE) [--name NAME] [--config FILE]
       pwsync-agent status [--json] [--config FILE]

serve    serves every person of this computer (as root; its service unit starts it),
         configured by ${CONFIG_FILE} (docs/install.md)
enroll   registers this computer with the directory once, with an enrolment code, and
         keeps its token where only root can read it
status   whether this computer is enrolled, whether the directory can be reached, and
         whom the running agent serves (--json: the same for a program)
`;

class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const say = (text: string) => process.stdout.write(`${text}\n`);
const complain = (text: string) => process.stderr.write(`pwsync-agent: ${text}\n`);

function requireRoot(what: string): void {
  if (process.platform !== 'win32' && process.getuid?.() !== 0) throw new CommandError(`${what} must run as root (sudo pwsync-agent …)`, 2);
}

/**
 * The settings every command uses: the file's, and on a Mac a computer profile's over
 * them (managed-config.ts). A profile's bad value only falls back to the file's, so its
 * problems are for the daemon to log, never a refusal.
 */
async function settingsFrom(file: string, profileProblems: ProfileProblem[] = []): Promise<AgentSettings> {
  try {
    const loaded = await loadAgentSettings(file);
    profileProblems.push(...loaded.problems);
    return loaded.settings;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnsafeFolderError) throw new CommandError(error.message, 2);
    throw error;
  }
}

async function readCa(settings: AgentSettings): Promise<string | undefined> {
  const file = settings.directory.caFile;
  if (!file) return undefined;
  let ca: string;
  try {
    ca = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandError(`cannot read "directory.caFile" ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); put the directory's CA certificate there, or remove the setting`, 2);
  }
  if (!/-----BEGIN CERTIFICATE-----/.test(ca)) throw new CommandError(`"directory.caFile" ${file} must hold a PEM certificate`, 2);
  return ca;
}

function platformOf(settings: AgentSettings): Platform {
  const name = settings.backend.name ?? (process.platform === 'darwin' ? 'darwin' : 'linux');
  if (name !== process.platform) throw new CommandError(`"backend.name" is ${name}, but this computer runs ${process.platform}; remove the setting or set it to ${process.platform}`, 2);
  return name;
}

function backendFor(platform: Platform, settings: AgentSettings): PlatformBackend {
  if (platform === 'linux') return new LinuxBackend({ runner: new SafeRunner(), stateDir: settings.folders.state });
  return new DarwinBackend(new SafeRunner());
}

/** Why a refusal at start is the administrator's to fix (2) or may pass (1). */
function exitFor(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  if (error instanceof StartRefused || error instanceof UnsafeFolderError || error instanceof SocketPathError || error instanceof RecordError || error instanceof ConfigError) return new CommandError(error.message, 2);
  if (error instanceof DirectoryCallError) return new CommandError(`cannot enrol: ${error.message}`, 1);
  return new CommandError(`could not start (${(error as Error).name})`, 1);
}

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { config: { type: 'string' } } });
  requireRoot('the agent serves every person of this computer, and so');
  const profileProblems: ProfileProblem[] = [];
  const settings = await settingsFrom(values.config ?? CONFIG_FILE, profileProblems);
  const platform = platformOf(settings);
  const ca = await readCa(settings);
  const logger = createLogger({ name: 'pwsync-agent', level: settings.logLevel });
  for (const { source, field, problem } of profileProblems) logger.warn('a managed setting is not applied', { source, field: field || undefined, problem });
  const stopped = stopSignal();
  const daemon = new Daemon({ settings, backend: backendFor(platform, settings), logger, version: AGENT_VERSION, platform, ca });
  try {
    await daemon.start();
  } catch (error) {
    await daemon.stop().catch(() => undefined);
    throw exitFor(error);
  }
  logger.info('shutting down', { signal: await stopped });
  await daemon.stop();
  logger.flush();
  return 0;
}

async function enroll(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { config: { type: 'string' }, directory: { type: 'string' }, code: { type: 'string' }, 'code-file': { type: 'string' }, name: { type: 'string' } },
  });
  requireRoot('enroll keeps the computer\'s token where only root can read it, and so');
  const settings = await settingsFrom(values.config ?? CONFIG_FILE);
  const url = values.directory ?? settings.directory.url;
  if (!url) throw new CommandError('enroll needs --directory URL (or "directory.url" in agent.json)', 2);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CommandError(`--directory must be a URL such as https://pwsync.example.com, not "${url}"`, 2);
  }
  const problem = directoryUrlProblem(parsed);
  if (problem) throw new CommandError(`--directory ${problem}`, 2);
  if (settings.directory.url && new URL(settings.directory.url).toString() !== parsed.toString()) {
    throw new CommandError(`agent.json names the directory ${settings.directory.url}, not ${url}; change "directory.url" or leave --directory out`, 2);
  }
  if (values.code !== undefined && values['code-file'] !== undefined) throw new CommandError('give --code or --code-file, not both', 2);
  let code = values.code ?? settings.directory.enrolmentCode;
  if (values['code-file'] !== undefined) {
    code = (await readFile(values['code-file'], 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CommandError(`cannot read --code-file ${values['code-file']} (${error.code ?? 'error'})`, 2);
    })).trim();
  }
  if (!code) throw new CommandError('enroll needs --code CODE (or --code-file FILE): the enrolment code the directory\'s administrator made', 2);
  const platform = platformOf(settings);
  const ca = await readCa(settings);
  // Only warnings reach the terminal: the sentence below says what happened.
  const logger = createLogger({ name: 'pwsync-agent', level: 'warn' });
  try {
    const record = await enrolComputer({ stateDir: settings.folders.state, url, code, ca, platform, machineName: values.name, logger });
    say(`Enrolled this computer with ${record.directory} as ${record.machineName} (${record.machineId}), ${record.userName ? `for ${record.userName} only` : 'for any user the rule maps'}.`);
    say(`Start the agent, or restart it if it runs: ${process.platform === 'darwin' ? 'launchctl kickstart -k system/org.pwsync.agent' : 'systemctl restart pwsync-agent'}`);
    return 0;
  } catch (error) {
    throw exitFor(error);
  } finally {
    logger.flush();
  }
}

function when(iso: string | null): string {
  return iso ?? 'never';
}

export function describeStatus(status: DaemonStatus): string {
  const { enrolment, directory } = status;
  const lines = [
    `pwsync agent ${status.version}, running since ${status.startedAt}`,
    `Enrolled: yes, as ${enrolment.machineName} (${enrolment.machineId}) with ${enrolment.directory}, ${enrolment.userName ? `for ${enrolment.userName} only` : 'for any user'}, since ${enrolment.enrolledAt}`,
    directory.reachable === true
      ? `Directory: reachable (checked ${when(directory.checkedAt)})`
      : directory.reachable === false
        ? `Directory: NOT reachable: ${directory.reason} (checked ${when(directory.checkedAt)})`
        : 'Directory: not checked yet',
    `People served: ${status.people.length}`,
  ];
  for (const person of status.people) {
    const sync = person.lastSync ? `${person.lastSync.outcome} ${person.lastSync.changeId} at ${person.lastSync.finishedAt}` : 'none yet';
    const waiting = person.waitingChange ? `${person.waitingChange.id} from ${person.waitingChange.createdAt} (${person.waitingChange.mode})` : 'none';
    lines.push(`  ${person.localAccount} (uid ${person.uid}) as ${person.userName}`);
    lines.push(`    socket ${person.socket}, device ${person.deviceId}`);
    lines.push(`    directory ${person.directory.state}, last check-in ${when(person.directory.lastCheckIn)}; last sync: ${sync}; waiting change: ${waiting}`);
  }
  if (status.notServed.length > 0) {
    lines.push(`Not served: ${status.notServed.length}`);
    for (const entry of status.notServed) lines.push(`  ${entry.localAccount}: ${entry.reason}`);
  }
  return lines.join('\n');
}

async function status(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { config: { type: 'string' }, json: { type: 'boolean' } } });
  const settings = await settingsFrom(values.config ?? CONFIG_FILE);
  const reply = await askStatus(settings.folders.sockets);
  if (reply.running) {
    say(values.json ? JSON.stringify({ running: true, ...reply.status }, null, 2) : describeStatus(reply.status));
    return 0;
  }
  // The daemon is not there to ask: what the files say, for root.
  let enrolment: { directory: string; machineId: string; machineName: string; userName: string | null } | null = null;
  let enrolmentNote: string;
  try {
    const record = await readMachineRecord(settings.folders.state);
    if (record) enrolment = { directory: record.directory, machineId: record.machineId, machineName: record.machineName, userName: record.userName };
    enrolmentNote = record ? `Enrolled: yes, as ${record.machineName} (${record.machineId}) with ${record.directory}` : 'Enrolled: no (pwsync-agent enroll --directory URL --code CODE)';
  } catch (error) {
    enrolmentNote = `Enrolled: cannot tell (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  const reason = `the pwsync agent is not running: ${reply.reason}; start it with systemctl start pwsync-agent, and see why it stopped with journalctl -u pwsync-agent`;
  if (values.json) say(JSON.stringify({ running: false, reason, enrolment }, null, 2));
  else say(`${reason}\n${enrolmentNote}`);
  return 3;
}

export const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { serve, enroll, status };

export async function runCommand(name: string, argv: string[]): Promise<number> {
  try {
    return await COMMANDS[name]!(argv);
  } catch (error) {
    if (error instanceof CommandError) {
      complain(error.message);
      return error.exitCode;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      complain(`${(error as Error).message}\n\n${COMMANDS_USAGE}`);
      return 2;
    }
    throw error;
  }
}
