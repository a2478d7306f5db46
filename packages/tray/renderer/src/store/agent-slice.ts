import type { StateCreator } from 'zustand';
import { type AppState, changeOf } from '../app-types';
import type { AppStore } from './app-store';

/** What the app (and through it the agent) last told us. */
export interface AgentSlice {
  appState: AppState | null;
  /** The page lost its own link to the app (browser demo): shown as unreachable until a new state comes. */
  connectionLost: boolean;
  /**
   * The browser demo's server does not accept this page (opened without its token, with
   * an earlier run's, or at another host name): nothing about the app is known, and the
   * window says which address to open. No state can come to this page, so it stays.
   */
  addressNeeded: boolean;
  stateReceived(state: AppState): void;
  appConnectionLost(): void;
  addressRefused(): void;
}

const REKEY_PHASES: ReadonlySet<AppState['phase']> = new Set(['pending', 'informed', 'confirming', 'attention']);

export const createAgentSlice: StateCreator<AppStore, [], [], AgentSlice> = (set) => ({
  appState: null,
  connectionLost: false,
  addressNeeded: false,
  stateReceived: (state) =>
    set((store) => {
      // A newer change in its place: what was typed or answered was about the one it replaced.
      const sameChange = changeOf(store.appState)?.id === changeOf(state)?.id;
      const waits = state.phase === 'pending' || state.phase === 'informed';
      return {
        appState: state,
        connectionLost: false,
        // A problem answered by confirmChange stands until the state catches up with it (a
        // late push from before the answer still says pending or confirming); after a call
        // that failed outright, or once a newer change took its place, the state is better knowledge.
        answered:
          store.answered && !store.answerUncertain && sameChange && (state.phase === 'pending' || state.phase === 'confirming')
            ? { ...store.answered, change: changeOf(state) }
            : null,
        answerUncertain: false,
        // The form keeps its step while the change still waits (an informed change on Linux
        // waits too: its keyring and disk password can still be updated). A newer change
        // starts the two steps over, since its new password is not the one typed; the
        // start-over path keeps its place, its one field emptied with the form it is in.
        confirmStep: !waits ? 'new' : sameChange || store.confirmStep !== 'previous' ? store.confirmStep : 'new',
      // The keyring and disk password form stays open through its own sync and any problem it
      // meets, so "Try again" comes back to it; once the change is done or gone, it closes.
      rekeyOpen: REKEY_PHASES.has(state.phase) ? store.rekeyOpen : false,
      };
    }),
  appConnectionLost: () => set({ connectionLost: true }),
  addressRefused: () => set({ addressNeeded: true }),
});
