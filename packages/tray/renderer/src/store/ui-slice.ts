import type { StateCreator } from 'zustand';
import type { View } from '../app-types';
import type { AppStore } from './app-store';

/** new → previous is the confirm flow; forgot → startOver is the path for a forgotten previous password. */
export type ConfirmStep = 'new' | 'previous' | 'forgot' | 'startOver';

/** What the window shows beside the phase's own screen: the status and support views (the tray can ask for them too). */
export type { View };

/** What the window shows that the app does not decide. */
export interface UiSlice {
  confirmStep: ConfirmStep;
  view: View;
  /** Linux, after the agent applied a change: the person opened the optional keyring and disk password update. */
  rekeyOpen: boolean;
  newPasswordEntered(): void;
  backRequested(): void;
  /** The person said they do not remember their previous password. */
  forgotPreviousRequested(): void;
  /** They read what starting over means and said they understand. */
  startOverAcknowledged(): void;
  viewRequested(view: View): void;
  /** The person chose to update their keyring and disk password too (Linux). */
  rekeyRequested(): void;
  /** They went back from that form to the informed screen. */
  rekeyCancelled(): void;
  /** The window was hidden: the form starts over (or closes, on Linux), its fields already cleared. */
  windowHidden(): void;
}

export const createUiSlice: StateCreator<AppStore, [], [], UiSlice> = (set) => ({
  confirmStep: 'new',
  view: 'main',
  rekeyOpen: false,
  newPasswordEntered: () => set({ confirmStep: 'previous' }),
  backRequested: () => set({ confirmStep: 'new' }),
  forgotPreviousRequested: () => set({ confirmStep: 'forgot', view: 'main' }),
  startOverAcknowledged: () => set({ confirmStep: 'startOver' }),
  viewRequested: (view) => set({ view }),
  rekeyRequested: () => set({ rekeyOpen: true, confirmStep: 'new' }),
  rekeyCancelled: () => set({ rekeyOpen: false, confirmStep: 'new' }),
  windowHidden: () => set({ confirmStep: 'new', rekeyOpen: false }),
});
