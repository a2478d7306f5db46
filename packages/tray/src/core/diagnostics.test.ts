import { describe, expect, it } from 'vitest';
import { type Diagnostics, ErrorCode } from '@pwsync/agent-protocol';
import type { DiagnosticsReport, Problem } from '../contract';
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

function build(state = appState(), agent: Diagnostics | null = AGENT, now = new Date('2025-03-01T09:10:00.000Z')): DiagnosticsReport {
  return buildDiagnostics({ appVersion: '0.1.0', state, agent, policy: defaultPolicy(), history: [], now });
}

function report(state = appState(), agent: Diagnostics | null = AGENT): string {
  return build(state, agent).text;
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

describe("the diagnostics text on a Mac", () => {
  const mac = {
    accountKind: 'local',
    secureToken: false,
    fileVault: 'on',
    fileVaultUser: false,
    platformSSO: { device: 'none', user: 'none', loginType: null },
    bootstrapToken: { supportedOnServer: true, escrowedToServer: true },
  } as const;

  it("carries what the agent found about the account (protocol 1.3), unredacted, and a new fact makes a new support code", () => {
    const text = report(appState(), { ...AGENT, mac });
    expect(text).toContain(
      [
        '[Mac]',
        'account: local',
        'SecureToken: no',
        'FileVault: on, does not unlock for this person',
        'Platform SSO: device not set up, not for this person',
        'bootstrap: its token is escrowed to the MDM',
        'Note: no SecureToken, so this person cannot unlock FileVault at start-up (support guide: "A Mac account without a SecureToken")',
      ].join('\n'),
    );
    expect(text).not.toContain('[redacted]');
    expect(build(appState(), { ...AGENT, mac }).supportCode).not.toBe(build(appState(), { ...AGENT, mac: { ...mac, secureToken: true } }).supportCode);
    expect(report(appState(), AGENT)).not.toContain('[Mac]');
  });
});

describe('the support code', () => {
  it('is one per state: the same at every report of it, whenever made, however long the agent has run and whenever it last checked in', () => {
    const first = build(appState({ phase: 'pending', change: change('chg_1') }));
    const later = build(
      appState({ phase: 'pending', change: change('chg_1') }),
      { ...AGENT, uptimeSeconds: 7260, directory: { ...AGENT.directory, lastCheckIn: '2025-03-01T11:00:00.000Z' } },
      new Date('2025-03-01T11:01:00.000Z'),
    );
    expect(first.supportCode).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    expect(later.supportCode).toBe(first.supportCode);
    expect(first.text.split('\n')[0]).toBe(`pwsync diagnostics — support code ${first.supportCode}`);
    expect(later.text.split('\n')[0]).toBe(`pwsync diagnostics — support code ${first.supportCode}`);
    // The changing lines are still there for support to read.
    expect(later.text).toContain('Up for: 7260 s');
    expect(later.text).toContain('Last check-in: 2025-03-01T11:00:00.000Z');
  });

  it('changes with any fact of the state: the phase, the change waiting, the tries left, the directory', () => {
    const base = build(appState({ phase: 'pending', change: change('chg_1') })).supportCode;
    const others = [
      build(appState({ phase: 'attention', problem: { code: 'previousPasswordWrong', attemptsLeft: 4 }, change: change('chg_1') })),
      build(appState({ phase: 'pending', change: change('chg_2') })),
      build(appState({ phase: 'pending', change: change('chg_1') }), { ...AGENT, attempts: { left: 4, lockedUntil: null } }),
      build(appState({ phase: 'pending', change: change('chg_1') }), { ...AGENT, directory: { ...AGENT.directory, state: 'offline' } }),
      build(appState({ phase: 'pending', change: change('chg_1') }), { ...AGENT, directory: { ...AGENT.directory, lastCheckIn: null } }),
      build(appState({ phase: 'unreachable', reason: 'notRunning' }), null),
    ].map((r) => r.supportCode);
    for (const code of others) expect(code).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });
});
