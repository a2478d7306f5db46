import { describe, expect, it } from 'vitest';
import { isoTime, systemClock } from '../src/clock';

describe('the system clock', () => {
  it('reads the time as Date.now() does, and says it as ISO 8601', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(isoTime({ now: () => Date.parse('2026-01-02T03:04:05.678Z') })).toBe('2026-01-02T03:04:05.678Z');
  });

  it('fires a timer after its delay, and not one that was cleared', async () => {
    const fired: string[] = [];
    const kept = systemClock.setTimeout(() => fired.push('kept'), 5);
    const cleared = systemClock.setTimeout(() => fired.push('cleared'), 5);
    systemClock.clearTimeout(cleared);
    expect(kept).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fired).toEqual(['kept']);
  });
});
