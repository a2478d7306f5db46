import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PendingChange, Problem } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { useSecondsUntil } from '../hooks/use-seconds-until';
import { AttemptsLeft } from '../problems/attempts-left';
import { canRetry } from '../problems/can-retry';
import { LockoutCountdown } from '../problems/lockout-countdown';
import { lockoutDeadline, nothingChanged, problemTextKey } from '../problems/problem-texts';
import { StepFailedDetails } from '../problems/step-failed-details';
import { useAppStore } from '../store/app-store';
import { useProvider } from '../store/hooks';

/** Something needs the person: what happened, in plain words, and what to do next (about `change`, if one waits). */
export function AttentionScreen({ problem, change }: { problem: Problem; change: PendingChange | null }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const [shownAt] = useState(() => Date.now());
  const secondsLeft = useSecondsUntil(lockoutDeadline(problem, shownAt));
  const alert = useRef<HTMLDivElement>(null);
  const key = problemTextKey(problem);

  // The message takes focus when it appears, so it is what the person hears and reads first.
  useEffect(() => {
    alert.current?.focus();
  }, [key]);

  function tryAgain() {
    useAppStore.getState().problemDismissed();
    bridge.dismissProblem().catch(() => undefined);
  }

  return (
    <section className="screen-body" data-problem={problem.code}>
      <div ref={alert} role="alert" tabIndex={-1} className="problem">
        <h1 className="screen-heading">
          <span className="status-icon status-icon-warning" aria-hidden="true">!</span>
          {t(`attention.problems.${key}.title`, { provider })}
        </h1>
        {key !== 'stepFailed' && <p>{t(`attention.problems.${key}.body`, { provider })}</p>}
        {nothingChanged(problem) && <p>{t('attention.nothingChanged')}</p>}
        <AttemptsLeft problem={problem} />
      </div>
      {problem.code === 'stepFailed' && <StepFailedDetails problem={problem} change={change} />}
      {problem.code === 'lockedOut' && <LockoutCountdown secondsLeft={secondsLeft} />}
      {key !== 'stepFailed' && key !== 'lockedOut' && (
        <p className="next-step">{t(`attention.problems.${key}.next`, { provider })}</p>
      )}
      {canRetry(problem, secondsLeft) && (
        <div className="actions">
          <button type="button" className="button button-primary" onClick={tryAgain}>
            {t('attention.tryAgain')}
          </button>
        </div>
      )}
      <p className="muted">{t('attention.support')}</p>
    </section>
  );
}
