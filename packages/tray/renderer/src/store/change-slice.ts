import type { StateCreator } from 'zustand';
import { changeOf, type ConfirmOutcome, type PageState, type Problem } from '../app-types';
import type { AppStore } from './app-store';

/** A problem a call of the page's own answered, drawn as the attention phase until the app's state catches up. */
export type AnsweredProblem = Extract<PageState, { phase: 'attention' }>;

/**
 * The confirm call's own outcome. Passwords are never here: they stay in the form
 * component and the one confirmChange call.
 */
export interface ChangeSlice {
  submitting: boolean;
  /** A problem confirmChange answered, shown at once rather than after the state push. */
  answered: AnsweredProblem | null;
  /** The call itself failed, so nobody knows yet what happened: the next state decides. */
  answerUncertain: boolean;
  /** The last sync sent was a start-over with a new keychain, so "Try again" comes back to its form. */
  startedOver: boolean;
  confirmSubmitted(): void;
  startOverSubmitted(): void;
  confirmAnswered(outcome: ConfirmOutcome): void;
  /** The call threw; uncertain when it may have reached the agent all the same. */
  confirmCallFailed(problem: Problem, uncertain: boolean): void;
  problemDismissed(): void;
}

/** The problem as the window draws it, about the change the app's state holds. */
function answer(store: AppStore, problem: Problem): AnsweredProblem {
  return { phase: 'attention', problem, change: changeOf(store.appState) };
}

export const createChangeSlice: StateCreator<AppStore, [], [], ChangeSlice> = (set) => ({
  submitting: false,
  answered: null,
  answerUncertain: false,
  startedOver: false,
  confirmSubmitted: () => set({ submitting: true, answered: null, answerUncertain: false, startedOver: false }),
  startOverSubmitted: () => set({ submitting: true, answered: null, answerUncertain: false, startedOver: true }),
  confirmAnswered: (outcome) =>
    set((store) => ({ submitting: false, answered: outcome.ok ? null : answer(store, outcome.problem), answerUncertain: false })),
  confirmCallFailed: (problem, uncertain) => set((store) => ({ submitting: false, answered: answer(store, problem), answerUncertain: uncertain })),
  // "Try again" goes back to the form that was sent: after a start-over, to its own form,
  // since the person already read and accepted what starting over means.
  problemDismissed: () => set((store) => ({ answered: null, answerUncertain: false, confirmStep: store.startedOver ? 'startOver' : 'new' })),
});
