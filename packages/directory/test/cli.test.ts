/** pwsync-directory's command line: help, clear errors for bad flags, a taken port. */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { call, ROOT, type Directory, startDirectory, tempDir } from '@pwsync/testing/directory-harness';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'packages/directory/src/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });

const dir = tempDir();
const token = path.join(dir, 'token');
writeFileSync(token, 'a-token-of-enough-length\n');
const short = path.join(dir, 'short');
writeFileSync(short, 'short\n');
let running: Directory | undefined;
afterAll(async () => {
  await running?.stop();
  for (const d of [dir, running?.dir]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('pwsync-directory', () => {
  it('--help prints usage and exits 0', () => {
    const result = cli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: pwsync-directory --listen HOST:PORT');
  });

  it.each([
    [[], '--listen is required'],
    [['--listen', '127.0.0.1:0', '--token-file', token], '--db is required'],
    [['--listen', '127.0.0.1:0', '--db', `${dir}/d.db`], '--token-file is required'],
    [['--listen', 'localhost', '--db', `${dir}/d.db`, '--token-file', token], '--listen must be HOST:PORT'],
    [['--listen', '127.0.0.1:70000', '--db', `${dir}/d.db`, '--token-file', token], 'the port must be from 0 to 65535'],
    [['--listen', '127.0.0.1:0', '--db', `${dir}/d.db`, '--token-file', `${dir}/missing`], 'cannot read --token-file'],
    [['--listen', '127.0.0.1:0', '--db', `${dir}/d.db`, '--token-file', short], 'at least 16 characters'],
    [['--listen', '127.0.0.1:0', '--db', `${dir}/d.db`, '--token-file', token, '--pbkdf2-iterations', '10'], '--pbkdf2-iterations must be a whole number'],
    [['--listen', '127.0.0.1:0', '--db', `${dir}/d.db`, '--token-file', token, '--bogus'], "Unknown option '--bogus'"],
  ])('%j: exits 2 saying %s', (args, message) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage:');
  });

  it('a port already taken exits 1 with a clear message', async () => {
    running = await startDirectory();
    const port = new URL(running.url).port;
    const result = cli(['--listen', `127.0.0.1:${port}`, '--db', `${dir}/d.db`, '--token-file', token]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
  });

  it('logs JSON lines as pwsync-directory, through the one redaction list', async () => {
    const secret = 'Hunter-2-in-a-path';
    const directory = await startDirectory();
    try {
      // The request log names the path asked for; a password pair in it must not reach the log whole.
      expect((await call(directory.url, 'GET', `/scim/v2/Users/password=${secret}`)).status).toBe(404);
      await vi.waitUntil(() => directory.output().includes('"msg":"request"'), { timeout: 5000 });
    } finally {
      await directory.stop();
      rmSync(directory.dir, { recursive: true, force: true });
    }
    const lines = directory.output().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.msg === 'directory ready')).toMatchObject({ level: 30, name: 'pwsync-directory' });
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ level: 20, name: 'pwsync-directory', status: 404, path: '/scim/v2/Users/password=[redacted]' });
    expect(directory.output()).not.toContain(secret);
  });

  it('a database path that cannot be opened exits 1', () => {
    const result = cli(['--listen', '127.0.0.1:0', '--db', `${dir}/no/such/folder/d.db`, '--token-file', token]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot open the database');
  });
});
