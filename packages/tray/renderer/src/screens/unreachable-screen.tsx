import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';
import { useProvider, useUnreachable } from '../store/hooks';

export function UnreachableScreen() {
  const { t } = useTranslation();
  const reason = useUnreachable();
  const provider = useProvider();
  return (
    <section className="screen-body" data-unreachable={reason}>
      <span className="status-icon status-icon-warning" aria-hidden="true">!</span>
      <ScreenHeading>{t(`unreachable.${reason}.title`)}</ScreenHeading>
      <p>{t(`unreachable.${reason}.body`, { provider })}</p>
      <h2 className="subheading">{t('unreachable.nextTitle')}</h2>
      <ul className="next-steps">
        <li>{t('unreachable.nextRestart')}</li>
        <li>{t('unreachable.nextSupport')}</li>
      </ul>
    </section>
  );
}
