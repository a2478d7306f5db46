import { describe, expect, it } from 'vitest';
import { formatAgo } from './format';

describe('times as a person reads them', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it('says how long ago, in the largest whole unit, never "now"', () => {
    expect(formatAgo('2026-12-01T12:00:00Z', 'en', now)).toBe('0 seconds ago');
    expect(formatAgo('2026-12-01T11:59:48Z', 'en', now)).toBe('12 seconds ago');
    expect(formatAgo('2026-12-01T11:55:00Z', 'en', now)).toBe('5 minutes ago');
    expect(formatAgo('2026-11-29T12:00:00Z', 'en', now)).toBe('2 days ago');
    expect(formatAgo('2026-12-01T11:55:00Z', 'de', now)).toBe('vor 5 Minuten');
  });
});
