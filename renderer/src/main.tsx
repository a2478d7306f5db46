/** The page's entry point: language, bridge, store, then the window. */
import './styles/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app';
import { getBridge } from './bridge';
import { BridgeProvider } from './bridge/bridge-context';
import { createI18n } from './i18n';
import { connectBridge } from './store/connect-bridge';

const i18n = createI18n();
document.documentElement.lang = i18n.resolvedLanguage ?? 'en';
document.documentElement.dir = i18n.dir();
document.title = i18n.t('app.name');

const bridge = getBridge();
connectBridge(bridge);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <BridgeProvider bridge={bridge}>
        <App />
      </BridgeProvider>
    </I18nextProvider>
  </StrictMode>,
);
