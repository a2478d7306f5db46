/**
 * One agent per computer, as root, serving every person on it (docs/install.md).
 *
 * A person "appears" when their account is in the account database (ROOT/etc/passwd)
 * as a person (accounts.ts: a people's uid by login.defs, a shell to sign in with, not
 * excluded) and the administrator's rule maps them to a directory user who is active
 * there; not when they sign in. On Linux the agent applies a change to the account
 * itself as it arrives, so that the new password opens the login screen: it must be
 * serving the person while nobody is signed in, and the login screen is exactly when.
 * They "go" when their account leaves the database, stops being a person, or the rule
 * no longer maps them: their socket is removed, their binding at the directory undone
 * and their state folder deleted.
 *
 * The database is re-read when /etc changes (useradd, userdel and vipw replace
 * /etc/passwd by renaming a new file over it, which the folder's watch sees) and every
 * minute besides, which also retries people the directory could not be asked about.
 *
 * Each person gets their own AgentService (their state in STATE/users/NAME), their own
 * socket (SOCKETS/UID.sock, theirs and 0600), and their own device at the directory
 * with its own token and event stream: nothing one person's change does can reach
 * another's state, socket or account.
 */
import { type FSWatcher, promises as fs, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Platform } from '@pwsync/device-api';
import type { Logger, LogFields } from '@pwsync/node-kit/log';
import { type AgentPolicy, AgentService } from '../agent-service';
import type { PlatformBackend } from '../backends/backend';
import { type DirectoryMatch, type LocalAccount, readAccountDatabase, type ServedAccount, servedAccounts } from '../config/accounts';
import type { AgentSettings } from '../config/agent-config';
import { DirectoryClient } from '../directory-client';
import { connectDirectory } from '../directory-sync';
import { ensureSafeFolder, trustedOwners } from '../folder-safety';
import { AgentServer } from '../server';
import { CONTROL_SOCKET, ControlServer, type DaemonStatus, type PersonStatus } from './control-channel';
import { DirectoryCallError, MachineClient } from './machine-client';
import { type Binding, boundAccounts, type MachineRecord, readBinding, readMachineRecord, removeBinding, writeBinding, writeMachineRecord } from './machine-record';

/** The start cannot go on until the administrator acts: the sentence says how. Exit 2: systemd does not restart it. */
export class StartRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartRefused';
  }
}

export interface DaemonOptions {
  settings: AgentSettings;
  backend: PlatformBackend;
  logger: Logger;
  version: string;
  platform: Platform;
  /** The directory's CA (PEM), read from settings.directory.caFile. */
  ca?: string;
  /** The root whose account database is read: `/` on a computer; a throw-away root in tests. */
  systemRoot?: string;
  rereadIntervalMs?: number;
}

interface Person {
  account: LocalAccount;
  binding: Binding;
  service: AgentService;
  server: AgentServer;
  client: DirectoryClient;
  socketPath: string;
}

function normalUrl(url: string): string {
  return new URL(url).toString();
}

/** Enrols this computer with a code and keeps the machine's token (root's alone); used by `enroll` and by a start with a configured code. */
export async function enrolComputer(options: { stateDir: string; url: string; code: string; ca?: string; platform: Platform; machineName?: string; logger: Logger }): Promise<MachineRecord> {
  await ensureSafeFolder(options.stateDir, { purpose: 'state folder', owners: trustedOwners(), createMode: 0o700 });
  const existing = await readMachineRecord(options.stateDir);
  if (existing) {
    throw new StartRefused(`this computer is already enrolled with ${existing.directory} as ${existing.machineId}; to enrol it again, have the directory's administrator remove that machine, delete ${path.join(options.stateDir, 'machine.json')}, and run enroll again`);
  }
  const client = new MachineClient({ url: options.url, ca: options.ca });
  const machineName = options.machineName ?? os.hostname();
  try {
    const answer = await client.enrol(options.code, machineName, options.platform);
    const record: MachineRecord = {
      directory: normalUrl(options.url),
      machineId: answer.machineId,
      machineToken: answer.machineToken,
      machineName,
      platform: options.platform,
      userName: answer.userName,
      enrolledAt: new Date().toISOString(),
    };
    await writeMachineRecord(options.stateDir, record);
    options.logger.info('enrolled this computer', { directory: record.directory, machineId: record.machineId, forUser: record.userName });
    return record;
  } catch (error) {
    if (error instanceof DirectoryCallError && error.status === 403) throw new StartRefused(`the directory refused the enrolment code (${error.message}); ask its administrator for a new one`);
    throw error;
  } finally {
    client.close();
  }
}

