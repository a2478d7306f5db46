/**
 * Evaluated first, before React and the rest of the window: chooses the bridge and
 * asks for the first state at once, so the answer travels while the larger part of
 * the page's JavaScript is still being evaluated.
 */
import type { AppState } from './app-types';
import { getBridge } from './bridge';

export const bridge = getBridge();
export const earlyState: Promise<AppState> = bridge.getState();
// Handled where it is used; this keeps an early failure from being reported as unhandled.
earlyState.catch(() => undefined);
