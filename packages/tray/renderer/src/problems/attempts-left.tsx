import { useTranslation } from 'react-i18next';
import type { Problem } from '../app-types';

/** How many tries are left after a wrong password, when the agent said. */
export function AttemptsLeft({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  if (problem.code !== 'previousPasswordWrong' && problem.code !== 'newPasswordMismatch') return null;
  if (problem.attemptsLeft === undefined) return null;
  if (problem.attemptsLeft === 0) return <p>{t('attention.noAttemptsLeft')}</p>;
  return <p>{t('attention.attemptsLeft', { count: problem.attemptsLeft })}</p>;
}
