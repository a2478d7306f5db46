import type { ConfirmOutcome } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { useAppStore } from '../store/app-store';
import { problemForFailedCall } from '../store/problem-for-failed-call';

/**
 * Sends the one call that carries the passwords (confirmChange or startOver) and
 * records only its outcome. The caller has already cleared its fields; the request
 * lives in this call's closure and nowhere else.
 */
export function useSendSync(): (startedOver: boolean, call: () => Promise<ConfirmOutcome>) => Promise<void> {
  const bridge = useBridge();
  return async (startedOver, call) => {
    const store = useAppStore.getState();
    if (startedOver) store.startOverSubmitted();
    else store.confirmSubmitted();
    try {
      store.confirmAnswered(await call());
    } catch (error) {
      const { problem, uncertain } = problemForFailedCall(error);
      store.confirmCallFailed(problem, uncertain);
      // Ask what actually happened; the answer replaces the uncertain problem.
      if (uncertain) bridge.getState().then(store.stateReceived, store.appConnectionLost);
    }
  };
}
