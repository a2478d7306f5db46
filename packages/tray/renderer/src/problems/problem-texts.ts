import type { ParseKeys } from 'i18next';
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

/** The keys of what the problem screen says: a title, and where they apply, a body and the next step (checked against en.json). */
export interface ProblemTexts {
  title: ParseKeys;
  body: ParseKeys | null;
  next: ParseKeys | null;
}

/** The problems worded by title, body and next step alone. */
type PlainKey = Exclude<ProblemTextKey, 'stepFailed' | 'lockedOut' | 'notAllowed'>;

/**
 * What a problem screen says, from the problem and, for a lockout, the seconds left:
 * once the wait is over the heading says so, and warns that the next wrong try waits
 * again. The step-failed screen words its own body and next step (step-failed-details.tsx),
 * and a lockout's time left is its countdown.
 */
export function problemTexts(problem: Problem, lockoutSecondsLeft: number | null): ProblemTexts {
  switch (problem.code) {
    case 'stepFailed':
      return { title: 'attention.problems.stepFailed.title', body: null, next: null };
    case 'lockedOut':
      return lockoutSecondsLeft === 0
        ? { title: 'attention.problems.lockedOut.readyTitle', body: 'attention.problems.lockedOut.readyBody', next: null }
        : { title: 'attention.problems.lockedOut.title', body: 'attention.problems.lockedOut.body', next: null };
    case 'notAllowed':
      return {
        title: 'attention.problems.notAllowed.title',
        body: `attention.problems.notAllowed.body.${problem.notAllowedReason ?? 'policy'}`,
        next: `attention.problems.notAllowed.next.${problem.notAllowedReason ?? 'policy'}`,
      };
    default: {
      // The cases above took the codes worded otherwise.
      const section = `attention.problems.${problemTextKey(problem) as PlainKey}` as const;
      return { title: `${section}.title`, body: `${section}.body`, next: `${section}.next` };
    }
  }
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
