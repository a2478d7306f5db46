import type { AppState, PendingChange, PolicyView, Problem } from '../src/app-types';

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
export const DIRECTORY: AppState['directory'] = { state: 'online', account: 'active', syncEnabled: true };

/** A plausible AppState for a phase; tests override what they look at. */
export function appState(overrides: Partial<AppState> = {}): AppState {
  return {
    phase: 'idle',
    platform: 'darwin',
    policy: POLICY,
    demo: false,
    agent: { version: '1.4.0', platform: 'darwin', backend: 'darwin', user: 'alex', newKeychainAllowed: false },
    unreachable: null,
    provider: 'Okta',
    pendingChange: null,
    progress: [],
    lastResult: null,
    lastCheckIn: '2025-11-28T08:30:00.000Z',
    directory: DIRECTORY,
    simulationAvailable: false,
    problem: null,
    ...overrides,
  };
}

export function pendingState(overrides: Partial<AppState> = {}): AppState {
  return appState({ phase: 'pending', pendingChange: CHANGE, ...overrides });
}

export function attentionState(problem: Problem, overrides: Partial<AppState> = {}): AppState {
  return appState({ phase: 'attention', pendingChange: CHANGE, problem, ...overrides });
}

/** In sync, with the directory's view changed: e.g. `{ account: 'deactivated' }`. */
export function directoryState(directory: Partial<AppState['directory']>, overrides: Partial<AppState> = {}): AppState {
  return appState({ directory: { ...DIRECTORY, ...directory }, ...overrides });
}
