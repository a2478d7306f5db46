import type { Problem } from '../app-types';

/** The en.json section under attention.problems that words a problem. */
export type ProblemTextKey =
  | Exclude<Problem['code'], 'passwordNotAccepted'>
  | 'passwordNotAccepted'
  | 'passwordNotAcceptedNew'
  | 'passwordNotAcceptedPrevious';

export function problemTextKey(problem: Problem): ProblemTextKey {
  if (problem.code !== 'passwordNotAccepted') return problem.code;
  if (problem.field === 'newPassword') return 'passwordNotAcceptedNew';
  if (problem.field === 'previousPassword') return 'passwordNotAcceptedPrevious';
  return 'passwordNotAccepted';
}

/** Problems the agent found before it changed anything, so the screen can say so. */
export function nothingChanged(problem: Problem): boolean {
  return ['previousPasswordWrong', 'newPasswordMismatch', 'lockedOut', 'passwordNotAccepted', 'notAllowed'].includes(
    problem.code,
  );
}

/** When a lockout ends, in ms since the epoch; lockedUntil wins over a relative count. */
export function lockoutDeadline(problem: Problem, shownAt: number): number | null {
  if (problem.code !== 'lockedOut') return null;
  const until = problem.lockedUntil ? Date.parse(problem.lockedUntil) : Number.NaN;
  if (!Number.isNaN(until)) return until;
  if (problem.retryAfterSeconds !== undefined) return shownAt + problem.retryAfterSeconds * 1000;
  return null;
}
