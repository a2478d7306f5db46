import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../app-types';
import { useBridge } from '../bridge/bridge-context';
import { DiagnosticsButton } from '../components/diagnostics-button';
import { useSecondsUntil } from '../hooks/use-seconds-until';
import { AttemptsLeft } from '../problems/attempts-left';
import { canRetry } from '../problems/can-retry';
import { LockoutCountdown } from '../problems/lockout-countdown';
import { lockoutDeadline, nothingChanged, problemTexts } from '../problems/problem-texts';
import { StepFailedDetails } from '../problems/step-failed-details';
import { useAppStore } from '../store/app-store';
import { useProvider } from '../store/hooks';

/** Problems whose next step is support: the way to what support needs is on screen. */
const DIAGNOSTICS_FOR: ReadonlySet<Problem['code']> = new Set(['stepFailed', 'notAllowed', 'internal']);

/**
 * Something needs the person: what happened, in plain words, and what to do next, said
 * once (IT support named where the next step is theirs, not again below it).
 */
export function AttentionScreen({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const provider = useProvider();
  const [shownAt] = useState(() => Date.now());
  const secondsLeft = useSecondsUntil(lockoutDeadline(problem, shownAt));
  const alert = useRef<HTMLDivElement>(null);
  // A lockout that has run out is no longer "too many tries": its own words, from the moment it ends.
  const texts = problemTexts(problem, secondsLeft);

  // The message takes focus when it appears, so it is what the person hears and reads first.
  useEffect(() => {
    alert.current?.focus();
  }, [texts.title]);

  function tryAgain() {
    useAppStore.getState().problemDismissed();
    bridge.dismissProblem().catch(() => undefined);
  }

  return (
    <section className="screen-body" data-problem={problem.code}>
      <div ref={alert} role="alert" tabIndex={-1} className="problem">
        <h1 className="screen-heading">
          <span className="status-icon status-icon-warning" aria-hidden="true">!</span>
          {t(texts.title, { provider })}
        </h1>
        {texts.body && <p>{t(texts.body, { provider })}</p>}
        {nothingChanged(problem) && <p>{t('attention.nothingChanged')}</p>}
        <AttemptsLeft problem={problem} />
        {problem.code === 'notAllowed' && problem.failureReason && (
          // The agent's own words, in English, for whoever helps: which system manages the account.
          <p className="muted" data-failure-reason>
            {t('attention.detailsForSupport')} <span lang="en">{problem.failureReason}</span>
          </p>
        )}
      </div>
      {problem.code === 'stepFailed' && <StepFailedDetails problem={problem} />}
      {problem.code === 'lockedOut' && <LockoutCountdown secondsLeft={secondsLeft} />}
      {texts.next && <p className="next-step">{t(texts.next, { provider })}</p>}
      {canRetry(problem, secondsLeft) && (
        <div className="actions">
          <button type="button" className="button button-primary" onClick={tryAgain}>
            {t('attention.tryAgain')}
          </button>
        </div>
      )}
      {DIAGNOSTICS_FOR.has(problem.code) && <DiagnosticsButton />}
    </section>
  );
}
