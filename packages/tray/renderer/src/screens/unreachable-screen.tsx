import { useTranslation } from 'react-i18next';
import type { ShownUnreachable } from '../app-types';
import { ScreenHeading } from '../components/screen-heading';
import { useProvider } from '../store/hooks';

export function UnreachableScreen({ reason }: { reason: ShownUnreachable }) {
  const { t } = useTranslation();
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
