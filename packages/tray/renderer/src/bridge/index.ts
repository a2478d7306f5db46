/**
 * The one way the page reaches the app: Electron's preload puts `window.pwsync` in
 * place; without it (the browser demo) the page talks HTTP to the demo server.
 */
import type { PwsyncBridge } from '../app-types';
import type { RendererBridge } from './bridge-types';
import { browserEnvironment, createHttpBridge } from './http-bridge';

export type { RendererBridge } from './bridge-types';

declare global {
  interface Window {
    /** Set by the preload in Electron; absent in the browser demo. */
    readonly pwsync?: PwsyncBridge;
  }
}

let bridge: RendererBridge | undefined;

/** Chosen once, on first use, so the demo token is read from the URL exactly once. */
export function getBridge(): RendererBridge {
  bridge ??= window.pwsync ?? createHttpBridge(browserEnvironment());
  return bridge;
}

/** Lets a test start from "no bridge chosen yet". */
export function forgetBridge(): void {
  bridge = undefined;
}
