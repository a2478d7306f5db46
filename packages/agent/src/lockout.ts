/**
 * Wrong passwords count against a limit; past it, each further failure locks the
 * confirm call for twice as long as the one before (1 minute, 2, 4, … up to 1 hour).
 * The count lives in the user's state, so a restart does not reset it. `now` is the
 * agent's clock reading (Clock.now(), milliseconds since the epoch).
 */
import type { Attempts } from './user-state';

export const DEFAULT_ATTEMPT_LIMIT = 5;
const BASE_LOCK_MS = 60_000;
const MAX_LOCK_MS = 60 * 60_000;

export interface LockoutPolicy {
  attemptLimit: number;
}

export function attemptsLeft(attempts: Attempts, policy: LockoutPolicy): number {
  return Math.max(0, policy.attemptLimit - attempts.failures);
}

/** Milliseconds until the next attempt is allowed, or 0. */
export function lockRemainingMs(attempts: Attempts, now: number): number {
  if (!attempts.lockedUntil) return 0;
  return Math.max(0, Date.parse(attempts.lockedUntil) - now);
}

export function recordFailure(attempts: Attempts, policy: LockoutPolicy, now: number): Attempts {
  const failures = attempts.failures + 1;
  if (failures < policy.attemptLimit) return { failures, lockedUntil: null };
  const lockMs = Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - policy.attemptLimit));
  return { failures, lockedUntil: new Date(now + lockMs).toISOString() };
}

export const NO_FAILURES: Attempts = { failures: 0, lockedUntil: null };
