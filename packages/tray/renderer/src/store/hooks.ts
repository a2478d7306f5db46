/** Small selector hooks, so components re-render only for what they show. */
import type { AppState, Phase, Problem } from '../app-types';
import { useAppStore } from './app-store';
import {
  selectPhase,
  selectProblem,
  selectProvider,
  selectSyncWords,
  selectUnreachable,
  type ShownUnreachable,
  type SyncWords,
} from './selectors';
import type { ConfirmStep, View } from './ui-slice';

export function usePhase(): Phase {
  return useAppStore(selectPhase);
}

export function useUnreachable(): ShownUnreachable {
  return useAppStore(selectUnreachable);
}

export function useProblem(): Problem | null {
  return useAppStore(selectProblem);
}

export function useProvider(): string {
  return useAppStore(selectProvider);
}

export function useIsDemo(): boolean {
  return useAppStore((store) => store.appState?.demo ?? false);
}

export function useAgentInfo(): AppState['agent'] {
  return useAppStore((store) => store.appState?.agent ?? null);
}

export function usePendingChange(): AppState['pendingChange'] {
  return useAppStore((store) => store.appState?.pendingChange ?? null);
}

export function useProgress(): AppState['progress'] | undefined {
  return useAppStore((store) => store.appState?.progress);
}

export function useLastCheckIn(): string | null {
  return useAppStore((store) => store.appState?.lastCheckIn ?? null);
}

export function useConfirmStep(): ConfirmStep {
  return useAppStore((store) => store.confirmStep);
}

export function useSubmitting(): boolean {
  return useAppStore((store) => store.submitting);
}

export function useRekeyOpen(): boolean {
  return useAppStore((store) => store.rekeyOpen);
}

export function useView(): View {
  return useAppStore((store) => store.view);
}

export function usePlatform(): AppState['platform'] {
  return useAppStore((store) => store.appState?.platform ?? 'darwin');
}

export function usePolicy(): AppState['policy'] | null {
  return useAppStore((store) => store.appState?.policy ?? null);
}

export function useLastResult(): AppState['lastResult'] {
  return useAppStore((store) => store.appState?.lastResult ?? null);
}

export function useSyncWords(): SyncWords {
  return useAppStore(selectSyncWords);
}

export function useStartedOver(): boolean {
  return useAppStore((store) => store.startedOver);
}

/** The forgotten-password path exists only where both the policy and the agent allow it. */
export function useStartOverOffered(): boolean {
  return useAppStore((store) => Boolean(store.appState?.policy.newKeychainOffered && store.appState.agent?.newKeychainAllowed));
}

/** The directory as the agent last saw it, or null before the first state. */
export function useDirectory(): AppState['directory'] | null {
  return useAppStore((store) => store.appState?.directory ?? null);
}

export function useSimulationAvailable(): boolean {
  return useAppStore((store) => Boolean(store.appState?.demo && store.appState.simulationAvailable));
}
