/** AppState values for core and main tests: any phase, with only the fields a test looks at given. */
import type { PendingChange, SyncResult } from '@pwsync/agent-protocol';
import type { AppState, Phase, Problem, ProgressEntry, SharedState, UnreachableReason } from '../../src/contract';

export const SHARED: SharedState = {
  platform: 'darwin',
  policy: { organization: null, supportUrl: null, supportContact: null, newKeychainOffered: false, language: null, problems: [] },
  demo: false,
  agent: null,
  provider: 'Okta',
  directory: { state: 'none', account: 'unknown', syncEnabled: true, userName: null },
  lastCheckIn: null,
  lastResult: null,
  simulationAvailable: false,
  attempts: null,
  notificationsBlocked: false,
};

export function change(id = 'chg_1', mode: PendingChange['mode'] = 'confirm'): PendingChange {
  return { id, createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode };
}

export function syncedResult(changeId = 'chg_1'): SyncResult {
  return { changeId, outcome: 'synced', finishedAt: '2025-03-01T09:05:00.000Z', completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault'], failedStep: null, errorCode: null };
}

/** The shared part, the phase, and whatever of that phase's own fields the test cares about. */
export interface StateFields extends Partial<SharedState> {
  phase?: Phase;
  change?: PendingChange | null;
  problem?: Problem;
  reason?: UnreachableReason;
  progress?: ProgressEntry[];
  result?: SyncResult;
  replaced?: string | null;
  stalled?: boolean;
  startedOver?: boolean;
}

/** A state of the given phase (idle by default); a phase's own fields default to plausible values. */
export function appState(fields: StateFields = {}): AppState {
  const { phase = 'idle', change: given, problem, reason, progress, result, replaced = null, stalled = false, startedOver = false, ...shared } = fields;
  const base = { ...SHARED, ...shared };
  const held = given === undefined ? change('chg_1', phase === 'informed' ? 'applied' : 'confirm') : given;
  switch (phase) {
    case 'connecting':
    case 'idle':
      return { ...base, phase };
    case 'unreachable':
      return { ...base, phase, reason: reason ?? 'notRunning' };
    case 'pending':
      if (held?.mode !== 'confirm') throw new Error('a pending state holds a change to confirm');
      return { ...base, phase, change: { ...held, mode: held.mode }, replaced };
    case 'informed':
      if (held?.mode !== 'applied') throw new Error('an informed state holds a change the agent applied');
      return { ...base, phase, change: { ...held, mode: held.mode } };
    case 'confirming':
      if (!held) throw new Error('a confirming state holds the change it syncs');
      return { ...base, phase, change: held, progress: progress ?? [], stalled };
    case 'synced':
      return { ...base, phase, result: result ?? syncedResult(), startedOver };
    case 'attention':
      return { ...base, phase, problem: problem ?? { code: 'internal' }, change: held };
  }
}

export function pending(id = 'chg_1', fields: StateFields = {}): AppState {
  return appState({ phase: 'pending', change: change(id), ...fields });
}
