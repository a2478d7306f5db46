/**
 * The core decides the phase, once: each screen the window and the tray draw comes from
 * here. A scripted agent client plays the agent, so every turn is tested without sockets.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type AgentStatus, ErrorCode, type StepState, type SyncStep, type InitializeResult, type MethodName, type PendingChange, type Platform, type SyncResult } from '@pwsync/agent-protocol';
import { FakeClock } from '@pwsync/testing/fake-clock';
import type { AppState } from '../contract';
import { AgentCallError, type AgentClientEvents, ConnectionLostError } from './agent-client';
import { silentLogger } from '@pwsync/node-kit/log';
import { defaultPolicy } from './policy';
import { STALL_AFTER_MS, TrayCore } from './tray-core';

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
  async connect(first: AgentStatus, init: InitializeResult = INIT): Promise<void> {
    this.connected = true;
    this.answers.set('status', async () => first);
    this.emit('connected', init);
    await new Promise((resolve) => setImmediate(resolve));
  }
  disconnect(): void {
    this.connected = false;
    this.emit('disconnected');
  }
  push(next: AgentStatus): void {
    this.emit('notification', { name: 'statusChanged', params: { status: next } });
  }
  progress(changeId: string, step: SyncStep, state: StepState): void {
    this.emit('notification', { name: 'syncProgress', params: { changeId, step, state } });
  }
}

function setUp(options: { platform?: Platform; clock?: FakeClock } = {}) {
  const agent = new ScriptedAgent();
  const core = new TrayCore({ client: agent, logger: silentLogger, demo: false, appVersion: '0.1.0', platform: options.platform ?? 'darwin', clock: options.clock });
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

const synced = (changeId: string, completedSteps: SyncStep[] = ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault', 'report']): SyncResult => ({
  changeId,
  outcome: 'synced',
  finishedAt: '2025-03-01T09:05:00.000Z',
  completedSteps,
  failedStep: null,
  errorCode: null,
});

describe('what the core adds to the phase, where the facts arrive', () => {
  it('speaks of the computer the agent says it serves: a practice Mac on a Linux host is a Mac', async () => {
    const { agent, core } = setUp({ platform: 'linux' });
    expect(core.getState().platform).toBe('linux');
    await agent.connect(status(change('chg_1')));
    expect(core.getState()).toMatchObject({ platform: 'darwin', agent: { platform: 'darwin', backend: 'sandbox' } });
    // Gone again: still the same computer.
    agent.disconnect();
    expect(core.getState().platform).toBe('darwin');
  });

  it('keeps the tries left, any lock, and the person as the identity provider names them, from each status', async () => {
    const { agent, core } = setUp();
    expect(core.getState().attempts).toBeNull();
    const first = status(change('chg_1'));
    await agent.connect({ ...first, directory: { ...first.directory, userName: 'alex@example.com' }, attempts: { left: 0, lockedUntil: '2025-03-01T09:10:00.000Z' } });
    expect(core.getState()).toMatchObject({
      attempts: { left: 0, lockedUntil: '2025-03-01T09:10:00.000Z' },
      directory: { state: 'online', account: 'active', syncEnabled: true, userName: 'alex@example.com' },
    });
    agent.push(status(change('chg_1')));
    expect(core.getState()).toMatchObject({ attempts: { left: 5, lockedUntil: null }, directory: { userName: null } });
  });

  it('a newer change that arrives while one waits says which it replaced, until a confirmation is sent for it', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    expect(core.getState()).toMatchObject({ phase: 'pending', replaced: null });
    agent.push(status(change('chg_2')));
    expect(core.getState()).toMatchObject({ phase: 'pending', change: { id: 'chg_2' }, replaced: 'chg_1' });
    // A problem and back: still the newest, still said.
    agent.answers.set('confirmChange', () => Promise.reject(new AgentCallError(ErrorCode.previousPasswordWrong, 'wrong', { attemptsLeft: 4 })));
    await core.confirmChange({ changeId: 'chg_2', ...PASSWORDS });
    agent.push(status(change('chg_2')));
    core.dismissProblem();
    expect(core.getState()).toMatchObject({ phase: 'pending', change: { id: 'chg_2' }, replaced: null });
  });

  it('a newer change during a problem about the older one replaces it, saying so', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    agent.answers.set('confirmChange', () => Promise.reject(new AgentCallError(ErrorCode.previousPasswordWrong, 'wrong', { attemptsLeft: 4 })));
    await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    agent.push(status(change('chg_2')));
    expect(core.getState()).toMatchObject({ phase: 'pending', change: { id: 'chg_2' }, replaced: 'chg_1' });
    // A confirmation for the older one never reaches the agent: nothing is counted.
    agent.answers.set('confirmChange', () => Promise.reject(new Error('must not be called')));
    expect(await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS })).toEqual({ ok: false, problem: { code: 'changeNotFound' } });
    expect(core.getState()).toMatchObject({ phase: 'pending', change: { id: 'chg_2' }, replaced: 'chg_1' });
  });

  it('says a sync is stalled after the agent has said nothing for longer than its step takes, and not once it speaks again', async () => {
    const clock = new FakeClock();
    const { agent, core } = setUp({ clock });
    await agent.connect(status(change('chg_1')));
    let finish!: () => void;
    agent.answers.set('confirmChange', () => new Promise((resolve) => (finish = () => resolve({ result: synced('chg_1') }))));
    const outcome = core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    expect(core.getState()).toMatchObject({ phase: 'confirming', stalled: false });
    clock.advance(STALL_AFTER_MS.usual - 1);
    expect(core.getState()).toMatchObject({ stalled: false });
    clock.advance(1);
    expect(core.getState()).toMatchObject({ phase: 'confirming', stalled: true });
    agent.progress('chg_1', 'verifyNew', 'running');
    expect(core.getState()).toMatchObject({ stalled: false });
    // FileVault's step refreshes the start-up screen, which often takes half a minute: it gets longer.
    agent.progress('chg_1', 'fileVault', 'running');
    clock.advance(STALL_AFTER_MS.usual);
    expect(core.getState()).toMatchObject({ stalled: false });
    clock.advance(STALL_AFTER_MS.fileVault - STALL_AFTER_MS.usual);
    expect(core.getState()).toMatchObject({ stalled: true });
    finish();
    await outcome;
    expect(core.getState().phase).toBe('synced');
    expect(clock.pending).toBe(0);
  });

  it('says a sync was a start-over, also when its outcome is known only after the agent is back', async () => {
    const agent = new ScriptedAgent();
    const defaults = defaultPolicy();
    const policy = { ...defaults, policy: { ...defaults.policy, newKeychainOffered: true } };
    const core = new TrayCore({ client: agent, logger: silentLogger, demo: false, appVersion: '0.1.0', platform: 'darwin', policy });
    const allowing = { ...INIT, capabilities: { ...INIT.capabilities, newKeychain: true } };
    await agent.connect(status(change('chg_1')), allowing);
    const startedOver = synced('chg_1', ['verifyNew', 'account', 'keychain', 'fileVault']);
    agent.answers.set('startOver', async () => ({ result: startedOver }));
    await core.startOver({ changeId: 'chg_1', newPassword: PASSWORDS.newPassword, acknowledged: true });
    expect(core.getState()).toMatchObject({ phase: 'synced', startedOver: true });
    // The same, where the connection dropped during the sync and the agent's history says how it ended.
    agent.push(status(change('chg_2')));
    agent.answers.set('startOver', () => Promise.reject(new ConnectionLostError()));
    await core.startOver({ changeId: 'chg_2', newPassword: PASSWORDS.newPassword, acknowledged: true });
    agent.disconnect();
    await agent.connect(status(null, { ...startedOver, changeId: 'chg_2' }), allowing);
    expect(core.getState()).toMatchObject({ phase: 'synced', startedOver: true, result: { changeId: 'chg_2' } });
  });

  it('lets the result give way once the person has seen it, to the resting phase, keeping the result for Status', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    agent.answers.set('confirmChange', async () => ({ result: synced('chg_1') }));
    await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    expect(core.getState()).toMatchObject({ phase: 'synced', startedOver: false });
    agent.push(status(null, synced('chg_1')));
    expect(core.getState().phase).toBe('synced');
    core.resultSeen();
    expect(core.getState()).toMatchObject({ phase: 'idle', lastResult: { changeId: 'chg_1' } });
    // Nothing else gives way to it.
    agent.push(status(change('chg_3')));
    core.resultSeen();
    expect(core.getState()).toMatchObject({ phase: 'pending', change: { id: 'chg_3' } });
  });

  it('passes on whose rule it is when the agent refuses, with its words for support', async () => {
    const { agent, core } = setUp();
    await agent.connect(status(change('chg_1')));
    const words = "Platform SSO manages this account's password and keeps it in step with the identity provider itself, so pwsync leaves it alone.";
    agent.answers.set('confirmChange', () => Promise.reject(new AgentCallError(ErrorCode.notAllowed, words, { reason: 'managedAccount', failureReason: words })));
    const outcome = await core.confirmChange({ changeId: 'chg_1', ...PASSWORDS });
    expect(outcome).toEqual({ ok: false, problem: { code: 'notAllowed', notAllowedReason: 'managedAccount', failureReason: words } });
  });

  it('says when the system shows no notifications, once per change of mind', () => {
    const { core, seen } = setUp();
    core.notificationsChanged(true);
    core.notificationsChanged(true);
    expect(core.getState().notificationsBlocked).toBe(true);
    core.notificationsChanged(false);
    expect(seen.map((state) => state.notificationsBlocked)).toEqual([true, false]);
  });
});
