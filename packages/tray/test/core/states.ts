/** AppState values for core and main tests: any phase, with only the fields a test looks at given. */
import type { PendingChange, SyncResult } from '@pwsync/agent-protocol';
import type { AppState, SharedState } from '../../src/contract';
import { buildAppState, type StateFields } from '../state-builder';

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

export type { StateFields };

/** A state of the given phase (idle by default); a phase's own fields default to plausible values. */
export function appState(fields: StateFields = {}): AppState {
  return buildAppState({ shared: SHARED, change: (mode) => change('chg_1', mode), synced: () => syncedResult() }, fields);
}

export function pending(id = 'chg_1', fields: StateFields = {}): AppState {
  return appState({ phase: 'pending', change: change(id), ...fields });
}
