import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/app-store';
import { useView } from '../store/hooks';
import type { View } from '../store/ui-slice';

/** The app's name, and the two ways to the status and support views, on every screen. */
export function AppHeader() {
  const { t } = useTranslation();
  const view = useView();
  const toggle = (target: View) => useAppStore.getState().viewRequested(view === target ? 'main' : target);
  return (
    <header className="app-header">
      <span className="app-mark" aria-hidden="true" />
      <span className="app-name">{t('app.name')}</span>
      <nav className="app-nav" aria-label={t('nav.label')}>
        <button type="button" className="button button-quiet button-small" aria-pressed={view === 'status'} onClick={() => toggle('status')}>
          {t('nav.status')}
        </button>
        <button type="button" className="button button-quiet button-small" aria-pressed={view === 'support'} onClick={() => toggle('support')}>
          {t('nav.help')}
        </button>
      </nav>
    </header>
  );
}
