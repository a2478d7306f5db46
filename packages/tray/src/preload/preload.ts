/**
 * The window's only way to main: `window.pwsync`, a few named functions from the
 * contract. No generic send/invoke and no ipcRenderer cross the bridge, and a
 * listener gets the state only, never the IpcRendererEvent (whose `sender` is
 * ipcRenderer itself). Bundled into one CommonJS file so it runs sandboxed.
 * https://www.electronjs.org/docs/latest/tutorial/context-isolation#security-considerations
 *
 * It imports only types from the contract: importing its values would pull zod and
 * every schema into this bundle (~750 kB). The tables below are typed against the
 * contract's literal channel names and error codes, so they cannot drift from it
 * without failing the type check.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { z } from 'zod';
import type { AppState, BridgeErrorCode, ConfirmRequest, Events, InvokeName, Invokes, PwsyncBridge, StartOverRequest, View } from '../contract';

type ErrorCode = z.infer<typeof BridgeErrorCode>;

export const INVOKE_CHANNELS: { readonly [K in InvokeName]: (typeof Invokes)[K]['channel'] } = {
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
};

export const STATE_CHANNEL: (typeof Events)['stateChanged']['channel'] = 'pwsync:state-changed';
export const VIEW_CHANNEL: (typeof Events)['showView']['channel'] = 'pwsync:show-view';

const ERROR_CODES: { readonly [K in ErrorCode]: true } = { forbiddenSender: true, invalidPayload: true, internal: true };

export function createBridge(): PwsyncBridge {
  return {
    getState: () => invoke(INVOKE_CHANNELS.getState),
    confirmChange: (request: ConfirmRequest) => invoke(INVOKE_CHANNELS.confirmChange, request),
    startOver: (request: StartOverRequest) => invoke(INVOKE_CHANNELS.startOver, request),
    checkIn: () => invoke(INVOKE_CHANNELS.checkIn),
    dismissProblem: () => invoke(INVOKE_CHANNELS.dismissProblem),
    getDiagnostics: () => invoke(INVOKE_CHANNELS.getDiagnostics),
    copyDiagnostics: () => invoke(INVOKE_CHANNELS.copyDiagnostics),
    openSupport: () => invoke(INVOKE_CHANNELS.openSupport),
    closeWindow: () => invoke(INVOKE_CHANNELS.closeWindow),
    simulateChange: () => invoke(INVOKE_CHANNELS.simulateChange),
    onStateChanged: (listener: (state: AppState) => void) => subscribe(STATE_CHANNEL, listener),
    onShowView: (listener: (view: View) => void) => subscribe(VIEW_CHANNEL, listener),
  };
}

/** Relays one channel's payload only (never the event, whose `sender` is ipcRenderer); returns the unsubscribe. */
function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const relay = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, relay);
  return () => {
    ipcRenderer.removeListener(channel, relay);
  };
}

/** Main answers a refusal with `{ error: code }`; the page sees it as a rejection with that code. */
async function invoke<T>(channel: string, ...args: unknown[]): Promise<T> {
  let result: unknown;
  try {
    result = await ipcRenderer.invoke(channel, ...args);
  } catch {
    // Electron's own rejection text names the channel and the remote error; the page needs only a code.
    throw new Error('internal');
  }
  if (isRefusal(result)) throw new Error(result.error);
  return result as T;
}

function isRefusal(value: unknown): value is { error: ErrorCode } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  const code = (value as { error?: unknown }).error;
  return keys.length === 1 && typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

contextBridge.exposeInMainWorld('pwsync', createBridge());
