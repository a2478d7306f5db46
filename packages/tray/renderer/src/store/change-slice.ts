import type { StateCreator } from 'zustand';
import type { ConfirmOutcome, Problem } from '../app-types';
import type { AppStore } from './app-store';

/**
 * The confirm call's own outcome. Passwords are never here: they stay in the form
 * component and the one confirmChange call.
 */
export interface ChangeSlice {
  submitting: boolean;
  /** A problem confirmChange answered, shown at once rather than after the state push. */
  answeredProblem: Problem | null;
  /** The call itself failed, so nobody knows yet what happened: the next state decides. */
  answerUncertain: boolean;
  /** The last sync sent was a start-over with a new keychain, so the done screen says so. */
  startedOver: boolean;
  /**
   * The last sync sent was for a change the agent had already applied (Linux): it
   * re-keyed the login keyring and disk password, so the done screen says that.
   */
  rekeySent: boolean;
  confirmSubmitted(): void;
  startOverSubmitted(): void;
  confirmAnswered(outcome: ConfirmOutcome): void;
  /** The call threw; uncertain when it may have reached the agent all the same. */
  confirmCallFailed(problem: Problem, uncertain: boolean): void;
  problemDismissed(): void;
}

export const createChangeSlice: StateCreator<AppStore, [], [], ChangeSlice> = (set) => ({
  submitting: false,
  answeredProblem: null,
  answerUncertain: false,
  startedOver: false,
  rekeySent: false,
  confirmSubmitted: () =>
    set((store) => ({
      submitting: true,
      answeredProblem: null,
      answerUncertain: false,
      startedOver: false,
      rekeySent: store.appState?.pendingChange?.mode === 'applied',
    })),
  startOverSubmitted: () =>
    set({ submitting: true, answeredProblem: null, answerUncertain: false, startedOver: true, rekeySent: false }),
  confirmAnswered: (outcome) =>
    set({ submitting: false, answeredProblem: outcome.ok ? null : outcome.problem, answerUncertain: false }),
  confirmCallFailed: (problem, uncertain) => set({ submitting: false, answeredProblem: problem, answerUncertain: uncertain }),
  problemDismissed: () => set({ answeredProblem: null, answerUncertain: false, confirmStep: 'new' }),
});
