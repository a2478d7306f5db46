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
  /** The person read and accepted what starting over means, since they last left that path. */
  startOverAccepted: boolean;
  /** The Help view should bring its diagnostics into view (a problem's "Diagnostics for IT support"). */
  diagnosticsWanted: boolean;
  newPasswordEntered(): void;
  /** Back (or Escape) to the first step of the confirm flow. */
  backRequested(): void;
  /** Back (or Escape) from the start-over form to what starting over means, already accepted. */
  startOverBackRequested(): void;
  /** The person wants the diagnostics for IT support: Help, opened at them. */
  diagnosticsRequested(): void;
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
  diagnosticsWanted: false,
  startOverAccepted: false,
  newPasswordEntered: () => set({ confirmStep: 'previous' }),
  backRequested: () => set({ confirmStep: 'new', startOverAccepted: false }),
  startOverBackRequested: () => set({ confirmStep: 'forgot' }),
  diagnosticsRequested: () => set({ view: 'support', diagnosticsWanted: true }),
  forgotPreviousRequested: () => set({ confirmStep: 'forgot', view: 'main', startOverAccepted: false }),
  startOverAcknowledged: () => set({ confirmStep: 'startOver', startOverAccepted: true }),
  viewRequested: (view) => set({ view, diagnosticsWanted: false }),
  rekeyRequested: () => set({ rekeyOpen: true, confirmStep: 'new' }),
  rekeyCancelled: () => set({ rekeyOpen: false, confirmStep: 'new' }),
  windowHidden: () => set({ confirmStep: 'new', rekeyOpen: false, startOverAccepted: false }),
});
