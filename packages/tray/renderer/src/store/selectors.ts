/** Formatting helpers: which words the window uses for what the app's state says. */
import type { AppState } from '../app-types';
import type { AppStore } from './app-store';

/** Which words describe a sync's steps and outcome: the Mac's keychain and FileVault, or Linux's keyring and disk. */
export type SyncWords = 'mac' | 'linux';

/**
 * Linux words on Linux (a change the agent applied and the person re-keys, or one it could
 * not apply and the person confirms), the Mac's elsewhere. The platform is the agent's
 * (contract.ts), so the demo's practice Mac keeps its Mac words on any host.
 */
export function syncWords(state: AppState | null): SyncWords {
  return state?.platform === 'linux' ? 'linux' : 'mac';
}

/** The identity provider's name as people know it ("Okta"). */
export function selectProvider(store: AppStore): string {
  return store.appState?.provider ?? '';
}
