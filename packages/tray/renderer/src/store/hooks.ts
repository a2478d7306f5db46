/** Small selector hooks, so components re-render only for what they show. */
import type { AppState, WindowState } from '../app-types';
import { useAppStore } from './app-store';
import { selectProvider, type SyncWords, syncWords } from './selectors';
import type { ConfirmStep, View } from './ui-slice';
import { selectWindowState } from './window-state';

/** The state the window draws (the app's, or the page's own knowledge over it): screens switch on its phase. */
export function useWindowState(): WindowState {
  return useAppStore(selectWindowState);
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

/** The words for the steps of a sync on this computer. */
export function useSyncWords(): SyncWords {
  return useAppStore((store) => syncWords(store.appState));
}

export function useStartOverAccepted(): boolean {
  return useAppStore((store) => store.startOverAccepted);
}

export function useDiagnosticsWanted(): boolean {
  return useAppStore((store) => store.diagnosticsWanted);
}

/** Wrong tries as the agent last counted them, or null before it said. */
export function useAttempts(): AppState['attempts'] {
  return useAppStore((store) => store.appState?.attempts ?? null);
}

export function useNotificationsBlocked(): boolean {
  return useAppStore((store) => store.appState?.notificationsBlocked ?? false);
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
