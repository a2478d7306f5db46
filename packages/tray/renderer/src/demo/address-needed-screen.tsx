import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';

/**
 * The browser demo's page, opened where its server does not accept it: without the
 * token from the address npm start printed (a new tab at the bare address, a bookmark),
 * with an earlier run's, or at another host name. Nothing is known about the app or its
 * agent here, so nothing is said about them: only which address to open.
 */
export function AddressNeededScreen() {
  const { t } = useTranslation();
  return (
    <section className="screen-body" data-address-needed>
      <span className="status-icon status-icon-warning" aria-hidden="true">!</span>
      <ScreenHeading>{t('demoAddress.title')}</ScreenHeading>
      <p>{t('demoAddress.body')}</p>
      <h2 className="subheading">{t('demoAddress.nextTitle')}</h2>
      <ul className="next-steps">
        <li>{t('demoAddress.openPrinted')}</li>
        <li>{t('demoAddress.startAgain')}</li>
      </ul>
    </section>
  );
}
