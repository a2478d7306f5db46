import type { TFunction } from 'i18next';

/** "4 minutes and 5 seconds": words a person can read aloud on the phone. */
export function formatDuration(t: TFunction, totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes === 0) return t('time.seconds', { count: seconds });
  if (seconds === 0) return t('time.minutes', { count: minutes });
  return t('time.minutesAndSeconds', {
    minutes: t('time.minutes', { count: minutes }),
    seconds: t('time.seconds', { count: seconds }),
  });
}

/** A date and time in the person's language, or null when the text is not a date. */
export function formatDateTime(iso: string, language: string): string | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** "A, B and C" as the language writes a list. */
export function listOf(language: string, items: string[]): string {
  return new Intl.ListFormat(language, { style: 'long', type: 'conjunction' }).format(items);
}
