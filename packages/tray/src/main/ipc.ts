/**
 * Every renderer → main call goes through registerInvokes, built from the contract's
 * Invokes table: check who is calling, then answer the call by name (core/bridge-calls.ts
 * validates what they sent and what the core answered). Refusals and failures come back
 * as a stable `{ error: code }`, never an exception's text (it could carry a password).
 * https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { type BridgeErrorCode, type EventName, type EventPayload, Events, INVOKE_NAMES, Invokes } from '../contract';
import { answerCall, type InvokeHandlers } from '../core/bridge-calls';
import type { Logger } from '@pwsync/node-kit/log';
import { APP_ORIGIN } from './app-protocol';

export { coreHandlers, type InvokeHandlers, type ShellActions } from '../core/bridge-calls';

/** Whether a webContents is our window's (the frame checks are done here, always). */
export type IsTrustedSender = (sender: WebContents) => boolean;

export type BridgeError = { error: BridgeErrorCode };

export function registerInvokes(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: InvokeHandlers,
  isTrustedSender: IsTrustedSender,
  logger: Logger,
): void {
  for (const name of INVOKE_NAMES) {
    const { channel } = Invokes[name];
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<unknown> => {
      if (!senderIsOurPage(event, isTrustedSender)) {
        logger.warn('refused a call from an unknown sender', { channel });
        return refusal('forbiddenSender');
      }
      const answer = await answerCall(handlers, name, args, logger, 'window');
      return answer.ok ? answer.result : refusal(answer.error);
    });
  }
}

/** Our window's own top frame, showing our own origin; nothing else may call. */
export function senderIsOurPage(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, isTrustedSender: IsTrustedSender): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (originOf(frame.url) !== APP_ORIGIN) return false;
  return isTrustedSender(event.sender);
}

/**
 * The origin of an `app:` URL. WHATWG's URL.origin is "null" for schemes it does not
 * know (Electron's standard schemes included), so build it from the parts.
 */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.username !== '' || parsed.password !== '') return null;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

function refusal(error: BridgeErrorCode): BridgeError {
  return { error };
}

/** A push to the page on the contract's channel for it, if the page is still there to receive it. */
export function sendEvent<E extends EventName>(webContents: Pick<WebContents, 'isDestroyed' | 'send'>, event: E, payload: EventPayload<E>): void {
  if (webContents.isDestroyed()) return;
  webContents.send(Events[event].channel, payload);
}

/** Ask the page for a view (the tray's "Sync status and help…"), if it is still there. */
export function sendView(webContents: Pick<WebContents, 'isDestroyed' | 'send'>, view: EventPayload<'showView'>): void {
  sendEvent(webContents, 'showView', view);
}

/** Push a new state to the window, if it is still there to receive it. */
export function sendState(webContents: Pick<WebContents, 'isDestroyed' | 'send'>, state: EventPayload<'stateChanged'>): void {
  sendEvent(webContents, 'stateChanged', state);
}
