import { describe, expect, it } from 'vitest';
import { attemptsLeft, lockRemainingMs, NO_FAILURES, recordFailure } from '../src/lockout';
import { FakeClock } from '@pwsync/testing/fake-clock';

const policy = { attemptLimit: 5 };

describe('wrong-password lockout', () => {
  it('allows five attempts, then locks for 1, 2, 4 … minutes, capped at an hour', () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    let attempts = NO_FAILURES;
    for (let i = 1; i <= 4; i += 1) {
      attempts = recordFailure(attempts, policy, clock.now());
      expect(attemptsLeft(attempts, policy)).toBe(5 - i);
      expect(lockRemainingMs(attempts, clock.now())).toBe(0);
    }
    const waits: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      attempts = recordFailure(attempts, policy, clock.now());
      const wait = lockRemainingMs(attempts, clock.now());
      waits.push(wait / 60_000);
      clock.advance(wait - 1);
      expect(lockRemainingMs(attempts, clock.now())).toBe(1);
      clock.advance(1);
      expect(lockRemainingMs(attempts, clock.now())).toBe(0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });
});
