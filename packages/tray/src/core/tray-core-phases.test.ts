/**
 * The core decides the phase, once: each screen the window and the tray draw comes from
 * here. A scripted agent client plays the agent, so every turn is tested without sockets.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type AgentStatus, ErrorCode, type InitializeResult, type MethodName, type PendingChange, type SyncResult } from '@pwsync/agent-protocol';
import type { AppState } from '../contract';
import { AgentCallError, type AgentClientEvents, ConnectionLostError } from './agent-client';
import { silentLogger } from '@pwsync/node-kit/log';
import { TrayCore } from './tray-core';

const INIT: InitializeResult = {
  protocolVersion: '1.1',
  agent: { name: 'pwsync-agent', version: '0.1.0' },
  platform: 'darwin',
  backend: 'sandbox',
  user: 'alex',
  demo: false,
  capabilities: { confirmChange: true, newKeychain: false, diagnostics: true },
};

function change(id: string, mode: PendingChange['mode'] = 'confirm'): PendingChange {
  return { id, createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode };
}

function status(pendingChange: PendingChange | null, lastResult: SyncResult | null = null): AgentStatus {
  return {
    user: 'alex',
    backend: 'sandbox',
    directory: { state: 'online', lastCheckIn: '2025-03-01T09:00:00.000Z', account: 'active', syncEnabled: true },
    pendingChange,
    sync: { running: false, changeId: null, step: null },
    lastResult,
    attempts: { left: 5, lockedUntil: null },
    policy: { newKeychainAllowed: false },
  };
}

function failed(changeId: string, failureReason?: string): SyncResult {
  return {
    changeId,
    outcome: 'failed',
    finishedAt: '2025-03-01T09:02:00.000Z',
    completedSteps: ['verifyNew', 'verifyPrevious', 'account'],
    failedStep: 'keychain',
    errorCode: ErrorCode.stepFailed,
    ...(failureReason ? { failureReason } : {}),
  };
}

/** Plays the agent: answers calls with what the test scripted, and pushes what it says. */
class ScriptedAgent extends EventEmitter<AgentClientEvents> {
  connected = false;
  readonly answers = new Map<MethodName, () => Promise<unknown>>();
  start(): void {}
  stop(): void {}
  retryNow(): void {}
  async request(method: MethodName): Promise<never> {
    const answer = this.answers.get(method);
    if (!answer) throw new Error(`no answer scripted for ${method}`);
    return (await answer()) as never;
  }
  /** The agent is there, with this status. */
  async connect(first: AgentStatus): Promise<void> {
    this.connected = true;
    this.answers.set('status', async () => first);
    this.emit('connected', INIT);
    await new Promise((resolve) => setImmediate(resolve));
  }
  disconnect(): void {
    this.connected = false;
    this.emit('disconnected');
  }
  push(next: AgentStatus): void {
    this.emit('notification', { name: 'statusChanged', params: { status: next } });
  }
}

function setUp() {
  const agent = new ScriptedAgent();
  const core = new TrayCore({ client: agent, logger: silentLogger, demo: false, appVersion: '0.1.0', platform: 'darwin' });
  const seen: AppState[] = [];
  core.on('stateChanged', (state) => seen.push(state));
  return { agent, core, seen };
}

const PASSWORDS = { newPassword: 'N3w-phase-pass!', previousPassword: 'old-phase-pass#7' };

