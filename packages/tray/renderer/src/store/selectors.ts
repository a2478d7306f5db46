/** Formatting helpers: which words the window uses for what the app's state says. */
import type { AppState, PendingChange } from '../app-types';
import type { AppStore } from './app-store';

/** Which words describe a sync's steps and outcome: the Mac's keychain and FileVault, or Linux's keyring and disk. */
export type SyncWords = 'mac' | 'linux';

/**
 * Linux words where the sync re-keys a change the agent already applied: the change in
 * hand, else the last one sent, else whatever the real Linux backend last did. The
 * browser demo runs the Mac's confirm flow on a Linux host, and that flow keeps its Mac words.
 */
export function syncWords(state: AppState | null, change: PendingChange | null, rekeySent: boolean): SyncWords {
  if (state?.platform !== 'linux') return 'mac';
  const rekey = change ? change.mode === 'applied' : rekeySent || state.agent?.backend === 'linux';
  return rekey ? 'linux' : 'mac';
}

/** The identity provider's name as people know it ("Okta"). */
export function selectProvider(store: AppStore): string {
  return store.appState?.provider ?? '';
}
