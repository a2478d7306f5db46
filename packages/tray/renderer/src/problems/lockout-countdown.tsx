import { useTranslation } from 'react-i18next';
import { formatDuration } from '../i18n/format';

/**
 * The time left before the person may try again. It changes every second on screen
 * but is not a live region: reading it out each second would drown everything else.
 * When it runs out the screen's heading says so instead (problem-texts.ts), and the
 * alert that holds it takes focus again, so that moment is what is announced.
 */
export function LockoutCountdown({ secondsLeft }: { secondsLeft: number | null }) {
  const { t } = useTranslation();
  if (secondsLeft === null || secondsLeft === 0) return null;
  return <p className="next-step countdown">{t('attention.problems.lockedOut.retryIn', { time: formatDuration(t, secondsLeft) })}</p>;
}
