/**
 * What runs before React and the rest of the window: choosing the bridge and asking
 * for the first state (so the answer travels while the larger part of the page's
 * JavaScript is evaluated), and, in a window its host drew, holding the person's
 * early clicks until React can answer them (first-paint/early-input.ts).
 */
import type { AppState } from './app-types';
import { getBridge, type RendererBridge } from './bridge';
import { type EarlyInput, holdEarlyInput } from './first-paint/early-input';

const root = document.getElementById('root');
/** The host drew the window: it is on screen before any of this page's script has run. */
export const drawnByHost = Boolean(root?.hasChildNodes());
export const earlyInput: EarlyInput | null = root && drawnByHost ? holdEarlyInput(document, root) : null;

let started: { bridge: RendererBridge; earlyState: Promise<AppState> } | undefined;

/** The bridge, and the first state asked of it; the first call makes both. */
export function startBridge(): { bridge: RendererBridge; earlyState: Promise<AppState> } {
  if (!started) {
    const bridge = getBridge();
    const earlyState = bridge.getState();
    // Handled where it is used; this keeps an early failure from being reported as unhandled.
    earlyState.catch(() => undefined);
    started = { bridge, earlyState };
  }
  return started;
}
