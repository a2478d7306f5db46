import { vi } from 'vitest';
import type { AppState, ConfirmOutcome, ConfirmRequest } from '../src/app-types';
import type { RendererBridge } from '../src/bridge';

export interface FakeBridge extends RendererBridge {
  getState: ReturnType<typeof vi.fn<() => Promise<AppState>>>;
  confirmChange: ReturnType<typeof vi.fn<(request: ConfirmRequest) => Promise<ConfirmOutcome>>>;
  checkIn: ReturnType<typeof vi.fn<() => Promise<{ ok: boolean }>>>;
  dismissProblem: ReturnType<typeof vi.fn<() => Promise<{ ok: boolean }>>>;
  /** Sends a state as main would push it. */
  push(state: AppState): void;
  /** The page's own connection dropped, as the HTTP bridge reports it. */
  loseConnection(): void;
}

/** A bridge that records calls and lets the test push states, like main or the demo server. */
export function createFakeBridge(initial: AppState): FakeBridge {
  const stateListeners = new Set<(state: AppState) => void>();
  const lostListeners = new Set<() => void>();
  return {
    getState: vi.fn(async () => initial),
    confirmChange: vi.fn(async (request: ConfirmRequest): Promise<ConfirmOutcome> => ({
      ok: true,
      result: {
        changeId: request.changeId,
        outcome: 'synced',
        finishedAt: '2025-11-28T09:05:00.000Z',
        completedSteps: ['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault', 'report'],
        failedStep: null,
        errorCode: null,
      },
    })),
    checkIn: vi.fn(async () => ({ ok: true })),
    dismissProblem: vi.fn(async () => ({ ok: true })),
    onStateChanged(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onConnectionLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    push(state) {
      for (const listener of stateListeners) listener(state);
    },
    loseConnection() {
      for (const listener of lostListeners) listener();
    },
  };
}
