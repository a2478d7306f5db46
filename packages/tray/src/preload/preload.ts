/**
 * The window's only way to main: `window.pwsync`, one named function per call of the
 * contract and one `on…` per push, built from the contract's names. No generic
 * send/invoke and no ipcRenderer cross the bridge, and a listener gets the payload
 * only, never the IpcRendererEvent (whose `sender` is ipcRenderer itself). Bundled
 * into one CommonJS file so it runs sandboxed.
 * https://www.electronjs.org/docs/latest/tutorial/context-isolation#security-considerations
 *
 * It imports the names from contract-names.ts and only types from the contract:
 * importing the contract's values would pull zod and every schema into this bundle
 * (~750 kB). Main validates every call and its result against the schemas.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PwsyncBridge } from '../contract';
import { BRIDGE_ERROR_CODES, type BridgeErrorCode, EVENT_CHANNELS, EVENT_NAMES, INVOKE_CHANNELS, INVOKE_NAMES, listenerName } from '../contract-names';

export function createBridge(): PwsyncBridge {
  const bridge: Record<string, (...args: never[]) => unknown> = {};
  // Each function passes on exactly its own arguments: a page cannot name a channel.
  for (const name of INVOKE_NAMES) bridge[name] = (...args: unknown[]) => invoke(INVOKE_CHANNELS[name], args);
  for (const event of EVENT_NAMES) bridge[listenerName(event)] = (listener: (payload: unknown) => void) => subscribe(EVENT_CHANNELS[event], listener);
  return bridge as unknown as PwsyncBridge;
}

/** Relays one channel's payload only (never the event, whose `sender` is ipcRenderer); returns the unsubscribe. */
function subscribe(channel: string, listener: (payload: unknown) => void): () => void {
  const relay = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, relay);
  return () => {
    ipcRenderer.removeListener(channel, relay);
  };
}

/** Main answers a refusal with `{ error: code }`; the page sees it as a rejection with that code. */
async function invoke(channel: string, args: readonly unknown[]): Promise<unknown> {
  let result: unknown;
  try {
    result = await ipcRenderer.invoke(channel, ...args);
  } catch {
    // Electron's own rejection text names the channel and the remote error; the page needs only a code.
    throw new Error('internal' satisfies BridgeErrorCode);
  }
  if (isRefusal(result)) throw new Error(result.error);
  return result;
}

function isRefusal(value: unknown): value is { error: BridgeErrorCode } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  const code = (value as { error?: unknown }).error;
  return keys.length === 1 && typeof code === 'string' && (BRIDGE_ERROR_CODES as readonly string[]).includes(code);
}

contextBridge.exposeInMainWorld('pwsync', createBridge());
