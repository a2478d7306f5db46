import { describe, expect, it } from 'vitest';
import { attemptsLeft, lockRemainingMs, NO_FAILURES, recordFailure } from '../src/lockout';

const policy = { attemptLimit: 5 };

describe('wrong-password lockout', () => {
  it('allows five attempts, then locks for 1, 2, 4 … minutes, capped at an hour', () => {
    let now = new Date('2026-01-01T00:00:00Z');
    let attempts = NO_FAILURES;
    for (let i = 1; i <= 4; i += 1) {
      attempts = recordFailure(attempts, policy, now);
      expect(attemptsLeft(attempts, policy)).toBe(5 - i);
      expect(lockRemainingMs(attempts, now)).toBe(0);
    }
    const waits: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      attempts = recordFailure(attempts, policy, now);
      const wait = lockRemainingMs(attempts, now);
      waits.push(wait / 60_000);
      now = new Date(now.getTime() + wait);
      expect(lockRemainingMs(attempts, now)).toBe(0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });
});
