import { act, render, type RenderResult } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import type { AppState } from '../src/app-types';
import { App } from '../src/app';
import { BridgeProvider } from '../src/bridge/bridge-context';
import { createI18n } from '../src/i18n';
import { connectBridge } from '../src/store/connect-bridge';
import { createFakeBridge, type FakeBridge } from './fake-bridge';

export interface RenderedApp extends RenderResult {
  bridge: FakeBridge;
  /** Pushes a state and lets React render it. */
  push(state: AppState): void;
}

/** The whole window, in English, wired to a fake bridge whose first state is `initial`. */
export async function renderApp(initial: AppState, bridge: FakeBridge = createFakeBridge(initial)): Promise<RenderedApp> {
  const i18n = createI18n();
  connectBridge(bridge);
  const result = render(
    <I18nextProvider i18n={i18n}>
      <BridgeProvider bridge={bridge}>
        <App />
      </BridgeProvider>
    </I18nextProvider>,
  );
  // Let the first getState answer arrive.
  await act(async () => {});
  return {
    ...result,
    bridge,
    push(state) {
      act(() => bridge.push(state));
    },
  };
}
