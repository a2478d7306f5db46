/** AppState values for core tests. */
import type { AppState } from '../../src/contract';

export function appState(patch: Partial<AppState> = {}): AppState {
  return {
    phase: 'idle',
    platform: 'darwin',
    policy: { organization: null, supportUrl: null, supportContact: null, newKeychainOffered: false, language: null, problems: [] },
    demo: false,
    agent: null,
    unreachable: null,
    provider: 'Okta',
    pendingChange: null,
    progress: [],
    lastResult: null,
    lastCheckIn: null,
    directory: { state: 'none', account: 'unknown', syncEnabled: true },
    simulationAvailable: false,
    problem: null,
    ...patch,
  };
}

export function pending(id = 'chg_1', patch: Partial<AppState> = {}): AppState {
  return appState({ phase: 'pending', pendingChange: { id, createdAt: '2025-03-01T08:59:00.000Z', provider: 'Okta', mode: 'confirm' }, ...patch });
}
