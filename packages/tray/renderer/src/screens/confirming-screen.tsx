import { useTranslation } from 'react-i18next';
import type { PendingChange, ProgressEntry } from '../app-types';
import { ScreenHeading } from '../components/screen-heading';
import { StepProgress } from '../components/step-progress';

export function ConfirmingScreen({ change, progress }: { change: PendingChange; progress: readonly ProgressEntry[] }) {
  const { t } = useTranslation();
  return (
    <section className="screen-body">
      <ScreenHeading>{t('confirming.title')}</ScreenHeading>
      <p>{t('confirming.body')}</p>
      <StepProgress change={change} progress={progress} />
    </section>
  );
}
