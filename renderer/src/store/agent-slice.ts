import type { StateCreator } from 'zustand';
import type { AppState } from '../app-types';
import type { AppStore } from './app-store';

/** What the app (and through it the agent) last told us. */
export interface AgentSlice {
  appState: AppState | null;
  /** The page lost its own link to the app (browser demo): shown as unreachable until a new state comes. */
  connectionLost: boolean;
  stateReceived(state: AppState): void;
  appConnectionLost(): void;
}

export const createAgentSlice: StateCreator<AppStore, [], [], AgentSlice> = (set) => ({
  appState: null,
  connectionLost: false,
  stateReceived: (state) =>
    set((store) => ({
      appState: state,
      connectionLost: false,
      // A problem answered by confirmChange stands until the state catches up with it;
      // after a call that failed outright, any newer state is better knowledge.
      answeredProblem:
        store.answerUncertain || (state.phase !== 'pending' && state.phase !== 'confirming') ? null : store.answeredProblem,
      answerUncertain: false,
      confirmStep: state.phase === 'pending' ? store.confirmStep : 'new',
    })),
  appConnectionLost: () => set({ connectionLost: true }),
});
