import type { RendererBridge } from '../bridge';
import { useAppStore } from './app-store';

/**
 * Feeds the store from the bridge: every pushed state, and the page's own loss of
 * connection. The first state is asked for once; a push that beats the answer wins,
 * because it is newer.
 */
export function connectBridge(bridge: RendererBridge): () => void {
  const { stateReceived, appConnectionLost } = useAppStore.getState();
  let pushed = false;
  const stopStates = bridge.onStateChanged((state) => {
    pushed = true;
    stateReceived(state);
  });
  const stopLost = bridge.onConnectionLost?.(appConnectionLost);
  bridge.getState().then(
    (state) => {
      if (!pushed) stateReceived(state);
    },
    () => appConnectionLost(),
  );
  return () => {
    stopStates();
    stopLost?.();
  };
}
