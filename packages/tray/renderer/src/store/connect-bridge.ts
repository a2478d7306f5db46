import type { AppState } from '../app-types';
import type { RendererBridge } from '../bridge';
import { useAppStore } from './app-store';

/**
 * Feeds the store from the bridge: every pushed state, the view the tray asks for,
 * and the page's own loss of connection. The first state is asked for once; a push that beats the answer wins,
 * because it is newer.
 */
export function connectBridge(bridge: RendererBridge, first: Promise<AppState> = bridge.getState()): () => void {
  const { stateReceived, appConnectionLost, addressRefused, viewRequested } = useAppStore.getState();
  let pushed = false;
  const stopStates = bridge.onStateChanged((state) => {
    pushed = true;
    stateReceived(state);
  });
  const stopViews = bridge.onShowView(viewRequested);
  const stopLost = bridge.onConnectionLost?.(appConnectionLost);
  const stopRefused = bridge.onAddressRefused?.(addressRefused);
  first.then(
    (state) => {
      if (!pushed) stateReceived(state);
    },
    () => appConnectionLost(),
  );
  return () => {
    stopStates();
    stopViews();
    stopLost?.();
    stopRefused?.();
  };
}

/** Resolves once the store knows something (a state, or that the app is out of reach), or after `ms`. */
export function firstState(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const known = () => {
      const store = useAppStore.getState();
      return store.appState !== null || store.connectionLost || store.addressNeeded;
    };
    if (known()) return resolve();
    const timer = setTimeout(done, ms);
    const stop = useAppStore.subscribe(() => {
      if (known()) done();
    });
    function done() {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
}
