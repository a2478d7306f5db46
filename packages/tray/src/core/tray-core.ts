/**
 * The tray app's state machine (docs/architecture.md, "The tray app's states"). It turns the
 * agent client's events into one AppState, which the shell maps onto the tray and
 * windows and the renderer draws. Passwords pass through confirmChange only: they
 * are handed to the agent client and never stored, logged or put in the state.
 */
import { EventEmitter } from 'node:events';
import { SYNC_STEPS, type AgentStatus, type InitializeResult, type PendingChange, type Platform, type SyncResult, type SyncStep } from '@pwsync/agent-protocol';
import type {
  AppState,
  ConfirmOutcome,
  ConfirmRequest,
  DiagnosticsReport,
  PhaseFields,
  PolicyView,
  Problem,
  SharedState,
  StartOverRequest,
  UnreachableReason,
} from '../contract';
import { type AgentClient, type AgentClientEvents, ConnectionLostError } from './agent-client';
import { buildDiagnostics, DIAGNOSTICS_LOGGED } from './diagnostics';
import { type HistoryEntry, type HistoryStore, MemoryHistory } from './history';
import { type Clock, isoTime, systemClock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';
import { defaultPolicy, type LoadedPolicy } from './policy';
import { problemFrom } from './problems';

/** What the core needs of its agent client (tests pass a scripted one). */
export type AgentLink = Pick<AgentClient, 'connected' | 'request' | 'retryNow' | 'start' | 'stop'> & {
  on<E extends keyof AgentClientEvents>(event: E, listener: (...args: AgentClientEvents[E]) => void): unknown;
};

export interface TrayCoreOptions {
  client: AgentLink;
  logger: Logger;
  /** The tray app was started in demo mode (its own practice agent). */
  demo: boolean;
  appVersion: string;
  platform: Platform;
  policy?: LoadedPolicy;
  history?: HistoryStore;
  clock?: Clock;
  /** Where the log is written, for the diagnostics. */
  logLocation?: string | null;
  /** Demo mode: make a password change as the identity provider would. */
  simulatePasswordChange?: () => Promise<void>;
}

/**
 * How long the agent may say nothing about the step it runs before the window says the
 * update takes longer than usual, with what to do. On a Mac every step but FileVault's
 * takes a second or two (PBKDF2 of the new password, OpenDirectory, the keychain tool,
 * one call to the directory), so 30 s without a word is well past a slow one yet short
 * enough that nobody has given up on the window. FileVault's step refreshes the start-up
 * screen (diskutil apfs updatePreboot), which often takes half a minute and which the
 * agent gives up to two minutes: 90 s keeps a normal run from being called slow and
 * still speaks before that limit answers.
 */
export const STALL_AFTER_MS = { usual: 30_000, fileVault: 90_000 } as const;

function stallAfterMs(running: SyncStep | null): number {
  return running === 'fileVault' ? STALL_AFTER_MS.fileVault : STALL_AFTER_MS.usual;
}

function policyView(loaded: LoadedPolicy): PolicyView {
  const { policy } = loaded;
  return {
    organization: policy.organization,
    supportUrl: policy.supportUrl,
    supportContact: policy.supportContact,
    newKeychainOffered: policy.newKeychainOffered,
    language: policy.language,
    // The window says which fields were not used; where they were is for the diagnostics.
    problems: loaded.problems.map(({ field, problem }) => ({ field, problem })),
  };
}

function initialShared(demo: boolean, platform: Platform, policy: LoadedPolicy, simulationAvailable: boolean): SharedState {
  return {
    platform,
    policy: policyView(policy),
    demo,
    agent: null,
    provider: policy.policy.identityProvider,
    directory: { state: 'none', account: 'unknown', syncEnabled: true, userName: null },
    lastCheckIn: null,
    lastResult: null,
    simulationAvailable,
    attempts: null,
    notificationsBlocked: false,
  };
}

type SyncHow = 'confirm' | 'startOver';

export class TrayCore extends EventEmitter<{ stateChanged: [AppState] }> {
  private shared: SharedState;
  private phase: PhaseFields = { phase: 'connecting' };
  private state: AppState;
  /** The agent's latest word on the change that waits, whatever the phase shows. */
  private pendingChange: PendingChange | null = null;
  /** Why the agent was last out of reach, for a resting phase while it still is. */
  private unreachableReason: UnreachableReason = 'notRunning';
  private readonly client: AgentLink;
  private readonly logger: Logger;
  private readonly history: HistoryStore;
  private readonly policy: LoadedPolicy;
  private readonly clock: Clock;
  /** The sync whose outcome is not known, because the connection dropped while it ran. */
  private unknownOutcomeFor: { changeId: string; how: SyncHow } | null = null;
  /** How the sync under way was asked for, so its result can say (a start-over leaves a new keychain). */
  private runningHow: SyncHow = 'confirm';
  /** A change that replaced the one waiting before it, while it waits and no confirmation was sent for it. */
  private replacement: { change: string; replaced: string } | null = null;
  /** Counts down to calling the running sync stalled; restarted by each word from the agent. */
  private stallTimer: unknown = undefined;
  /** The support code last written to the log. */
  private loggedSupportCode: string | null = null;

  constructor(private readonly options: TrayCoreOptions) {
    super();
    this.client = options.client;
    this.logger = options.logger;
    this.history = options.history ?? new MemoryHistory();
    this.policy = options.policy ?? defaultPolicy();
    this.clock = options.clock ?? systemClock;
    this.shared = initialShared(options.demo, options.platform, this.policy, options.demo && options.simulatePasswordChange !== undefined);
    this.state = { ...this.shared, ...this.phase };
    this.client.on('unreachable', (reason) => this.agentOutOfReach(reason));
    this.client.on('disconnected', () => this.agentDisconnected());
    this.client.on('connected', (init) => void this.agentConnected(init));
    this.client.on('notification', (push) => {
      switch (push.name) {
        case 'statusChanged':
          return this.statusReceived(push.params.status);
        case 'syncProgress': {
          const { step, state } = push.params;
          const current = this.phase;
          if (current.phase !== 'confirming') return;
          this.update({}, { ...current, stalled: false, progress: current.progress.map((p) => (p.step === step ? { step, state } : p)) });
          this.watchForStall(state === 'running' ? step : null);
          return;
        }
        case 'changeAdded':
        case 'changeRemoved':
          // statusChanged follows with the whole picture; nothing to do twice.
          return;
      }
    });
  }

  getState(): AppState {
    return this.state;
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.stopStallWatch();
    this.client.stop();
  }

  /**
   * The person has seen how the last sync ended (Done, Escape, or the window hidden): the
   * result gives way to the resting screen, where "Check for changes now" and the
   * directory's notices are, and Status keeps the result. Nothing else changes phase here.
   */
  resultSeen(): void {
    if (this.phase.phase !== 'synced') return;
    this.update({}, this.restingFor(this.pendingChange));
  }

  /** What the shell found out about the system's notifications: shown or not, the tray and the window say so. */
  notificationsChanged(blocked: boolean): void {
    if (this.shared.notificationsBlocked === blocked) return;
    this.update({ notificationsBlocked: blocked });
  }

  async checkIn(): Promise<{ ok: boolean }> {
    if (!this.client.connected) {
      this.client.retryNow();
      return { ok: false };
    }
    try {
      await this.client.request('checkIn', {});
      return { ok: true };
    } catch (error) {
      this.logger.warn('check-in failed', { error: error instanceof Error ? error.name : 'unknown' });
      return { ok: false };
    }
  }

  dismissProblem(): { ok: boolean } {
    const current = this.phase;
    if (current.phase !== 'attention') return { ok: false };
    if (current.problem.code === 'connectionLost' || current.problem.code === 'outcomeUnknown') return { ok: false };
    this.update({}, this.restingFor(this.pendingChange));
    return { ok: true };
  }

  confirmChange(request: ConfirmRequest): Promise<ConfirmOutcome> {
    return this.runSync(request.changeId, 'confirm', () =>
      this.client.request('confirmChange', {
        changeId: request.changeId,
        newPassword: request.newPassword,
        previousPassword: request.previousPassword,
      }),
    );
  }

  /** The previous password is forgotten: a new login keychain, where policy offers it. */
  startOver(request: StartOverRequest): Promise<ConfirmOutcome> {
    if (!this.shared.policy.newKeychainOffered || !this.shared.agent?.newKeychainAllowed) {
      return Promise.resolve(this.refuse(request.changeId, { code: 'notAllowed' }));
    }
    return this.runSync(request.changeId, 'startOver', () =>
      this.client.request('startOver', { changeId: request.changeId, newPassword: request.newPassword, acknowledged: true }),
    );
  }

  /** Demo mode: the identity provider changes the password (a real SCIM PATCH). */
  async simulateChange(): Promise<{ ok: boolean }> {
    if (!this.shared.simulationAvailable || !this.options.simulatePasswordChange) return { ok: false };
    try {
      await this.options.simulatePasswordChange();
      this.logger.info('simulated a password change at the identity provider');
      return { ok: true };
    } catch (error) {
      this.logger.warn('the simulated password change failed', { error: error instanceof Error ? error.name : 'unknown' });
      return { ok: false };
    }
  }

  async diagnostics(): Promise<DiagnosticsReport> {
    const agent = this.client.connected ? await this.client.request('diagnostics', {}).catch(() => null) : null;
    const report = buildDiagnostics({
      appVersion: this.options.appVersion,
      state: this.state,
      agent,
      policy: this.policy,
      history: this.history.list(),
      now: new Date(this.clock.now()),
      logLocation: this.options.logLocation ?? null,
    });
    // Once per code: the window asks again at every state change while Help is open, and
    // a report of the same state has the same code. The line is what `pwsync doctor`
    // reads to show the code of the app's latest report (doctor/app-log.ts).
    if (report.supportCode !== this.loggedSupportCode) {
      this.loggedSupportCode = report.supportCode;
      this.logger.info(DIAGNOSTICS_LOGGED, { supportCode: report.supportCode });
    }
    return report;
  }

  private async runSync(changeId: string, how: SyncHow, call: () => Promise<{ result: SyncResult }>): Promise<ConfirmOutcome> {
    const pending = this.pendingChange;
    if (!pending || pending.id !== changeId) return this.refuse(changeId, { code: 'changeNotFound' });
    if (this.phase.phase === 'confirming') return this.refuse(changeId, { code: 'syncAlreadyRunning' });
    if (!this.client.connected) return this.refuse(changeId, { code: 'connectionLost' });
    // Sent for the newest change: from here on, it is simply the change.
    this.replacement = null;
    this.runningHow = how;
    this.update({}, { phase: 'confirming', change: pending, progress: SYNC_STEPS.map((step) => ({ step, state: 'pending' as const })), stalled: false });
    this.watchForStall();
    try {
      const { result } = await call();
      this.logger.info('the change was confirmed', { changeId: result.changeId, outcome: result.outcome });
      this.record(changeId, 'synced', null, null);
      this.pendingChange = null;
      this.update({ lastResult: result }, { phase: 'synced', result, startedOver: how === 'startOver' });
      return { ok: true, result };
    } catch (error) {
      if (error instanceof ConnectionLostError) {
        // Whether the agent finished is not known: ask it once it is back, never guess.
        this.unknownOutcomeFor = { changeId, how };
        const problem: Problem = { code: 'outcomeUnknown' };
        this.record(changeId, 'unknown', null, problem.code);
        this.update({}, this.attention(problem));
        return { ok: false, problem };
      }
      const problem = problemFrom(error);
      this.logger.info('the agent refused the confirmation', { code: problem.code });
      this.record(changeId, problem.code === 'stepFailed' ? 'failed' : 'refused', problem.step ?? null, problem.code);
      this.update({}, this.attention(problem));
      return { ok: false, problem };
    }
  }

  private record(changeId: string, outcome: HistoryEntry['outcome'], failedStep: HistoryEntry['failedStep'], errorCode: string | null): void {
    try {
      this.history.add({ at: isoTime(this.clock), changeId, outcome, failedStep, errorCode });
    } catch (error) {
      this.logger.warn('could not record the sync in the history', { error: error instanceof Error ? error.name : 'unknown' });
    }
  }

  private refuse(changeId: string, problem: Problem): ConfirmOutcome {
    this.record(changeId, 'refused', null, problem.code);
    return { ok: false, problem };
  }

  private async agentConnected(init: InitializeResult): Promise<void> {
    let status: AgentStatus;
    try {
      status = await this.client.request('status', {});
    } catch (error) {
      // Without a status there is nothing true to show; a later push can still mend it.
      this.logger.warn('the first status call failed', { error: error instanceof Error ? error.name : 'unknown' });
      this.agentOutOfReach('handshakeFailed');
      return;
    }
    // Not shown on its own: the status below says which phase goes with it.
    this.shared = {
      ...this.shared,
      // The computer whose password this is, as the agent knows it: a demo's practice agent plays a Mac on any host.
      platform: init.platform,
      demo: this.shared.demo || init.demo,
      agent: {
        version: init.agent.version,
        platform: init.platform,
        backend: init.backend,
        user: init.user,
        newKeychainAllowed: init.capabilities.newKeychain,
      },
    };
    if (this.unknownOutcomeFor !== null) this.resolveUnknownOutcome(status);
    this.statusReceived(status);
  }

  /** After a dropped connection: what the agent's history says about the change in flight. */
  private resolveUnknownOutcome(status: AgentStatus): void {
    const { changeId, how } = this.unknownOutcomeFor!;
    this.unknownOutcomeFor = null;
    const result = status.lastResult?.changeId === changeId ? status.lastResult : null;
    if (result?.outcome === 'synced') {
      this.update({ lastResult: result }, { phase: 'synced', result, startedOver: how === 'startOver' });
    } else if (result?.outcome === 'interrupted' && result.failedStep) {
      // The agent resumes from its journal: confirming again finishes the job.
      this.update({}, this.attention({ code: 'stepFailed', step: result.failedStep, completedSteps: result.completedSteps, retrySafe: true, remedy: 'retry' }));
    } else if (result && result.failedStep) {
      const reason = result.failureReason === undefined ? {} : { failureReason: result.failureReason };
      this.update({}, this.attention({ code: 'stepFailed', step: result.failedStep, completedSteps: result.completedSteps, ...reason }));
    } else {
      this.update({}, this.restingFor(status.pendingChange));
    }
  }

  private agentDisconnected(): void {
    if (this.phase.phase === 'confirming') this.unknownOutcomeFor = { changeId: this.phase.change.id, how: this.runningHow };
    this.agentOutOfReach('notRunning');
  }

  /**
   * No agent, or none we trust. While the outcome of a sync is not known, say that,
   * not "unreachable": the agent may well have finished, and only it can tell once it
   * is back.
   */
  private agentOutOfReach(reason: UnreachableReason): void {
    this.unreachableReason = reason;
    if (this.unknownOutcomeFor !== null) return this.update({ agent: null }, this.attention({ code: 'outcomeUnknown' }));
    this.update({ agent: null }, { phase: 'unreachable', reason });
  }

  private statusReceived(status: AgentStatus): void {
    const { pendingChange } = status;
    const { state, account, syncEnabled, userName } = status.directory;
    const shared: Partial<SharedState> = {
      lastResult: status.lastResult,
      lastCheckIn: status.directory.lastCheckIn,
      directory: { state, account, syncEnabled, userName: userName ?? null },
      attempts: { left: status.attempts.left, lockedUntil: status.attempts.lockedUntil },
    };
    const previous = this.pendingChange;
    this.pendingChange = pendingChange;
    // The person changed their password at the provider again while the earlier change
    // waited: whatever they typed was for that one, and the window must say so at once.
    if (pendingChange?.mode === 'confirm' && previous?.mode === 'confirm' && pendingChange.id !== previous.id) {
      this.replacement = { change: pendingChange.id, replaced: previous.id };
    }
    const current = this.phase;
    switch (current.phase) {
      case 'confirming':
        // The sync's own answer says what comes next.
        return this.update(shared);
      case 'attention':
        // A newer change replaces the one the problem was about.
        if (pendingChange && previous && pendingChange.id !== previous.id) return this.update(shared, this.restingFor(pendingChange));
        return this.update(shared, { ...current, change: pendingChange });
      case 'synced':
        if (pendingChange === null) return this.update(shared);
        break;
    }
    this.update(shared, this.restingFor(pendingChange));
  }

  /** A problem, about the change that waits (if one still does). */
  private attention(problem: Problem): PhaseFields {
    return { phase: 'attention', problem, change: this.pendingChange };
  }

  /** Where the core rests between syncs: with the change that waits, if any, told or to confirm. */
  private restingFor(change: PendingChange | null): PhaseFields {
    if (!this.client.connected) return { phase: 'unreachable', reason: this.unreachableReason };
    if (change === null) return { phase: 'idle' };
    // Windows and Linux: the agent applied the change itself; the person is only told.
    // (The mode is restated so the compiler sees which kind of change each phase holds.)
    if (change.mode === 'applied') return { phase: 'informed', change: { ...change, mode: change.mode } };
    const replaced = this.replacement?.change === change.id ? this.replacement.replaced : null;
    return { phase: 'pending', change: { ...change, mode: change.mode }, replaced };
  }

  /** Starts (again) the count to calling the running sync stalled, for the step the agent just said it started, if any. */
  private watchForStall(running: SyncStep | null = null): void {
    this.stopStallWatch();
    const current = this.phase;
    if (current.phase !== 'confirming') return;
    this.stallTimer = this.clock.setTimeout(() => {
      this.stallTimer = undefined;
      const now = this.phase;
      if (now.phase === 'confirming' && now.change.id === current.change.id) this.update({}, { ...now, stalled: true });
    }, stallAfterMs(running));
  }

  private stopStallWatch(): void {
    if (this.stallTimer !== undefined) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  /** The one place the state changes: the shared part patched, the phase replaced when given. */
  private update(shared: Partial<SharedState>, phase: PhaseFields = this.phase): void {
    if (phase.phase !== 'confirming') this.stopStallWatch();
    this.shared = { ...this.shared, ...shared };
    this.phase = phase;
    this.state = { ...this.shared, ...phase };
    this.emit('stateChanged', this.state);
  }
}
