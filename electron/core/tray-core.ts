/**
 * The tray app's state machine (DESIGN.md, "The tray app's states"). It turns the
 * agent client's events into one AppState, which the shell maps onto the tray and
 * windows and the renderer draws. Passwords pass through confirmChange only: they
 * are handed to the agent client and never stored, logged or put in the state.
 */
import { EventEmitter } from 'node:events';
import { SYNC_STEPS, type AgentStatus, type InitializeResult } from '../../agent/src/protocol';
import type { AppState, ConfirmOutcome, ConfirmRequest, Problem } from '../contract';
import { type AgentClient, ConnectionLostError } from './agent-client';
import type { CoreLogger } from './logger';
import { problemFrom } from './problems';

export interface TrayCoreOptions {
  client: AgentClient;
  logger: CoreLogger;
  /** The tray app was started in demo mode (its own practice agent). */
  demo: boolean;
  /** The identity provider's name shown to people, from policy. */
  provider?: string;
}

const initialState = (demo: boolean, provider: string): AppState => ({
  phase: 'connecting',
  demo,
  agent: null,
  unreachable: null,
  provider,
  pendingChange: null,
  progress: [],
  lastResult: null,
  lastCheckIn: null,
  problem: null,
});

export class TrayCore extends EventEmitter<{ stateChanged: [AppState] }> {
  private state: AppState;
  private readonly client: AgentClient;
  private readonly logger: CoreLogger;
  /** The change whose confirmation was in flight when the connection dropped. */
  private unknownOutcomeFor: string | null = null;

  constructor(options: TrayCoreOptions) {
    super();
    this.client = options.client;
    this.logger = options.logger;
    this.state = initialState(options.demo, options.provider ?? 'your identity provider');
    this.client.on('unreachable', (reason) => this.update({ phase: 'unreachable', unreachable: reason, agent: null }));
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

  async confirmChange(request: ConfirmRequest): Promise<ConfirmOutcome> {
    const pending = this.state.pendingChange;
    if (!pending || pending.id !== request.changeId) return this.refuse({ code: 'changeNotFound' });
    if (this.state.phase === 'confirming') return this.refuse({ code: 'syncAlreadyRunning' });
    if (!this.client.connected) return this.refuse({ code: 'connectionLost' });
    this.update({
      phase: 'confirming',
      problem: null,
      progress: SYNC_STEPS.map((step) => ({ step, state: 'pending' as const })),
    });
    try {
      const { result } = await this.client.request('confirmChange', {
        changeId: request.changeId,
        newPassword: request.newPassword,
        previousPassword: request.previousPassword,
      });
      this.logger.info('the change was confirmed', { changeId: result.changeId, outcome: result.outcome });
      this.update({ phase: 'synced', lastResult: result, pendingChange: null, problem: null });
      return { ok: true, result };
    } catch (error) {
      if (error instanceof ConnectionLostError) {
        // Whether the agent finished is not known: ask it once it is back, never guess.
        this.unknownOutcomeFor = request.changeId;
        const problem: Problem = { code: 'outcomeUnknown' };
        this.update({ phase: 'attention', problem });
        return { ok: false, problem };
      }
      const problem = problemFrom(error);
      this.logger.info('the agent refused the confirmation', { code: problem.code });
      this.update({ phase: 'attention', problem });
      return { ok: false, problem };
    }
  }

  private refuse(problem: Problem): ConfirmOutcome {
    return { ok: false, problem };
  }

  private async agentConnected(init: InitializeResult): Promise<void> {
    let status: AgentStatus;
    try {
      status = await this.client.request('status', {});
    } catch (error) {
      this.logger.warn('the first status call failed', { error: error instanceof Error ? error.name : 'unknown' });
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
    const patch: Partial<AppState> = { pendingChange, lastResult: status.lastResult, lastCheckIn: status.directory.lastCheckIn };
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
