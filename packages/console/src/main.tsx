/** The console's entry point: language, session, then the page. */
import './styles/console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app';
import { createI18n, preferredLanguage, switchLanguage } from './i18n';
import { loadSession } from './store/session-store';

const i18n = createI18n();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The language is loaded before the first frame, so no English flash precedes it.
await Promise.all([switchLanguage(i18n, preferredLanguage()).catch(() => undefined), loadSession()]);
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
