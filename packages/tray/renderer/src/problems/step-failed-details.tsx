import { useTranslation } from 'react-i18next';
import type { Problem } from '../app-types';
import { stepLabel } from '../i18n/step-labels';
import { useSyncWords } from '../store/hooks';

/** Which step failed and why, which ones finished, whether trying again is safe, and what to do. */
export function StepFailedDetails({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const words = useSyncWords();
  const completed = problem.completedSteps ?? [];
  return (
    <>
      {problem.step && <p>{t('attention.problems.stepFailed.failedStep', { step: stepLabel(t, problem.step, words) })}</p>}
      {/* The agent's own words, in English, for whoever helps the person: what they can read out to support. */}
      {problem.failureReason && (
        <p className="muted" data-failure-reason>
          {t('attention.detailsForSupport')} <span lang="en">{problem.failureReason}</span>
        </p>
      )}
      <p className="subheading">{t('attention.problems.stepFailed.completedTitle')}</p>
      {completed.length > 0 ? (
        <ul className="completed-steps">
          {completed.map((step) => (
            <li key={step}>
              <span aria-hidden="true">✓ </span>
              {stepLabel(t, step, words)}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('attention.problems.stepFailed.noneCompleted')}</p>
      )}
      {problem.retrySafe !== undefined && (
        <p>{problem.retrySafe ? t('attention.problems.stepFailed.retrySafe') : t('attention.problems.stepFailed.retryUnsafe')}</p>
      )}
      {/* Without a remedy from the agent, the safe next step is the people who can look closer. */}
      <p className="next-step">{t(`attention.problems.stepFailed.remedy.${problem.remedy ?? 'contactSupport'}`)}</p>
    </>
  );
}
