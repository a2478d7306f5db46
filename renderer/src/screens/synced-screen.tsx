import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';
import { useProvider } from '../store/hooks';

export function SyncedScreen() {
  const { t } = useTranslation();
  const provider = useProvider();
  return (
    <section className="screen-body">
      <span className="status-icon status-icon-ok" aria-hidden="true">✓</span>
      <ScreenHeading>{t('synced.title')}</ScreenHeading>
      <p>{t('synced.body', { provider })}</p>
      <ul className="notes">
        <li>{t('synced.fileVault')}</li>
        <li>{t('synced.otherMacs')}</li>
      </ul>
      <p className="muted">{t('synced.next')}</p>
    </section>
  );
}
