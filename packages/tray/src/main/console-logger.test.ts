import { describe, expect, it } from 'vitest';
import { consoleLogger } from './console-logger';

describe('consoleLogger', () => {
  it('writes one JSON line with exactly the message, level and given fields', () => {
    const lines: string[] = [];
    consoleLogger((line) => lines.push(line)).warn('the agent is not running', { attempt: 2 });
    expect(lines).toHaveLength(1);
    const { time, ...entry } = JSON.parse(lines[0]!);
    expect(typeof time).toBe('string');
    expect(entry).toEqual({ level: 'warn', name: 'pwsync-app', msg: 'the agent is not running', attempt: 2 });
  });

  it('does not let a field overwrite the message or level', () => {
    const lines: string[] = [];
    consoleLogger((line) => lines.push(line)).info('started', { msg: 'forged', level: 'error' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'started', level: 'info' });
  });
});
