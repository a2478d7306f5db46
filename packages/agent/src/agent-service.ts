/**
 * The agent's view of one user: the pending change, wrong-password attempts, the
 * sync engine and the history. The protocol server calls it and relays its events;
 * it knows nothing of sockets.
 */
import { EventEmitter } from 'node:events';
import { AgentError } from './agent-error';
import type { PlatformBackend } from './backends/backend';
import { type Clock, isoTime, systemClock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';
import { attemptsLeft, DEFAULT_ATTEMPT_LIMIT, lockRemainingMs, NO_FAILURES, recordFailure } from './lockout';
import { checkPassword } from '@pwsync/passwords';
import { ErrorCode } from '@pwsync/agent-protocol';
import { PROTOCOL_VERSION } from '@pwsync/agent-protocol';
import type { AgentStatus, Diagnostics, PendingChange, StepState, SyncResult, SyncStep } from '@pwsync/agent-protocol';
import { interruptedResult, SyncEngine } from './sync-engine';
import { type Attempts, type ChangeHashes, EMPTY_JOURNAL, type Journal, type Pending, UserState } from './user-state';

export interface AgentPolicy {
  attemptLimit: number;
  newKeychainAllowed: boolean;
}

export const DEFAULT_POLICY: AgentPolicy = { attemptLimit: DEFAULT_ATTEMPT_LIMIT, newKeychainAllowed: false };

export interface AgentServiceOptions {
  stateDir: string;
  user: string;
  backend: PlatformBackend;
  logger: Logger;
  policy?: AgentPolicy;
  clock?: Clock;
  version: string;
  /** Fault injection for crash tests (see SyncEngine). */
  checkpoint?: (step: SyncStep, moment: 'before' | 'after') => void;
}

type DirectoryView = AgentStatus['directory'];
const NO_DIRECTORY: DirectoryView = { state: 'none', lastCheckIn: null, account: 'unknown', syncEnabled: true };

/** What the service needs of a directory: told of results, asked to check in. */
export interface DirectoryLink {
  checkIn(): Promise<void>;
  report(changeId: string, outcome: 'synced' | 'failed', failedStep: SyncStep | null, reason?: string | null): Promise<void>;
}

export interface AgentEvents {
  changeAdded: [PendingChange];
  changeRemoved: [string, 'synced' | 'superseded' | 'withdrawn'];
  statusChanged: [AgentStatus];
  syncProgress: [{ changeId: string; step: SyncStep; state: StepState }];
}

export class AgentService extends EventEmitter<AgentEvents> {
  readonly user: string;
  readonly backend: PlatformBackend;
  readonly version: string;
  private readonly state: UserState;
  private readonly logger: Logger;
  private readonly policy: AgentPolicy;
  private readonly clock: Clock;
  private readonly startedAt: number;
  private pending: Pending = { current: null, supersededIds: [] };
  private attempts: Attempts = NO_FAILURES;
  private journal: Journal = EMPTY_JOURNAL;
  private history: SyncResult[] = [];
  private running: { changeId: string; step: SyncStep | null } | null = null;
  private directory: DirectoryView = NO_DIRECTORY;
  private link: DirectoryLink | undefined;
  private readonly checkpoint: AgentServiceOptions['checkpoint'];

  constructor(options: AgentServiceOptions) {
    super();
    this.user = options.user;
    this.backend = options.backend;
    this.version = options.version;
    this.logger = options.logger;
    this.policy = options.policy ?? DEFAULT_POLICY;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
    this.checkpoint = options.checkpoint;
    this.state = new UserState(options.stateDir, options.user, (file, movedTo) =>
      this.logger.warn('state file was unreadable; moved aside and started from defaults', { file, movedTo }),
    );
  }

  /** Reads the user's state and tells the truth about a sync an earlier run left half done. */
  async load(): Promise<void> {
    this.pending = await this.state.readPending();
    this.attempts = await this.state.readAttempts();
    this.history = await this.state.readHistory();
    this.journal = await this.state.readJournal();
    const leftover = interruptedResult(this.journal, this.clock.now());
    if (!leftover) return;
    this.logger.warn('found the journal of a sync that did not finish', {
      changeId: leftover.changeId,
      outcome: leftover.outcome,
      completed: leftover.completedSteps,
      cutShort: leftover.failedStep,
    });
    if (leftover.outcome === 'synced') return this.finish(leftover);
    // Keep the journal: when the person confirms again, the engine resumes from it
    // (probing what the cut-short step did) instead of starting from the top.
    if (this.history[0]?.changeId !== leftover.changeId || this.history[0]?.outcome !== 'interrupted') {
      this.history = [leftover, ...this.history].slice(0, 50);
      await this.state.appendHistory(leftover);
    }
  }

  status(): AgentStatus {
    return {
      user: this.user,
      backend: this.backend.name,
      directory: this.directory,
      pendingChange: this.pending.current?.change ?? null,
      sync: { running: this.running !== null, changeId: this.running?.changeId ?? null, step: this.running?.step ?? null },
      lastResult: this.history[0] ?? null,
      attempts: { left: attemptsLeft(this.attempts, this.policy), lockedUntil: this.lockedUntil() },
      policy: { newKeychainAllowed: this.policy.newKeychainAllowed },
    };
  }

  /** For support: the agent's own state, and what its backend finds out about the account (macOS: `mac`). */
  async diagnostics(): Promise<Diagnostics> {
    const cutShort = this.journal.started.find((s) => !this.journal.done.includes(s)) ?? null;
    const { directory, pendingChange, attempts, policy } = this.status();
    return {
      agent: { name: 'pwsync-agent', version: this.version },
      protocolVersion: PROTOCOL_VERSION,
      platform: this.backend.platform,
      backend: this.backend.name,
      user: this.user,
      uptimeSeconds: Math.floor((this.clock.now() - this.startedAt) / 1000),
      directory,
      pendingChange,
      journal: { changeId: this.journal.changeId, completedSteps: [...this.journal.done], interruptedStep: cutShort },
      history: this.history.slice(0, 50),
      attempts,
      policy,
      ...(await this.backend.diagnostics?.(this.user)),
    };
  }

  /**
   * A change arrived from the directory (or the demo): it supersedes any older one.
   * Only the hash this computer's backend verifies with is kept; a change without it
   * is refused (the directory sends each platform its own).
   */
  async receiveChange(arrived: PendingChange, received: ChangeHashes): Promise<void> {
    const previous = this.pending.current;
    if (previous?.change.id === arrived.id) return;
    const kind = this.backend.newPasswordHash;
    const hash = received[kind];
    if (!hash) throw new Error('the change carries no hash this computer verifies with');
    const hashes: ChangeHashes = kind === 'sha512crypt' ? { sha512crypt: hash } : { pbkdf2: hash };
    const supersededIds = previous ? [previous.change.id, ...this.pending.supersededIds].slice(0, 100) : this.pending.supersededIds;
    const change = await this.applyOnArrival(arrived, hashes);
    this.pending = { current: { change, hashes }, supersededIds };
    await this.state.writePending(this.pending);
    if (previous) this.emit('changeRemoved', previous.change.id, 'superseded');
    this.emit('changeAdded', change);
    this.emitStatus();
  }

  /**
   * Mode 'applied' (Linux): the account takes the directory's hash as the change
   * arrives, and the tray app informs the person. If that fails, the change waits for
   * the person to confirm it with both passwords, which sets the account from them.
   */
  private async applyOnArrival(change: PendingChange, hashes: ChangeHashes): Promise<PendingChange> {
    if (this.backend.mode !== 'applied' || !this.backend.applyDirectoryHash || !hashes.sha512crypt) return change;
    try {
      await this.backend.applyDirectoryHash(this.user, { sha512crypt: hashes.sha512crypt });
      this.logger.info('applied the directory\'s hash to the account', { changeId: change.id });
      // The account is in step: the directory hears so now (again at each check-in until it
      // stops offering the change). Keyring and disk stay for the person to confirm, if they wish.
      void this.link?.report(change.id, 'synced', null).catch(() => undefined);
      return { ...change, mode: 'applied' };
    } catch (error) {
      this.logger.warn('could not apply the directory\'s hash; the change waits for confirmation', { changeId: change.id, error: (error as Error).name });
      return { ...change, mode: 'confirm' };
    }
  }

  async checkIn(): Promise<{ directory: AgentStatus['directory']; pendingChange: PendingChange | null }> {
    await this.link?.checkIn();
    return { directory: this.directory, pendingChange: this.pending.current?.change ?? null };
  }

  /** Connects the service to a directory (see directory-sync.ts). */
  attachDirectory(link: DirectoryLink): void {
    this.link = link;
    this.directory = { ...this.directory, state: 'offline' };
  }

  setDirectoryState(patch: Partial<DirectoryView>): void {
    const next = { ...this.directory, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.directory)) return;
    this.directory = next;
    this.emitStatus();
  }

  /**
   * The directory no longer offers the pending change (sync turned off, account
   * deactivated). A change already applied to the account stays: only the person's
   * optional keyring and disk update waits on it.
   */
  async withdrawChange(): Promise<void> {
    const current = this.pending.current;
    if (!current || this.running || current.change.mode === 'applied') return;
    this.pending = { current: null, supersededIds: this.pending.supersededIds };
    await this.state.writePending(this.pending);
    this.emit('changeRemoved', current.change.id, 'withdrawn');
    this.emitStatus();
  }

  /** Whether this computer already synced that change (the directory may not know yet). */
  hasSynced(changeId: string): boolean {
    return this.history.some((r) => r.changeId === changeId && r.outcome === 'synced') || this.isApplied(changeId);
  }

  /** The change is pending only for the optional keyring and disk update: its account step is done. */
  isApplied(changeId: string): boolean {
    return this.pending.current?.change.id === changeId && this.pending.current.change.mode === 'applied';
  }

  pendingChangeId(): string | null {
    return this.pending.current?.change.id ?? null;
  }

  confirm(changeId: string, previousPassword: string, newPassword: string): Promise<SyncResult> {
    return this.runSync(changeId, previousPassword, newPassword);
  }

  /** The previous password is forgotten: a new login keychain, only where policy allows it. */
  startOver(changeId: string, newPassword: string): Promise<SyncResult> {
    if (!this.policy.newKeychainAllowed) {
      return Promise.reject(new AgentError(ErrorCode.notAllowed, 'This computer\'s policy does not allow starting over with a new keychain', { reason: 'policy' }));
    }
    return this.runSync(changeId, null, newPassword);
  }

  private async runSync(changeId: string, previousPassword: string | null, newPassword: string): Promise<SyncResult> {
    const stored = this.pending.current;
    if (!stored || stored.change.id !== changeId) {
      const supersededBy = this.pending.supersededIds.includes(changeId) ? (stored?.change.id ?? null) : null;
      throw new AgentError(ErrorCode.changeNotFound, 'No pending change has that id', { changeId, supersededBy });
    }
    if (this.running) throw new AgentError(ErrorCode.syncAlreadyRunning, 'A sync is already running', { changeId: this.running.changeId });
    this.checkLockout();
    for (const [field, value] of [['newPassword', newPassword], ['previousPassword', previousPassword]] as const) {
      if (value === null) continue;
      const problem = checkPassword(value);
      if (problem) throw new AgentError(ErrorCode.passwordNotAccepted, 'The password cannot be used', { field, reason: problem });
    }

    this.running = { changeId, step: null };
    this.emitStatus();
    const engine = new SyncEngine({
      user: this.user,
      backend: this.backend,
      state: this.state,
      clock: this.clock,
      progress: (step, state) => {
        if (this.running) this.running.step = step;
        this.emit('syncProgress', { changeId, step, state });
      },
      passwordRejected: (which) => this.passwordRejected(which),
      checkpoint: this.checkpoint,
      report: this.link ? (id) => this.link!.report(id, 'synced', null) : undefined,
    });
    try {
      const result = await engine.run({ change: stored, previousPassword, newPassword });
      this.attempts = NO_FAILURES;
      await this.state.writeAttempts(this.attempts);
      await this.finish(result);
      this.logger.info('sync finished', { changeId, completed: result.completedSteps });
      return result;
    } catch (error) {
      if (error instanceof AgentError && error.code === ErrorCode.stepFailed) {
        // The engine made this reason safe (failure-reason.ts): it may go to the history and the log.
        const data = error.data as { step: SyncStep; completedSteps: SyncStep[]; failureReason?: string };
        const result: SyncResult = {
          changeId,
          outcome: 'failed',
          finishedAt: isoTime(this.clock),
          completedSteps: data.completedSteps,
          failedStep: data.step,
          errorCode: error.code,
          ...(data.failureReason === undefined ? {} : { failureReason: data.failureReason }),
        };
        this.history = [result, ...this.history].slice(0, 50);
        await this.state.appendHistory(result);
        this.logger.warn('sync step failed', { changeId, step: data.step, completed: data.completedSteps, reason: data.failureReason });
        // Best effort: the directory shows support which devices are stuck, and where.
        void this.link?.report(changeId, 'failed', data.step, data.failureReason ?? null).catch(() => undefined);
      }
      throw error;
    } finally {
      this.running = null;
      this.journal = await this.state.readJournal();
      this.emitStatus();
    }
  }

  private async finish(result: SyncResult): Promise<void> {
    this.history = [result, ...this.history].slice(0, 50);
    await this.state.appendHistory(result);
    await this.state.writeJournal(EMPTY_JOURNAL);
    this.journal = EMPTY_JOURNAL;
    if (result.outcome === 'synced' && this.pending.current?.change.id === result.changeId) {
      this.pending = { current: null, supersededIds: this.pending.supersededIds };
      await this.state.writePending(this.pending);
      this.emit('changeRemoved', result.changeId, 'synced');
    }
  }

  private checkLockout(): void {
    const remaining = lockRemainingMs(this.attempts, this.clock.now());
    if (remaining > 0) {
      throw new AgentError(ErrorCode.lockedOut, 'Too many wrong passwords; try again later', {
        retryAfterSeconds: Math.ceil(remaining / 1000),
        lockedUntil: this.attempts.lockedUntil,
      });
    }
  }

  private lockedUntil(): string | null {
    return lockRemainingMs(this.attempts, this.clock.now()) > 0 ? this.attempts.lockedUntil : null;
  }

  private async passwordRejected(which: 'previous' | 'new'): Promise<AgentError> {
    this.attempts = recordFailure(this.attempts, this.policy, this.clock.now());
    await this.state.writeAttempts(this.attempts);
    this.logger.info('a password did not match', { which, failures: this.attempts.failures });
    const remaining = lockRemainingMs(this.attempts, this.clock.now());
    if (remaining > 0) {
      return new AgentError(ErrorCode.lockedOut, 'Too many wrong passwords; try again later', {
        retryAfterSeconds: Math.ceil(remaining / 1000),
        lockedUntil: this.attempts.lockedUntil,
      });
    }
    const left = attemptsLeft(this.attempts, this.policy);
    const code = which === 'previous' ? ErrorCode.previousPasswordWrong : ErrorCode.newPasswordMismatch;
    const message = which === 'previous' ? 'The previous password is not this account\'s password' : 'The new password does not match the one set at the identity provider';
    return new AgentError(code, message, { attemptsLeft: left });
  }

  private emitStatus(): void {
    this.emit('statusChanged', this.status());
  }
}
