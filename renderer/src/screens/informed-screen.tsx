import { useTranslation } from 'react-i18next';
import { DoneButton } from '../components/done-button';
import { ScreenHeading } from '../components/screen-heading';
import { usePlatform, useProvider } from '../store/hooks';

/** Windows and Linux: the agent already applied the change; the person only needs to know. */
export function InformedScreen() {
  const { t } = useTranslation();
  const provider = useProvider();
  const platform = usePlatform();
  return (
    <section className="screen-body">
      <span className="status-icon status-icon-ok" aria-hidden="true">✓</span>
      <ScreenHeading>{t('informed.title')}</ScreenHeading>
      <p>{t('informed.body', { provider })}</p>
      {platform !== 'darwin' && <p>{t(`informed.where.${platform}`)}</p>}
      <p className="muted">{t('informed.next')}</p>
      <DoneButton />
    </section>
  );
}
