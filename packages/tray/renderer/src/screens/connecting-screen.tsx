import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';

export function ConnectingScreen() {
  const { t } = useTranslation();
  return (
    <section className="screen-body" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <ScreenHeading>{t('connecting.title')}</ScreenHeading>
      <p>{t('connecting.body')}</p>
    </section>
  );
}
