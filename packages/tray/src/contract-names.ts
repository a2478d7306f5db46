/**
 * The contract's calls and pushes by name, with the channel each travels on, and the
 * bridge's error codes: no schemas, so that the preload (which must stay free of zod:
 * see preload.ts) and the renderer's HTTP bridge can build `window.pwsync` from these
 * names at run time. contract.ts gives every name here its schemas, and fails to
 * compile if the two disagree; everything else is derived from the two.
 */

/** Renderer → main calls, each on its own channel. */
export const INVOKE_CHANNELS = {
  getState: 'pwsync:get-state',
  confirmChange: 'pwsync:confirm-change',
  startOver: 'pwsync:start-over',
  checkIn: 'pwsync:check-in',
  dismissProblem: 'pwsync:dismiss-problem',
  getDiagnostics: 'pwsync:get-diagnostics',
  copyDiagnostics: 'pwsync:copy-diagnostics',
  openSupport: 'pwsync:open-support',
  closeWindow: 'pwsync:close-window',
  simulateChange: 'pwsync:simulate-change',
} as const;
export type InvokeName = keyof typeof INVOKE_CHANNELS;
export const INVOKE_NAMES = Object.keys(INVOKE_CHANNELS) as InvokeName[];

/** Main → renderer pushes. */
export const EVENT_CHANNELS = {
  stateChanged: 'pwsync:state-changed',
  showView: 'pwsync:show-view',
} as const;
export type EventName = keyof typeof EVENT_CHANNELS;
export const EVENT_NAMES = Object.keys(EVENT_CHANNELS) as EventName[];

/** The bridge's function that subscribes to a push: `stateChanged` → `onStateChanged`. */
export type ListenerName<E extends EventName> = `on${Capitalize<E>}`;

export function listenerName<E extends EventName>(event: E): ListenerName<E> {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}` as ListenerName<E>;
}

/** The stable codes a refused or failed call answers with, never an exception's text. */
export const BRIDGE_ERROR_CODES = ['forbiddenSender', 'invalidPayload', 'internal'] as const;
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];
