import { useTranslation } from 'react-i18next';
import { DoneButton } from '../components/done-button';
import { ScreenHeading } from '../components/screen-heading';
import { useProvider, useStartedOver } from '../store/hooks';

/** Done: what changed, what FileVault and the other Macs will do, and what a start-over left behind. */
export function SyncedScreen() {
  const { t } = useTranslation();
  const provider = useProvider();
  const startedOver = useStartedOver();
  return (
    <section className="screen-body">
      <span className="status-icon status-icon-ok" aria-hidden="true">✓</span>
      <ScreenHeading>{t('synced.title')}</ScreenHeading>
      <p>{t('synced.body', { provider })}</p>
      <ul className="notes">
        {startedOver && <li>{t('synced.newKeychain')}</li>}
        <li>{t('synced.fileVault')}</li>
        <li>{t('synced.otherMacs')}</li>
      </ul>
      <p className="muted">{t('synced.next')}</p>
      <DoneButton />
    </section>
  );
}
