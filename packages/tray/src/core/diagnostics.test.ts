import { describe, expect, it } from 'vitest';
import { type Diagnostics, ErrorCode } from '@pwsync/agent-protocol';
import type { Problem } from '../contract';
import { buildDiagnostics } from './diagnostics';
import { defaultPolicy } from './policy';
import { appState, change } from '../../test/core/states';

const REASON = 'fdesetup isactive exit 2';

const AGENT: Diagnostics = {
  agent: { name: 'pwsync-agent', version: '0.1.0' },
  protocolVersion: '1.1',
  platform: 'darwin',
  backend: 'darwin',
  user: 'alex',
  uptimeSeconds: 60,
  directory: { state: 'online', lastCheckIn: '2025-03-01T09:00:00.000Z', account: 'active', syncEnabled: true },
  pendingChange: change('chg_1'),
  journal: { changeId: 'chg_1', completedSteps: ['account', 'keychain'], interruptedStep: null },
  history: [
    { changeId: 'chg_1', outcome: 'failed', finishedAt: '2025-03-01T09:02:00.000Z', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain'], failedStep: 'fileVault', errorCode: ErrorCode.stepFailed, failureReason: REASON },
    { changeId: 'chg_0', outcome: 'synced', finishedAt: '2025-02-01T09:02:00.000Z', completedSteps: ['verifyNew'], failedStep: null, errorCode: null },
  ],
  attempts: { left: 5, lockedUntil: null },
  policy: { newKeychainAllowed: false },
};

function report(state = appState(), agent: Diagnostics | null = AGENT): string {
  return buildDiagnostics({ appVersion: '0.1.0', state, agent, policy: defaultPolicy(), history: [], now: new Date('2025-03-01T09:10:00.000Z'), code: 'K7QM-4XPD' }).text;
}

describe('the diagnostics text', () => {
  it("says why a step failed, in the agent's words, beside the step, in the agent's history and for the problem on screen", () => {
    const problem: Problem = { code: 'stepFailed', step: 'fileVault', completedSteps: ['account'], failureReason: REASON };
    const text = report(appState({ phase: 'attention', problem, change: change('chg_1') }));
    expect(text).toContain(`State: attention (stepFailed at fileVault: ${REASON})`);
    expect(text).toContain('Pending change: chg_1 from Okta, 2025-03-01T08:59:00.000Z');
    expect(text).toContain(`  2025-03-01T09:02:00.000Z chg_1 failed at fileVault: ${REASON} [verifyNew, verifyPrevious, account, keychain]`);
    expect(text).toContain('  2025-02-01T09:02:00.000Z chg_0 synced [verifyNew]');
  });

  it('reads each phase for what it holds: why the agent is out of reach, and that nothing is known of a change then', () => {
    const text = report(appState({ phase: 'unreachable', reason: 'untrusted' }), null);
    expect(text).toContain('State: unreachable (untrusted)');
    expect(text).toContain('Pending change: not known (no agent connected)');
    expect(text).toContain('Connected: no (untrusted)');
    expect(report(appState({ phase: 'idle' }))).toContain('Pending change: none');
    expect(report(appState({ phase: 'synced' }))).toMatch(/State: synced\n/);
  });
});
