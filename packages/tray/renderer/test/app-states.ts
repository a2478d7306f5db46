import type { AppState, LastResult, PendingChange, Phase, PolicyView, Problem, ProgressEntry, SharedState, UnreachableReason } from '../src/app-types';

export const CHANGE: PendingChange = {
  id: 'chg-42',
  createdAt: '2025-11-28T09:00:00.000Z',
  provider: 'Okta',
  mode: 'confirm',
};

export const POLICY: PolicyView = {
  organization: 'Example Corp',
  supportUrl: 'https://support.example.com/pwsync',
  supportContact: 'IT Help Desk, extension 4357',
  newKeychainOffered: false,
  language: null,
  problems: [],
};

/** The directory as it usually is: reachable, the account active, sync on. */
export const DIRECTORY: AppState['directory'] = { state: 'online', account: 'active', syncEnabled: true, userName: null };

/** How a sync of CHANGE ends when every step on a Mac went through. */
export const SYNCED: LastResult = {
  changeId: CHANGE.id,
  outcome: 'synced',
  finishedAt: '2025-11-28T09:05:00.000Z',
  completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault'],
  failedStep: null,
  errorCode: null,
};

const SHARED: SharedState = {
  platform: 'darwin',
  policy: POLICY,
  demo: false,
  agent: { version: '1.4.0', platform: 'darwin', backend: 'darwin', user: 'alex', newKeychainAllowed: false },
  provider: 'Okta',
  directory: DIRECTORY,
  lastCheckIn: '2025-11-28T08:30:00.000Z',
  lastResult: null,
  simulationAvailable: false,
  attempts: { left: 5, lockedUntil: null },
  notificationsBlocked: false,
};

/** The shared part, the phase, and whatever of that phase's own fields the test cares about. */
export interface StateFields extends Partial<SharedState> {
  phase?: Phase;
  change?: PendingChange | null;
  problem?: Problem;
  reason?: UnreachableReason;
  progress?: ProgressEntry[];
  /** synced: the result; when left out, the lastResult given (the core sets both), else SYNCED. */
  result?: LastResult;
  replaced?: string | null;
  stalled?: boolean;
  startedOver?: boolean;
}

/**
 * A plausible AppState for a phase (idle by default), as the core would send it: a
 * phase's own fields default to plausible values (CHANGE, applied for informed).
 */
export function appState(fields: StateFields = {}): AppState {
  const { phase = 'idle', change: given, problem, reason, progress, result, replaced = null, stalled = false, startedOver = false, ...shared } = fields;
  const base = { ...SHARED, ...shared };
  const change = given === undefined ? { ...CHANGE, mode: phase === 'informed' ? ('applied' as const) : ('confirm' as const) } : given;
  switch (phase) {
    case 'connecting':
    case 'idle':
      return { ...base, phase };
    case 'unreachable':
      return { ...base, phase, reason: reason ?? 'notRunning' };
    case 'pending':
      if (change?.mode !== 'confirm') throw new Error('a pending state holds a change to confirm');
      return { ...base, phase, change: { ...change, mode: change.mode }, replaced };
    case 'informed':
      if (change?.mode !== 'applied') throw new Error('an informed state holds a change the agent applied');
      return { ...base, phase, change: { ...change, mode: change.mode } };
    case 'confirming':
      if (!change) throw new Error('a confirming state holds the change it syncs');
      return { ...base, phase, change, progress: progress ?? [], stalled };
    case 'synced':
      return { ...base, phase, result: result ?? base.lastResult ?? SYNCED, startedOver };
    case 'attention':
      return { ...base, phase, problem: problem ?? { code: 'internal' }, change };
  }
}

export function pendingState(fields: StateFields = {}): AppState {
  return appState({ phase: 'pending', change: CHANGE, ...fields });
}

export function attentionState(problem: Problem, fields: StateFields = {}): AppState {
  return appState({ phase: 'attention', change: CHANGE, problem, ...fields });
}

/** In sync, with the directory's view changed: e.g. `{ account: 'deactivated' }`. */
export function directoryState(directory: Partial<AppState['directory']>, fields: StateFields = {}): AppState {
  return appState({ directory: { ...DIRECTORY, ...directory }, ...fields });
}
