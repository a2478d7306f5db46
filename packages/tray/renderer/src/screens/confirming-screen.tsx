import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/screen-heading';
import { StepProgress } from '../components/step-progress';
import { useProgress } from '../store/hooks';

export function ConfirmingScreen() {
  const { t } = useTranslation();
  const progress = useProgress() ?? [];
  return (
    <section className="screen-body">
      <ScreenHeading>{t('confirming.title')}</ScreenHeading>
      <p>{t('confirming.body')}</p>
      <StepProgress progress={progress} />
    </section>
  );
}
