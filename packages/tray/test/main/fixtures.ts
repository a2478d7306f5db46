/** Valid contract values for tests, and IPC events as Electron would build them. */
import type { ConfirmRequest, StartOverRequest } from '../../src/contract';
import { appState } from '../core/states';
import { FakeWebContents } from './fake-electron';

/** An idle AppState with a patch: the same values the core's tests use. */
export const idleState = appState;

export const SECRET_NEW = 'Correct-Horse-7-new';
export const SECRET_PREVIOUS = 'Tr0ub4dor&3-previous';

export function confirmRequest(patch: Partial<ConfirmRequest> = {}): ConfirmRequest {
  return { changeId: 'chg_1', newPassword: SECRET_NEW, previousPassword: SECRET_PREVIOUS, ...patch };
}

export function startOverRequest(patch: Partial<StartOverRequest> = {}): StartOverRequest {
  return { changeId: 'chg_1', newPassword: SECRET_NEW, acknowledged: true, ...patch };
}

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

/** An IPC event from a top frame showing `url` in `sender`. */
export function invokeEvent(sender: FakeWebContents, url = 'app://pwsync/index.html', parent: FakeFrame | null = null) {
  return { sender, senderFrame: { url, parent } as FakeFrame | null };
}
