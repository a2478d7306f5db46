/**
 * Which screen the window shows, worked out from the app's state and the page's own
 * knowledge (a lost connection, a problem the confirm call already answered).
 */
import type { Phase, Problem, UnreachableReason } from '../app-types';
import type { AppStore } from './app-store';

export type ShownUnreachable = UnreachableReason | 'appConnectionLost';

export function selectPhase(store: AppStore): Phase {
  const state = store.appState;
  if (store.connectionLost) return 'unreachable';
  if (!state) return 'connecting';
  if (store.answeredProblem) return 'attention';
  // The agent went away while a sync's outcome is still unknown: saying only "not
  // running" (and "your password hasn't been changed") would be a guess. Keep saying
  // that pwsync is finding out, until the agent is back and says what happened.
  if (state.phase === 'unreachable' && isUnknownOutcome(state.problem)) return 'attention';
  // Windows and Linux: the agent applied the change itself; the person is only told.
  if (state.phase === 'pending' && state.pendingChange?.mode === 'applied') return 'informed';
  // Nothing to confirm yet: say we are still getting in touch rather than show an empty form.
  if (state.phase === 'pending' && !state.pendingChange) return 'connecting';
  return state.phase;
}

function isUnknownOutcome(problem: Problem | null): boolean {
  return problem?.code === 'outcomeUnknown' || problem?.code === 'connectionLost';
}

export function selectUnreachable(store: AppStore): ShownUnreachable {
  if (store.connectionLost) return 'appConnectionLost';
  return store.appState?.unreachable ?? 'notRunning';
}

export function selectProblem(store: AppStore): Problem | null {
  return store.answeredProblem ?? store.appState?.problem ?? null;
}

/** Which words describe a sync's steps and outcome: the Mac's keychain and FileVault, or Linux's keyring and disk. */
export type SyncWords = 'mac' | 'linux';

/**
 * Linux words where the sync re-keys a change the agent already applied: the one in hand,
 * else the last one sent, else whatever the real Linux backend last did. The browser demo
 * runs the Mac's confirm flow on a Linux host, and that flow keeps its Mac words.
 */
export function selectSyncWords(store: AppStore): SyncWords {
  const state = store.appState;
  if (state?.platform !== 'linux') return 'mac';
  const change = state.pendingChange;
  const rekey = change ? change.mode === 'applied' : store.rekeySent || state.agent?.backend === 'linux';
  return rekey ? 'linux' : 'mac';
}

/** The identity provider's name as people know it ("Okta"). */
export function selectProvider(store: AppStore): string {
  return store.appState?.provider ?? '';
}
