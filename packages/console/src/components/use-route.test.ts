import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from './use-route';

describe('the console\'s places', () => {
  it('reads and writes the address\'s hash', () => {
    expect(parseRoute('')).toEqual({ screen: 'search' });
    expect(parseRoute('#/fleet')).toEqual({ screen: 'fleet' });
    expect(parseRoute('#/people/alex%40example.com')).toEqual({ screen: 'person', userName: 'alex@example.com' });
    expect(hrefFor({ screen: 'person', userName: 'alex@example.com' })).toBe('#/people/alex%40example.com');
    expect(parseRoute('#/people/%E0%A4%A')).toEqual({ screen: 'search' });
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'search' });
  });
});
