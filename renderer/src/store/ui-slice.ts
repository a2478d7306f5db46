import type { StateCreator } from 'zustand';
import type { AppStore } from './app-store';

export type ConfirmStep = 'new' | 'previous';

/** What the window shows that the app does not decide. */
export interface UiSlice {
  confirmStep: ConfirmStep;
  newPasswordEntered(): void;
  backRequested(): void;
  /** The window was hidden: the form starts over, its fields already cleared. */
  windowHidden(): void;
}

export const createUiSlice: StateCreator<AppStore, [], [], UiSlice> = (set) => ({
  confirmStep: 'new',
  newPasswordEntered: () => set({ confirmStep: 'previous' }),
  backRequested: () => set({ confirmStep: 'new' }),
  windowHidden: () => set({ confirmStep: 'new' }),
});
