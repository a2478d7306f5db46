/**
 * Every renderer → main call goes through registerInvokes, built from the contract's
 * Invokes table: check who is calling, validate what they sent, call the core,
 * validate what it answered. Refusals and failures come back as a stable
 * `{ error: code }`, never an exception's text (it could carry a password).
 * https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { z } from 'zod';
import { type AppState, type BridgeErrorCode, Events, type InvokeName, Invokes, type View } from '../contract';
import type { Logger } from '@pwsync/node-kit/log';
import type { TrayCore } from '../core/tray-core';
import { APP_ORIGIN } from './app-protocol';

type ArgsOf<K extends InvokeName> = z.infer<(typeof Invokes)[K]['args']>;

/** One function per contract entry, taking that entry's (validated) arguments. */
export type InvokeHandlers = { [K in InvokeName]: (...args: ArgsOf<K>) => unknown };

/** Whether a webContents is our window's (the frame checks are done here, always). */
export type IsTrustedSender = (sender: WebContents) => boolean;

export type BridgeError = { error: z.infer<typeof BridgeErrorCode> };

export function registerInvokes(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: InvokeHandlers,
  isTrustedSender: IsTrustedSender,
  logger: Logger,
): void {
  for (const name of Object.keys(Invokes) as InvokeName[]) {
    const { channel, args: argsSchema, result: resultSchema } = Invokes[name];
    const handler = handlers[name] as (...args: unknown[]) => unknown;
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<unknown> => {
      if (!senderIsOurPage(event, isTrustedSender)) {
        logger.warn('refused a call from an unknown sender', { channel });
        return refusal('forbiddenSender');
      }
      const parsed = argsSchema.safeParse(args);
      if (!parsed.success) {
        // Not the zod issues: they quote the values, and a value may be a password.
        logger.warn('refused a malformed call from the window', { channel });
        return refusal('invalidPayload');
      }
      try {
        return resultSchema.parse(await handler(...(parsed.data as unknown[])));
      } catch (error) {
        logger.error('a call from the window failed', { channel, error: error instanceof Error ? error.name : 'unknown' });
        return refusal('internal');
      }
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

function refusal(error: BridgeError['error']): BridgeError {
  return { error };
}

/** What only the shell can do for the window: the clipboard, the browser, hiding itself. */
export interface ShellActions {
  copyText(text: string): void;
  /** Opens the support page from policy, if it is an allowlisted https address. */
  openSupport(): Promise<{ ok: boolean }>;
  hideWindow(): void;
}

/** The contract's calls, answered by the core and, for the few that need Electron, the shell. */
export function coreHandlers(core: TrayCore, shell: ShellActions): InvokeHandlers {
  return {
    getState: () => core.getState(),
    confirmChange: (request) => core.confirmChange(request),
    startOver: (request) => core.startOver(request),
    checkIn: () => core.checkIn(),
    dismissProblem: () => core.dismissProblem(),
    getDiagnostics: () => core.diagnostics(),
    copyDiagnostics: async () => {
      const report = await core.diagnostics();
      shell.copyText(report.text);
      return { ok: true };
    },
    openSupport: () => shell.openSupport(),
    closeWindow: () => {
      shell.hideWindow();
      return { ok: true };
    },
    simulateChange: () => core.simulateChange(),
  };
}

/** Ask the page for a view (the tray's "Sync status and help…"), if it is still there. */
export function sendView(webContents: Pick<WebContents, 'isDestroyed' | 'send'>, view: View): void {
  if (webContents.isDestroyed()) return;
  webContents.send(Events.showView.channel, view);
}

/** Push a new state to the window, if it is still there to receive it. */
export function sendState(webContents: Pick<WebContents, 'isDestroyed' | 'send'>, state: AppState): void {
  if (webContents.isDestroyed()) return;
  webContents.send(Events.stateChanged.channel, state);
}
