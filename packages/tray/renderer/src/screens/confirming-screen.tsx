import { useTranslation } from 'react-i18next';
import type { ProgressEntry } from '../app-types';
import { DiagnosticsButton } from '../components/diagnostics-button';
import { ScreenHeading } from '../components/screen-heading';
import { StepProgress } from '../components/step-progress';

/** The sync under way, step by step; when the agent has gone quiet for longer than a step takes (the core decides), what to do. */
export function ConfirmingScreen({ progress, stalled }: { progress: readonly ProgressEntry[]; stalled: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="screen-body">
      <ScreenHeading>{t('confirming.title')}</ScreenHeading>
      <p>{t('confirming.body')}</p>
      {stalled && (
        <div className="note note-warning" role="status" data-stalled>
          <p className="note-title">{t('confirming.stalled.title')}</p>
          <p>{t('confirming.stalled.body')}</p>
        </div>
      )}
      <StepProgress progress={progress} />
      {stalled && <DiagnosticsButton />}
    </section>
  );
}
