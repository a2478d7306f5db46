import { useTranslation } from 'react-i18next';

export function AppHeader() {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <span className="app-mark" aria-hidden="true" />
      <span className="app-name">{t('app.name')}</span>
    </header>
  );
}