describe('the phase, as the core decides it', () => {
  it('starts connecting, with no agent', () => {
    const { core } = setUp();
    expect(core.getState()).toMatchObject({ phase: 'connecting', agent: null });
  });

  it('a change the agent applied itself is told (informed), never asked to be confirmed', async () => {
    const { agent, core, seen } = setUp();
    await agent.connect(status(change('chg_1', 'applied')));
    expect(core.getState()).toMatchObject({ phase: 'informed', change: { id: 'chg_1', mode: 'applied' } });
    expect(seen.map((state) => state.phase)).not.toContain('pending');
  });

  it('pending always holds the change to confirm; with none waiting, it is idle', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    expect(core.getState()).toMatchObject({ phase: 'pending', change: { id: 'chg_1', mode: 'confirm' } });
    agent.push(status(null));
    expect(core.getState()).toMatchObject({ phase: 'idle' });
    expect(core.getState()).not.toHaveProperty('change');
  });

  it('while a sync\'s outcome is unknown, says so as long as the agent stays away, whatever the client reports', async () => {
    const { agent, core, seen } = setUp();
    await agent.connect(status(change('chg_1')));
    let drop!: () => void;
    agent.answers.set('confirmChange', () => new Promise((_, reject) => (drop = () => reject(new ConnectionLostError()))));
    const outcome = core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    expect(core.getState().phase).toBe('confirming');
    agent.disconnect();
    drop();
    expect(await outcome).toEqual({ ok: false, problem: { code: 'outcomeUnknown' } });
    const checking = { phase: 'attention', problem: { code: 'outcomeUnknown' }, agent: null };
    expect(core.getState()).toMatchObject(checking);
    agent.emit('unreachable', 'notRunning');
    expect(core.getState()).toMatchObject(checking);
    agent.disconnect();
    expect(core.getState()).toMatchObject(checking);
    // Back, but the first status call fails: still not known.
    agent.connected = true;
    agent.answers.set('status', () => Promise.reject(new ConnectionLostError()));
    agent.emit('connected', INIT);
    await new Promise((resolve) => setImmediate(resolve));
    expect(core.getState()).toMatchObject(checking);
    expect(seen.slice(seen.findIndex((s) => s.phase === 'attention')).map((s) => s.phase)).not.toContain('unreachable');
    // The agent's history says: it went through.
    await agent.connect(status(null, { ...failed('chg_1'), outcome: 'synced', failedStep: null, errorCode: null, completedSteps: ['verifyNew'] }));
    expect(core.getState()).toMatchObject({ phase: 'synced', result: { changeId: 'chg_1', outcome: 'synced' } });
  });

  it('back after an unknown outcome, a step that failed is told with the agent\'s reason for it', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    agent.answers.set('confirmChange', () => Promise.reject(new ConnectionLostError()));
    await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    agent.disconnect();
    await agent.connect(status(change('chg_1'), failed('chg_1', 'The login keychain is not on the previous password')));
    expect(core.getState()).toMatchObject({
      phase: 'attention',
      change: { id: 'chg_1' },
      problem: { code: 'stepFailed', step: 'keychain', completedSteps: ['verifyNew', 'verifyPrevious', 'account'], failureReason: 'The login keychain is not on the previous password' },
    });
  });

  it('a step that fails keeps the agent\'s reason in the problem, the answer and the diagnostics, and never a password', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    const reason = 'The keychain can be changed only while the person is signed in';
    agent.answers.set('confirmChange', () =>
      Promise.reject(new AgentCallError(ErrorCode.stepFailed, 'The keychain step failed', { step: 'keychain', completedSteps: ['verifyNew', 'verifyPrevious', 'account'], retrySafe: true, remedy: 'retry', failureReason: reason })),
    );
    const outcome = await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    const problem = { code: 'stepFailed', step: 'keychain', completedSteps: ['verifyNew', 'verifyPrevious', 'account'], retrySafe: true, remedy: 'retry', failureReason: reason };
    expect(outcome).toEqual({ ok: false, problem });
    expect(core.getState()).toMatchObject({ phase: 'attention', problem, change: { id: 'chg_1' } });
    agent.answers.set('diagnostics', () => Promise.reject(new ConnectionLostError()));
    const report = await core.diagnostics();
    expect(report.text).toContain(`State: attention (stepFailed at keychain: ${reason})`);
    for (const text of [JSON.stringify(core.getState()), JSON.stringify(outcome), report.text]) {
      expect(text).not.toContain(PASSWORDS.newPassword);
      expect(text).not.toContain(PASSWORDS.previousPassword);
    }
  });

  it('after a problem: back to the change that waits, to confirm or to be told, and a newer change replaces the problem', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    agent.answers.set('confirmChange', () => Promise.reject(new AgentCallError(ErrorCode.previousPasswordWrong, 'wrong', { attemptsLeft: 4 })));
    await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    expect(core.getState()).toMatchObject({ phase: 'attention', problem: { code: 'previousPasswordWrong', attemptsLeft: 4 }, change: { id: 'chg_1' } });
    agent.push(status(change('chg_1')));
    expect(core.getState().phase).toBe('attention');
    expect(core.dismissProblem()).toEqual({ ok: true });
    expect(core.getState()).toMatchObject({ phase: 'pending', change: { id: 'chg_1' } });
    await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    agent.push(status(change('chg_2', 'applied')));
    expect(core.getState()).toMatchObject({ phase: 'informed', change: { id: 'chg_2' } });
  });

  it('the agent going away is unreachable, with the reason, and no agent', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    agent.disconnect();
    expect(core.getState()).toMatchObject({ phase: 'unreachable', reason: 'notRunning', agent: null });
    agent.emit('unreachable', 'untrusted');
    expect(core.getState()).toMatchObject({ phase: 'unreachable', reason: 'untrusted' });
  });
});
