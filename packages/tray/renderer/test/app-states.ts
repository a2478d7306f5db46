import type { AppState, LastResult, PendingChange, PolicyView, Problem, SharedState } from '../src/app-types';
import { buildAppState, type StateFields } from '../../test/state-builder';

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

export type { StateFields };

/**
 * A plausible AppState for a phase (idle by default), as the core would send it: a
 * phase's own fields default to plausible values (CHANGE, applied for informed; synced:
 * the lastResult given, as the core sets both, else SYNCED).
 */
export function appState(fields: StateFields = {}): AppState {
  return buildAppState({ shared: SHARED, change: (mode) => ({ ...CHANGE, mode }), synced: (base) => base.lastResult ?? SYNCED }, fields);
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
