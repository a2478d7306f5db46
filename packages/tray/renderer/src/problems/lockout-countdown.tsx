import { useTranslation } from 'react-i18next';
import { formatDuration } from '../i18n/format';

/**
 * The time left before the person may try again. It changes every second on screen
 * but is not a live region: reading it out each second would drown everything else.
 * The status below it is, so the moment it reaches zero is announced.
 */
export function LockoutCountdown({ secondsLeft }: { secondsLeft: number | null }) {
  const { t } = useTranslation();
  if (secondsLeft === null) return null;
  return (
    <>
      {secondsLeft > 0 && (
        <p className="next-step countdown">
          {t('attention.problems.lockedOut.retryIn', { time: formatDuration(t, secondsLeft) })}
        </p>
      )}
      <p className="next-step" role="status">
        {secondsLeft === 0 && t('attention.problems.lockedOut.ready')}
      </p>
    </>
  );
}
