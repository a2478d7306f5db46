/** The page's entry point: bridge, language, store, then the window. */
// First, so the first state is on its way while everything below is evaluated.
import { bridge, earlyState } from './boot';
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app';
import { BridgeProvider } from './bridge/bridge-context';
import { createI18n, preferredLanguage, switchLanguage } from './i18n';
import { connectBridge, firstState } from './store/connect-bridge';

const FIRST_STATE_WAIT_MS = 250;

const i18n = createI18n();
connectBridge(bridge, earlyState);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The system's language is loaded before the first frame, so an English flash never
// precedes it; the policy's, which comes with the first state, switches after. The
// first state usually arrives within a few milliseconds: waiting briefly for it spares
// drawing "Connecting…" only to replace it at once. The tray app usually loads this
// page in a hidden window, before anyone looks (main/window.ts), so none of this wait
// is seen there.
await Promise.all([switchLanguage(i18n, preferredLanguage()).catch(() => undefined), firstState(FIRST_STATE_WAIT_MS)]);
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <BridgeProvider bridge={bridge}>
        <App />
      </BridgeProvider>
    </I18nextProvider>
  </StrictMode>,
);
