import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';

const SECRET = 'Tr0ub4dor&3';

function recorded(level?: Parameters<typeof createLogger>[0]['level']) {
  const lines: string[] = [];
  const logger = createLogger({ name: 'pwsync-test', level, destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the logger factory', () => {
  it('writes one JSON line an entry: level, time, name, the message, then the fields', () => {
    const { logger, lines, entries } = recorded();
    logger.warn('the agent is not running', { attempt: 2, steps: ['account', 'keychain'] });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const { time, ...entry } = entries()[0]!;
    expect(typeof time).toBe('number');
    expect(entry).toEqual({ level: 40, name: 'pwsync-test', msg: 'the agent is not running', attempt: 2, steps: ['account', 'keychain'] });
  });

  it('censors a field named like a secret, at any depth, and password pairs in the message and in values', () => {
    const { logger, lines, entries } = recorded();
    logger.info(`retrying with password=${SECRET} as typed`, {
      newPassword: SECRET,
      request: { params: { changeId: 'chg_1', previousPassword: SECRET } },
      headers: { authorization: `Bearer ${SECRET}` },
      hashes: { sha512crypt: `$6$${SECRET}` },
      detail: `token: ${SECRET}`,
      deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: SECRET } } } } } } } } } },
      changeId: 'chg_1',
    });
    expect(lines.join('')).not.toContain(SECRET);
    expect(entries()[0]).toMatchObject({
      msg: 'retrying with password=[redacted] as typed',
      newPassword: '[redacted]',
      request: { params: '[redacted]' },
      headers: { authorization: '[redacted]' },
      hashes: '[redacted]',
      detail: 'token: [redacted]',
      changeId: 'chg_1',
    });
  });

  it('does not let a field stand in for the level, time, name or message', () => {
    const { logger, entries } = recorded();
    logger.info('started', { msg: 'forged', level: 'fatal', time: 0, name: 'someone else' });
    expect(entries()[0]).toMatchObject({ level: 30, name: 'pwsync-test', msg: 'started', _msg: 'forged', _level: 'fatal', _time: 0, _name: 'someone else' });
    expect(entries()[0]!.time).not.toBe(0);
  });

  it('writes from its level up: info by default, debug when asked', () => {
    const quiet = recorded();
    quiet.logger.debug('noisy');
    quiet.logger.info('kept');
    expect(quiet.entries().map((e) => e.msg)).toEqual(['kept']);
    const chatty = recorded('debug');
    chatty.logger.debug('noisy');
    expect(chatty.entries().map((e) => e.msg)).toEqual(['noisy']);
    const fatal = recorded('fatal');
    fatal.logger.error('not even this');
    fatal.logger.flush();
    expect(fatal.lines).toEqual([]);
  });
});
