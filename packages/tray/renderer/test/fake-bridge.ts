import { type Mock, vi } from 'vitest';
import type { AppState, ConfirmOutcome, ConfirmRequest, DiagnosticsReport, PwsyncBridge, StartOverRequest, View } from '../src/app-types';
import type { RendererBridge } from '../src/bridge';
import type { InvokeName } from '../../src/contract-names';

/** The bridge with every call a mock, typed from the contract, and ways to play main's part. */
export type FakeBridge = RendererBridge & { [K in InvokeName]: Mock<PwsyncBridge[K]> } & {
  /** Sends a state as main would push it. */
  push(state: AppState): void;
  /** Asks for a view, as the tray's menu does. */
  showView(view: View): void;
  /** The page's own connection dropped, as the HTTP bridge reports it. */
  loseConnection(): void;
  /** The demo server does not accept the page (no token, or an earlier run's), as the HTTP bridge reports it. */
  refuseAddress(): void;
};

export const DIAGNOSTICS: DiagnosticsReport = {
  supportCode: 'K7QM-4XPD',
  generatedAt: '2025-11-28T09:10:00.000Z',
  text: 'pwsync diagnostics — support code K7QM-4XPD\n[App]\nVersion: 0.1.0\nPlatform: darwin',
};

function synced(changeId: string): ConfirmOutcome {
  return {
    ok: true,
    result: {
      changeId,
      outcome: 'synced',
      finishedAt: '2025-11-28T09:05:00.000Z',
      completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault', 'report'],
      failedStep: null,
      errorCode: null,
    },
  };
}

/** A bridge that records calls and lets the test push states, like main or the demo server. */
export function createFakeBridge(initial: AppState): FakeBridge {
  const stateListeners = new Set<(state: AppState) => void>();
  const lostListeners = new Set<() => void>();
  const refusedListeners = new Set<() => void>();
  const viewListeners = new Set<(view: View) => void>();
  return {
    getState: vi.fn(async () => initial),
    confirmChange: vi.fn(async (request: ConfirmRequest) => synced(request.changeId)),
    startOver: vi.fn(async (request: StartOverRequest) => synced(request.changeId)),
    checkIn: vi.fn(async () => ({ ok: true })),
    dismissProblem: vi.fn(async () => ({ ok: true })),
    getDiagnostics: vi.fn(async () => DIAGNOSTICS),
    copyDiagnostics: vi.fn(async () => ({ ok: true })),
    openSupport: vi.fn(async () => ({ ok: true })),
    closeWindow: vi.fn(async () => ({ ok: true })),
    simulateChange: vi.fn(async () => ({ ok: true })),
    onStateChanged(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onShowView(listener) {
      viewListeners.add(listener);
      return () => viewListeners.delete(listener);
    },
    onConnectionLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    onAddressRefused(listener) {
      refusedListeners.add(listener);
      return () => refusedListeners.delete(listener);
    },
    push(state) {
      for (const listener of stateListeners) listener(state);
    },
    showView(view) {
      for (const listener of viewListeners) listener(view);
    },
    loseConnection() {
      for (const listener of lostListeners) listener();
    },
    refuseAddress() {
      for (const listener of refusedListeners) listener();
    },
  };
}
