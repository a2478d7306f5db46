import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../src/backends/recording-runner';
import { RunRefused, SAFE_PATH, secretLines } from '../../src/backends/runner';
import { SafeRunner } from '../../src/backends/safe-runner';
import { HARD_PASSWORDS } from './linux-fixtures';

const runner = new SafeRunner();
const user = { name: 'alex', home: '/home/alex' };

describe('the safe runner', () => {
  it('gives the child only PATH and the target user\'s USER, HOME and LOGNAME', async () => {
    process.env.PWSYNC_SHOULD_NOT_LEAK = 'leak';
    const result = await runner.run({ program: '/usr/bin/env', args: [], user });
    delete process.env.PWSYNC_SHOULD_NOT_LEAK;
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual([`HOME=/home/alex`, 'LOGNAME=alex', `PATH=${SAFE_PATH}`, 'USER=alex']);
  });

  it('passes standard input byte-exact, ends it, and zeroes the caller\'s buffer', async () => {
    for (const password of HARD_PASSWORDS) {
      const stdin = Buffer.from(password, 'utf8');
      const result = await runner.run({ program: '/bin/cat', args: [], user, stdin });
      expect(result.stdout).toBe(password);
      expect(stdin.every((byte) => byte === 0)).toBe(true);
    }
  });

  it('starts the child in a session of its own (setsid), with no terminal', async () => {
    const result = await runner.run({ program: '/bin/cat', args: ['/proc/self/stat'], user });
    const fields = result.stdout.slice(result.stdout.lastIndexOf(')') + 2).split(' ');
    const pid = Number(result.stdout.split(' ')[0]);
    expect(Number(fields[3])).toBe(pid); // session id: the child leads its own session
    expect(Number(fields[4])).toBe(0); // tty_nr: no controlling terminal
  });

  it('refuses relative programs, NUL in arguments, NUL or line breaks in variables, NUL on stdin, and oversized input', async () => {
    await expect(runner.run({ program: 'env', args: [], user })).rejects.toBeInstanceOf(RunRefused);
    await expect(runner.run({ program: '/bin/echo', args: ['a\0b'], user })).rejects.toBeInstanceOf(RunRefused);
    await expect(runner.run({ program: '/bin/echo', args: [], user, env: { X: 'a\nb' } })).rejects.toBeInstanceOf(RunRefused);
    const withNul = Buffer.from('a\0b');
    await expect(runner.run({ program: '/bin/cat', args: [], user, stdin: withNul })).rejects.toBeInstanceOf(RunRefused);
    expect(withNul.every((b) => b === 0)).toBe(true);
    await expect(runner.run({ program: '/bin/cat', args: [], user, stdin: Buffer.alloc(20, 97), maxStdinBytes: 10 })).rejects.toBeInstanceOf(RunRefused);
  });

  it('counts secret lengths in UTF-8 bytes and refuses NUL and line breaks in secrets', () => {
    expect(() => secretLines(['é'.repeat(6)], { maxBytes: 11, finalNewline: false })).toThrow(RunRefused);
    expect(secretLines(['é'.repeat(6)], { maxBytes: 12, finalNewline: false }).length).toBe(12);
    expect(() => secretLines(['a\nb'], { maxBytes: 99, finalNewline: false })).toThrow(RunRefused);
    expect(() => secretLines(['a\rb'], { maxBytes: 99, finalNewline: false })).toThrow(RunRefused);
    expect(() => secretLines(['a\0b'], { maxBytes: 99, finalNewline: false })).toThrow(RunRefused);
  });

  it('kills the whole process group on timeout', async () => {
    // The shell starts a grandchild that would outlive a plain kill of the shell.
    const result = await runner.run({ program: '/bin/sh', args: ['-c', 'sleep 30 & echo $!; wait'], user, timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    const grandchild = Number(result.stdout.trim());
    await new Promise((r) => setTimeout(r, 50));
    const alive = existsSync(`/proc/${grandchild}`) && !readFileSync(`/proc/${grandchild}/stat`, 'utf8').includes(') Z');
    expect(alive).toBe(false);
  });

  it('caps output per channel and reports a program that cannot start by its errno code', async () => {
    const big = await runner.run({ program: '/usr/bin/head', args: ['-c', '100000', '/dev/zero'], user, maxOutputBytes: 1000 });
    expect(big.stdout.length).toBe(1000);
    const missing = await runner.run({ program: '/nonexistent/tool', args: [], user });
    expect(missing.spawnError).toBe('ENOENT');
    expect(missing.exitCode).not.toBe(0);
  });

  it('has a recording twin that checks, records and zeroes the same way', async () => {
    const recorder = new RecordingRunner(() => ({ exitCode: 3, stdout: 'scripted' }));
    const stdin = Buffer.from('secret Ω');
    const result = await recorder.run({ program: '/usr/bin/true', args: ['x'], user, stdin, env: { A: 'b' } });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'scripted' });
    expect(recorder.calls).toEqual([{ program: '/usr/bin/true', args: ['x'], env: { A: 'b', PATH: SAFE_PATH, USER: 'alex', LOGNAME: 'alex', HOME: '/home/alex' }, stdin: 'secret Ω', asUid: undefined }]);
    expect(stdin.every((b) => b === 0)).toBe(true);
    await expect(recorder.run({ program: 'true', args: [], user })).rejects.toBeInstanceOf(RunRefused);
  });
});
