import type { Problem } from '../app-types';

/**
 * Whether "Try again" makes sense for a problem. Not while the outcome is unknown
 * (the app is still finding out), not when policy forbids it, not when the agent
 * said retrying is unsafe, and not before a lockout ends.
 */
export function canRetry(problem: Problem, lockoutSecondsLeft: number | null): boolean {
  switch (problem.code) {
    case 'previousPasswordWrong':
    case 'newPasswordMismatch':
      return problem.attemptsLeft !== 0;
    case 'lockedOut':
      return lockoutSecondsLeft === null || lockoutSecondsLeft === 0;
    case 'stepFailed':
      return problem.retrySafe === true;
    case 'connectionLost':
    case 'outcomeUnknown':
    case 'notAllowed':
      return false;
    case 'changeNotFound':
    case 'passwordNotAccepted':
    case 'syncAlreadyRunning':
    case 'internal':
      return true;
  }
}
