/**
 * Evaluated before React and the rest of the window: chooses the bridge and asks for
 * the first state at once, so the answer travels while the larger part of the page's
 * JavaScript is still being evaluated; and, in a window its host drew, holds the
 * person's early clicks until React can answer them (first-paint/early-input.ts).
 */
import type { AppState } from './app-types';
import { getBridge } from './bridge';
import { type EarlyInput, holdEarlyInput } from './first-paint/early-input';

export const bridge = getBridge();
export const earlyState: Promise<AppState> = bridge.getState();
// Handled where it is used; this keeps an early failure from being reported as unhandled.
earlyState.catch(() => undefined);

const root = document.getElementById('root');
export const earlyInput: EarlyInput | null = root?.hasChildNodes() ? holdEarlyInput(document, root) : null;
