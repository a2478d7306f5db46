import { useTranslation } from 'react-i18next';
import { useAttempts } from '../store/hooks';

/**
 * Before the try that would make pwsync wait (the last one left, or the first after a
 * wait, when the agent counts none left): said on the form, before the person sends it.
 */
export function AttemptsWarning() {
  const { t } = useTranslation();
  const attempts = useAttempts();
  if (!attempts || attempts.left > 1 || lockedNow(attempts.lockedUntil)) return null;
  return (
    <p className="note note-warning" data-attempts-warning>
      {t('confirm.lastTry')}
    </p>
  );
}

/** The agent's lock may have ended since it last said (it says nothing when a lock runs out). */
export function lockedNow(lockedUntil: string | null, now = Date.now()): boolean {
  return lockedUntil !== null && Date.parse(lockedUntil) > now;
}