function sameMatch(a: DirectoryMatch, b: DirectoryMatch): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A logger that names the person on every line. */
function personLogger(logger: Logger, localAccount: string): Logger {
  const withAccount = (fields?: LogFields): LogFields => ({ localAccount, ...fields });
  return {
    debug: (m, f) => logger.debug(m, withAccount(f)),
    info: (m, f) => logger.info(m, withAccount(f)),
    warn: (m, f) => logger.warn(m, withAccount(f)),
    error: (m, f) => logger.error(m, withAccount(f)),
  };
}

export class Daemon {
  private machine: MachineRecord | undefined;
  private client: MachineClient | undefined;
  private control: ControlServer | undefined;
  private readonly people = new Map<string, Person>();
  private readonly notServed = new Map<string, string>();
  private reachability: DaemonStatus['directory'] = { reachable: null, reason: null, checkedAt: null };
  private queue: Promise<void> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();
  private stopped = false;

  constructor(private readonly options: DaemonOptions) {}

  private get state(): string {
    return this.options.settings.folders.state;
  }

  private get sockets(): string {
    return this.options.settings.folders.sockets;
  }

  /** Everything or nothing: a refusal (StartRefused, UnsafeFolderError, SocketPathError) leaves no socket behind. */
  async start(): Promise<void> {
    const owners = trustedOwners();
    await ensureSafeFolder(this.state, { purpose: 'state folder', owners, createMode: 0o700 });
    await ensureSafeFolder(this.sockets, { purpose: 'socket folder', owners, createMode: 0o755 });
    this.machine = await this.enrolment();
    this.client = new MachineClient({ url: this.machine.directory, ca: this.options.ca });
    this.control = new ControlServer(path.join(this.sockets, CONTROL_SOCKET), () => this.status());
    await this.control.listen();
    this.options.logger.info('serving the people of this computer', { directory: this.machine.directory, machineId: this.machine.machineId, sockets: this.sockets });
    await this.reconcile();
    // Linux: useradd/userdel rename new files over /etc/passwd. macOS: Directory Services
    // writes one property list per local account in its local node's users folder.
    const onMac = this.options.platform === 'darwin' && this.options.systemRoot === undefined;
    const etc = onMac ? '/var/db/dslocal/nodes/Default/users' : path.join(this.options.systemRoot ?? '/', 'etc');
    try {
      this.watcher = watch(etc, (_event, file) => {
        if (onMac || file === null || file === 'passwd' || file === 'login.defs') this.soon();
      });
      this.watcher.on('error', () => undefined);
    } catch (error) {
      this.options.logger.warn('cannot watch the account database; it is re-read every minute', { folder: etc, code: (error as NodeJS.ErrnoException).code ?? 'error' });
    }
    this.timer = setInterval(() => this.soon(0), this.options.rereadIntervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.watcher?.close();
    await this.queue;
    for (const name of [...this.people.keys()]) await this.stopPerson(name);
    await this.control?.close();
    this.client?.close();
  }

  /** Re-reads the account database once things settle (useradd writes several files). */
  soon(delayMs = 250): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.queue = this.queue.then(() => this.reconcile()).catch((error: unknown) => this.options.logger.error('could not bring the people served up to date', { err: (error as Error).name }));
    }, delayMs);
  }

  /** Waits for every re-read asked for so far (tests, and stop()). */
  async settled(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await this.queue;
  }

  private async enrolment(): Promise<MachineRecord> {
    const { directory } = this.options.settings;
    const record = await readMachineRecord(this.state);
    if (record) {
      if (directory.url && normalUrl(directory.url) !== record.directory) {
        throw new StartRefused(`this computer is enrolled with ${record.directory}, but agent.json names ${directory.url}; set "directory.url" back, or enrol it with the new directory (docs/install.md, "Enrol")`);
      }
      return record;
    }
    if (!directory.url || !directory.enrolmentCode) {
      throw new StartRefused('this computer is not enrolled: run pwsync-agent enroll --directory URL --code CODE, or set "directory.url" and "directory.enrolmentCode" in agent.json (docs/install.md, "Enrol")');
    }
    return enrolComputer({ stateDir: this.state, url: directory.url, code: directory.enrolmentCode, ca: this.options.ca, platform: this.options.platform, logger: this.options.logger });
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const { logger, settings } = this.options;
    let database;
    try {
      database = await readAccountDatabase(this.options.systemRoot, { platform: this.options.platform });
    } catch (error) {
      // A database that cannot be read is no reason to stop serving anyone.
      logger.warn('cannot read the account database; the people served stay as they are', { code: (error as NodeJS.ErrnoException).code ?? 'error' });
      return;
    }
    const wanted = new Map(servedAccounts(database.accounts, database.uids, settings.people).map((s) => [s.account.name, s]));
    for (const [name, person] of this.people) {
      const now = wanted.get(name);
      if (!now) {
        await this.stopPerson(name);
        logger.info('a person left this computer, or the rule no longer serves them', { localAccount: name });
      } else if (now.account.uid !== person.account.uid || now.account.gid !== person.account.gid || !sameMatch(now.match, person.binding.asked)) {
        await this.stopPerson(name);
      }
    }
    for (const name of this.notServed.keys()) if (!wanted.has(name)) this.notServed.delete(name);
    await this.checkDirectory();
    for (const name of await boundAccounts(this.state)) {
      if (!wanted.has(name)) await this.unbind(name);
    }
    for (const served of wanted.values()) {
      if (this.stopped) return;
      if (this.people.has(served.account.name)) continue;
      try {
        await this.startPerson(served);
      } catch (error) {
        // One person's trouble (a state file the disk will not give) never stops the others being served.
        const reason = `could not be started (${(error as NodeJS.ErrnoException).code ?? (error as Error).name}); tried again within a minute`;
        if (this.notServed.get(served.account.name) !== reason) this.options.logger.error('not serving a person', { localAccount: served.account.name, reason });
        this.notServed.set(served.account.name, reason);
      }
    }
  }

  private async checkDirectory(): Promise<void> {
    const checkedAt = new Date().toISOString();
    try {
      const info = await this.client!.info(this.machine!.machineToken);
      this.reachability = { reachable: true, reason: null, checkedAt };
      // A person whose device the directory no longer has (its administrator removed it) is bound anew below:
      // the rule still serves them, and their old token would be refused at every check-in.
      const known = new Set(info.people.map((p) => p.deviceId));
      for (const [name, person] of this.people) {
        if (known.has(person.binding.deviceId)) continue;
        this.options.logger.warn('the directory no longer has this person\'s device; binding them again', { localAccount: name, deviceId: person.binding.deviceId });
        await this.stopPerson(name);
        await removeBinding(this.state, name);
      }
    } catch (error) {
      const reason = error instanceof DirectoryCallError ? (error.status === 401 ? 'the directory does not know this computer\'s token: the machine was removed there; enrol again' : error.message) : 'error';
      if (this.reachability.reason !== reason) this.options.logger.warn(`the directory cannot be used: ${reason}`, { directory: this.machine!.directory });
      this.reachability = { reachable: false, reason, checkedAt };
    }
  }

  private async bindingFor(served: ServedAccount): Promise<Binding | undefined> {
    const { account, match } = served;
    const kept = await readBinding(this.state, account.name);
    if (kept && kept.uid === account.uid && sameMatch(kept.asked, match)) return kept;
    try {
      const answer = await this.client!.bind(this.machine!.machineToken, account.name, match);
      const binding: Binding = { localAccount: account.name, uid: account.uid, asked: match, userName: answer.userName, deviceId: answer.deviceId, deviceToken: answer.deviceToken, boundAt: new Date().toISOString() };
      await writeBinding(this.state, binding);
      this.options.logger.info('bound a person at the directory', { localAccount: account.name, userName: answer.userName, deviceId: answer.deviceId });
      return binding;
    } catch (error) {
      if (!(error instanceof DirectoryCallError)) throw error;
      const reason = error.status === null ? `the directory could not be asked (${error.message}); tried again within a minute` : `the directory refused: ${error.message.replace(/^the directory answered \d+: /, '')}`;
      if (this.notServed.get(account.name) !== reason) this.options.logger.warn('not serving a person', { localAccount: account.name, reason });
      this.notServed.set(account.name, reason);
      // A binding made for another rule or uid is not this person's any more.
      if (kept && error.status !== null) await this.unbind(account.name);
      return undefined;
    }
  }

  private async startPerson(served: ServedAccount): Promise<void> {
    const { account } = served;
    const binding = await this.bindingFor(served);
    if (!binding) return;
    const { settings, backend, version } = this.options;
    const logger = personLogger(this.options.logger, account.name);
    const policy: AgentPolicy = { attemptLimit: settings.backend.attemptLimit, newKeychainAllowed: settings.backend.allowNewKeychain };
    const service = new AgentService({ stateDir: this.state, user: account.name, backend, logger, version, policy });
    await service.load();
    const client = new DirectoryClient({ url: this.machine!.directory, deviceToken: binding.deviceToken, ca: this.options.ca, logger, intervalMs: settings.directory.checkinIntervalSeconds * 1000 });
    connectDirectory(service, client, logger);
    const socketPath = path.join(this.sockets, `${account.uid}.sock`);
    const server = new AgentServer({ socketPath, service, logger, demo: false, socketOwner: { uid: account.uid, gid: account.gid } });
    try {
      await server.listen();
    } catch (error) {
      client.stop();
      const reason = `its socket cannot be made: ${(error as Error).message}`;
      if (this.notServed.get(account.name) !== reason) logger.warn('not serving a person', { reason });
      this.notServed.set(account.name, reason);
      return;
    }
    client.start();
    this.notServed.delete(account.name);
    this.people.set(account.name, { account, binding, service, server, client, socketPath });
    logger.info('serving a person', { uid: account.uid, userName: binding.userName, socket: socketPath });
  }

  private async stopPerson(name: string): Promise<void> {
    const person = this.people.get(name);
    if (!person) return;
    this.people.delete(name);
    person.client.stop();
    await person.server.close();
  }

  /** The directory forgets the binding, and this computer the person's state; retried at the next re-read if the directory cannot be reached. */
  private async unbind(name: string): Promise<void> {
    try {
      await this.client!.unbind(this.machine!.machineToken, name);
    } catch (error) {
      this.options.logger.warn('could not unbind a person at the directory yet', { localAccount: name, reason: (error as Error).message });
      return;
    }
    await removeBinding(this.state, name);
    await fs.rm(path.join(this.state, 'users', name), { recursive: true, force: true });
    this.options.logger.info('unbound a person and removed their state', { localAccount: name });
  }

  status(): DaemonStatus {
    const machine = this.machine!;
    const people: PersonStatus[] = [...this.people.values()].map((person) => {
      const status = person.service.status();
      return {
        localAccount: person.account.name,
        uid: person.account.uid,
        userName: person.binding.userName,
        deviceId: person.binding.deviceId,
        socket: person.socketPath,
        directory: { state: status.directory.state, lastCheckIn: status.directory.lastCheckIn },
        lastSync: status.lastResult ? { changeId: status.lastResult.changeId, outcome: status.lastResult.outcome, finishedAt: status.lastResult.finishedAt } : null,
        waitingChange: status.pendingChange ? { id: status.pendingChange.id, createdAt: status.pendingChange.createdAt, mode: status.pendingChange.mode } : null,
      };
    });
    return {
      version: this.options.version,
      startedAt: this.startedAt,
      enrolment: { machineId: machine.machineId, machineName: machine.machineName, directory: machine.directory, userName: machine.userName, enrolledAt: machine.enrolledAt },
      directory: this.reachability,
      people: people.sort((a, b) => a.localAccount.localeCompare(b.localAccount)),
      notServed: [...this.notServed].map(([localAccount, reason]) => ({ localAccount, reason })).sort((a, b) => a.localAccount.localeCompare(b.localAccount)),
    };
  }
}
