import type { i18n } from 'i18next';
import { StrictMode, useEffect } from 'react';
import { I18nextProvider } from 'react-i18next';
import { App } from './app';
import type { RendererBridge } from './bridge';
import { BridgeProvider } from './bridge/bridge-context';

export interface WindowTreeProps {
  i18n: i18n;
  bridge: RendererBridge;
  /** Once React is in charge of the window (after hydrating the host's drawing, and what that first commit set off). */
  onTakenOver?: () => void;
}

/** The whole window, the same for the page and for its host's first paint (hydration needs the very same tree). */
export function WindowTree({ i18n, bridge, onTakenOver }: WindowTreeProps) {
  return (
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <BridgeProvider bridge={bridge}>
          <App />
        </BridgeProvider>
      </I18nextProvider>
      {onTakenOver && <TakenOver then={onTakenOver} />}
    </StrictMode>
  );
}

/** Renders nothing. A task later than its first commit, so what that commit set off (a field handing over typed text) has rendered too. */
function TakenOver({ then }: { then: () => void }) {
  useEffect(() => {
    const timer = setTimeout(then, 0);
    return () => clearTimeout(timer);
  }, [then]);
  return null;
}
