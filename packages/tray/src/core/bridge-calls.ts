/**
 * The contract's calls as both hosts serve them, Electron's main (main/ipc.ts) and the
 * browser demo's server: one handler per call, answered by the core or, for the few
 * that need the host, by its shell; and answerCall, which validates what comes in and
 * what goes out against the contract's schemas. A host checks who is calling first,
 * then hands the call here by name, so a new call is a line in the contract and its
 * handler below, and no host changes.
 */
import { type BridgeErrorCode, type InvokeArgs, type InvokeName, type InvokeResult, Invokes } from '../contract';
import type { Logger } from '@pwsync/node-kit/log';
import type { TrayCore } from './tray-core';

/** One function per contract call, taking that call's (validated) arguments. */
export type InvokeHandlers = { [K in InvokeName]: (...args: InvokeArgs<K>) => InvokeResult<K> | Promise<InvokeResult<K>> };

/**
 * What only the host's shell can do for the window. A host without one (the browser
 * demo's server cannot reach the browser's clipboard, open its tabs or hide it; the
 * page does these itself) leaves it out, and the call answers that it was not done.
 */
export interface ShellActions {
  copyText?(text: string): void;
  /** Opens the support page from policy, if it is an allowlisted https address. */
  openSupport?(): Promise<{ ok: boolean }>;
  hideWindow?(): void;
}

const NOT_DONE = { ok: false } as const;

/** The contract's calls, answered by the core and, for the few that need the host, by the shell. */
export function coreHandlers(core: TrayCore, shell: ShellActions): InvokeHandlers {
  return {
    getState: () => core.getState(),
    confirmChange: (request) => core.confirmChange(request),
    startOver: (request) => core.startOver(request),
    checkIn: () => core.checkIn(),
    dismissProblem: () => core.dismissProblem(),
    getDiagnostics: () => core.diagnostics(),
    copyDiagnostics: async () => {
      if (!shell.copyText) return NOT_DONE;
      const report = await core.diagnostics();
      shell.copyText(report.text);
      return { ok: true };
    },
    openSupport: () => shell.openSupport?.() ?? NOT_DONE,
    closeWindow: () => {
      // Done or Escape: the person has read the result, in a window that can hide or not.
      core.resultSeen();
      if (!shell.hideWindow) return NOT_DONE;
      shell.hideWindow();
      return { ok: true };
    },
    simulateChange: () => core.simulateChange(),
  };
}

export type CallAnswer = { ok: true; result: unknown } | { ok: false; error: BridgeErrorCode };

/**
 * Answers one call from a sender the host already trusts: arguments that do not match
 * the contract are refused (invalidPayload) before any handler runs, a result that does
 * not match is withheld (internal), and a failure is answered `internal`. Neither zod's
 * issues nor an exception's message are logged or answered: they can quote a value, and
 * a value may be a password.
 */
export async function answerCall(handlers: InvokeHandlers, name: InvokeName, args: unknown, logger: Logger, from: 'window' | 'page'): Promise<CallAnswer> {
  const { channel, args: argsSchema, result: resultSchema } = Invokes[name];
  const parsed = argsSchema.safeParse(args);
  if (!parsed.success) {
    logger.warn(`refused a malformed call from the ${from}`, { channel });
    return { ok: false, error: 'invalidPayload' };
  }
  const handler = handlers[name] as (...valid: unknown[]) => unknown;
  try {
    return { ok: true, result: resultSchema.parse(await handler(...(parsed.data as unknown[]))) };
  } catch (error) {
    logger.error(`a call from the ${from} failed`, { channel, error: error instanceof Error ? error.name : 'unknown' });
    return { ok: false, error: 'internal' };
  }
}
