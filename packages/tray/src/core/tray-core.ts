/**
 * The tray app's state machine (docs/architecture.md, "The tray app's states"). It turns the
 * agent client's events into one AppState, which the shell maps onto the tray and
 * windows and the renderer draws. Passwords pass through confirmChange only: they
 * are handed to the agent client and never stored, logged or put in the state.
 */
import { EventEmitter } from 'node:events';
import { SYNC_STEPS, type AgentStatus, type InitializeResult, type Platform, type SyncResult } from '@pwsync/agent-protocol';
import type { AppState, ConfirmOutcome, ConfirmRequest, DiagnosticsReport, PolicyView, Problem, StartOverRequest } from '../contract';
import { type AgentClient, ConnectionLostError } from './agent-client';
import { buildDiagnostics } from './diagnostics';
import { type HistoryEntry, type HistoryStore, MemoryHistory } from './history';
import { type Clock, isoTime, systemClock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';
import { defaultPolicy, type LoadedPolicy } from './policy';
import { problemFrom } from './problems';

export interface TrayCoreOptions {
  client: AgentClient;
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

const initialState = (demo: boolean, platform: Platform, policy: LoadedPolicy, simulationAvailable: boolean): AppState => ({
  phase: 'connecting',
  platform,
  policy: policyView(policy),
  demo,
  agent: null,
  unreachable: null,
  provider: policy.policy.identityProvider,
  pendingChange: null,
  progress: [],
  lastResult: null,
  lastCheckIn: null,
  directory: { state: 'none', account: 'unknown', syncEnabled: true },
  simulationAvailable,
  problem: null,
});

export class TrayCore extends EventEmitter<{ stateChanged: [AppState] }> {
  private state: AppState;
  private readonly client: AgentClient;
  private readonly logger: Logger;
  private readonly history: HistoryStore;
  private readonly policy: LoadedPolicy;
  private readonly clock: Clock;
  /** The change whose confirmation was in flight when the connection dropped. */
  private unknownOutcomeFor: string | null = null;

  constructor(private readonly options: TrayCoreOptions) {
    super();
    this.client = options.client;
    this.logger = options.logger;
    this.history = options.history ?? new MemoryHistory();
    this.policy = options.policy ?? defaultPolicy();
    this.clock = options.clock ?? systemClock;
    this.state = initialState(options.demo, options.platform, this.policy, options.demo && options.simulatePasswordChange !== undefined);
    this.client.on('unreachable', (reason) => {
      // While the outcome of a sync is not known, say that, not "unreachable": the
      // agent may well have finished, and only it can tell once it is back.
      if (this.unknownOutcomeFor !== null) return this.update({ unreachable: reason, agent: null });
      this.update({ phase: 'unreachable', unreachable: reason, agent: null });
    });
    this.client.on('disconnected', () => this.agentDisconnected());
    this.client.on('connected', (init) => void this.agentConnected(init));
    this.client.on('notification', (push) => {
      switch (push.name) {
        case 'statusChanged':
          return this.statusReceived(push.params.status);
        case 'syncProgress': {
          const { step, state } = push.params;
          if (this.state.phase !== 'confirming') return;
          this.update({ progress: this.state.progress.map((p) => (p.step === step ? { step, state } : p)) });
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
    this.client.stop();
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
    if (this.state.problem === null) return { ok: false };
    if (this.state.problem.code === 'connectionLost' || this.state.problem.code === 'outcomeUnknown') return { ok: false };
    this.update({ problem: null, phase: this.restingPhase(this.state.pendingChange !== null) });
    return { ok: true };
  }

  confirmChange(request: ConfirmRequest): Promise<ConfirmOutcome> {
    return this.runSync(request.changeId, () =>
      this.client.request('confirmChange', {
        changeId: request.changeId,
        newPassword: request.newPassword,
        previousPassword: request.previousPassword,
      }),
    );
  }

  /** The previous password is forgotten: a new login keychain, where policy offers it. */
  startOver(request: StartOverRequest): Promise<ConfirmOutcome> {
    if (!this.state.policy.newKeychainOffered || !this.state.agent?.newKeychainAllowed) {
      return Promise.resolve(this.refuse(request.changeId, { code: 'notAllowed' }));
    }
    return this.runSync(request.changeId, () =>
      this.client.request('startOver', { changeId: request.changeId, newPassword: request.newPassword, acknowledged: true }),
    );
  }

  /** Demo mode: the identity provider changes the password (a real SCIM PATCH). */
  async simulateChange(): Promise<{ ok: boolean }> {
    if (!this.state.simulationAvailable || !this.options.simulatePasswordChange) return { ok: false };
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
    this.logger.info('diagnostics generated', { supportCode: report.supportCode });
    return report;
  }

  private async runSync(changeId: string, call: () => Promise<{ result: SyncResult }>): Promise<ConfirmOutcome> {
    const pending = this.state.pendingChange;
    if (!pending || pending.id !== changeId) return this.refuse(changeId, { code: 'changeNotFound' });
    if (this.state.phase === 'confirming') return this.refuse(changeId, { code: 'syncAlreadyRunning' });
    if (!this.client.connected) return this.refuse(changeId, { code: 'connectionLost' });
    this.update({
      phase: 'confirming',
      problem: null,
      progress: SYNC_STEPS.map((step) => ({ step, state: 'pending' as const })),
    });
    try {
      const { result } = await call();
      this.logger.info('the change was confirmed', { changeId: result.changeId, outcome: result.outcome });
      this.record(changeId, 'synced', null, null);
      this.update({ phase: 'synced', lastResult: result, pendingChange: null, problem: null });
      return { ok: true, result };
    } catch (error) {
      if (error instanceof ConnectionLostError) {
        // Whether the agent finished is not known: ask it once it is back, never guess.
        this.unknownOutcomeFor = changeId;
        const problem: Problem = { code: 'outcomeUnknown' };
        this.record(changeId, 'unknown', null, problem.code);
        this.update({ phase: 'attention', problem });
        return { ok: false, problem };
      }
      const problem = problemFrom(error);
      this.logger.info('the agent refused the confirmation', { code: problem.code });
      this.record(changeId, problem.code === 'stepFailed' ? 'failed' : 'refused', problem.step ?? null, problem.code);
      this.update({ phase: 'attention', problem });
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
      this.update({ phase: 'unreachable', unreachable: 'handshakeFailed', agent: null });
      return;
    }
    this.update({
      demo: this.state.demo || init.demo,
      agent: {
        version: init.agent.version,
        platform: init.platform,
        backend: init.backend,
        user: init.user,
        newKeychainAllowed: init.capabilities.newKeychain,
      },
      unreachable: null,
    });
    if (this.unknownOutcomeFor !== null) this.resolveUnknownOutcome(status);
    this.statusReceived(status);
  }

  /** After a dropped connection: what the agent's history says about the change in flight. */
  private resolveUnknownOutcome(status: AgentStatus): void {
    const changeId = this.unknownOutcomeFor;
    this.unknownOutcomeFor = null;
    const result = status.lastResult?.changeId === changeId ? status.lastResult : null;
    if (result?.outcome === 'synced') {
      this.update({ phase: 'synced', lastResult: result, problem: null });
    } else if (result?.outcome === 'interrupted' && result.failedStep) {
      // The agent resumes from its journal: confirming again finishes the job.
      this.update({
        phase: 'attention',
        problem: { code: 'stepFailed', step: result.failedStep, completedSteps: result.completedSteps, retrySafe: true, remedy: 'retry' },
      });
    } else if (result && result.failedStep) {
      this.update({ phase: 'attention', problem: { code: 'stepFailed', step: result.failedStep, completedSteps: result.completedSteps } });
    } else {
      this.update({ problem: null, phase: this.restingPhase(status.pendingChange !== null) });
    }
  }

  private agentDisconnected(): void {
    if (this.state.phase === 'confirming') {
      this.unknownOutcomeFor = this.state.pendingChange?.id ?? null;
      this.update({ phase: 'attention', problem: { code: 'outcomeUnknown' }, agent: null, unreachable: 'notRunning' });
      return;
    }
    this.update({ phase: 'unreachable', unreachable: 'notRunning', agent: null });
  }

  private statusReceived(status: AgentStatus): void {
    const pendingChange = status.pendingChange;
    const { state, account, syncEnabled } = status.directory;
    const patch: Partial<AppState> = {
      pendingChange,
      lastResult: status.lastResult,
      lastCheckIn: status.directory.lastCheckIn,
      directory: { state, account, syncEnabled },
    };
    if (this.state.phase === 'confirming') return this.update(patch);
    if (this.state.problem !== null && this.state.phase === 'attention') {
      // A newer change replaces the one the problem was about.
      if (pendingChange && this.state.pendingChange && pendingChange.id !== this.state.pendingChange.id) {
        return this.update({ ...patch, problem: null, phase: this.restingPhase(true, pendingChange.mode) });
      }
      return this.update(patch);
    }
    if (this.state.phase === 'synced' && pendingChange === null) return this.update(patch);
    this.update({ ...patch, phase: this.restingPhase(pendingChange !== null, pendingChange?.mode) });
  }

  private restingPhase(hasPending: boolean, mode = this.state.pendingChange?.mode): AppState['phase'] {
    if (!this.client.connected) return 'unreachable';
    if (!hasPending) return 'idle';
    return mode === 'applied' ? 'informed' : 'pending';
  }

  private update(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('stateChanged', this.state);
  }
}
