import { useTranslation } from 'react-i18next';
import type { PendingChange } from '../app-types';
import { listOf } from '../i18n/format';
import { stepLabel } from '../i18n/step-labels';
import { useLastResult, useSyncWords } from '../store/hooks';

/**
 * When the agent says its last try at this very change was cut short (it stopped half
 * way), the form says what the agent reports was done before asking again. The agent
 * resumes from where it stopped, so confirming again is the next step.
 */
export function InterruptedNote({ change }: { change: PendingChange }) {
  const { t, i18n } = useTranslation();
  const result = useLastResult();
  const words = useSyncWords();
  if (!result || result.changeId !== change.id || result.outcome !== 'interrupted') return null;
  return (
    <div className="note" data-interrupted>
      <p className="note-title">{t('confirm.interrupted.title')}</p>
      <p>
        {result.completedSteps.length > 0
          ? t('confirm.interrupted.done', { steps: listOf(i18n.language, result.completedSteps.map((step) => stepLabel(t, step, words))) })
          : t('confirm.interrupted.noneDone')}
      </p>
      <p className="next-step">{t('confirm.interrupted.next')}</p>
    </div>
  );
}
