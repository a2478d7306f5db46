import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeTempDir, BUILT } from '@pwsync/testing/processes';

const run = promisify(execFile);
const CLI = BUILT.agent;
const files = makeTempDir();
const openToken = path.join(files, 'open.token');
const privateToken = path.join(files, 'private.token');
const notPem = path.join(files, 'ca.txt');
await fs.writeFile(openToken, 'a-device-token-anyone-can-read\n', { mode: 0o644 });
await fs.writeFile(privateToken, 'a-device-token-of-its-own\n', { mode: 0o600 });
await fs.writeFile(notPem, 'not a certificate\n');
const withDirectory = ['--socket', path.join(files, 'x.sock'), '--backend', 'sandbox', '--state-dir', path.join(files, 'state'), '--directory', 'https://127.0.0.1:1'];


async function agent(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pwsync-agent', () => {
  it('prints its usage with --help and exits 0', async () => {
    const result = await agent(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: pwsync-agent serve  [--config FILE]');
    expect(result.stdout).toContain('pwsync-agent --socket PATH --backend sandbox|linux|darwin --state-dir DIR');
  });

  it.each([
    [[], '--socket is required'],
    [['--socket', '/tmp/x.sock'], '--backend is required'],
    [['--socket', '/tmp/x.sock', '--backend', 'windows', '--state-dir', '/tmp/s'], '--backend must be sandbox, linux or darwin, not "windows"'],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox'], '--state-dir is required'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--directory', 'not a url'], '--directory must be a URL, not "not a url"'],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--directory', 'ftp://x'], '--directory must be an https URL'],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--directory', 'http://directory.example.com', '--device-token-file', '/tmp/t'], '--directory must be https: plain http is accepted only to a directory on this computer'],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--directory', 'http://10.0.0.5:8443', '--device-token-file', '/tmp/t'], '--directory must be https'],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--directory', 'http://127.0.0.1:1'], '--directory needs --device-token-file'],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--device-token-file', '/tmp/t'], '--device-token-file, --directory-ca and --checkin-interval go with --directory'],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--attempt-limit', '0'], '--attempt-limit must be a whole number from 1 to 100'],
    // The real backends change an account's password: whose must be said, and never root's or a system account's.
    [['--backend', 'linux', '--state-dir', '/tmp/s'], '--user is required with the linux backend: the person whose password the agent keeps in step'],
    [['--backend', 'linux', '--state-dir', '/tmp/s', '--user', 'root'], 'the agent never serves root: give --user the person whose password it keeps in step'],
    [['--backend', 'linux', '--state-dir', '/tmp/s', '--user', 'daemon'], '--user daemon is a system account (uid 1); the agent serves only people, uids 1000 to 60000'],
    [['--backend', 'linux', '--state-dir', '/tmp/s', '--user', 'nobody'], '--user nobody is a system account (uid 65534)'],
    [[...withDirectory, '--device-token-file', openToken], `--device-token-file ${openToken} can be read by others than its owner; make it private with: chmod 600 ${openToken}`],
    [[...withDirectory, '--device-token-file', privateToken, '--directory-ca', path.join(files, 'missing.pem')], 'cannot read --directory-ca'],
    [[...withDirectory, '--device-token-file', privateToken, '--directory-ca', notPem], `--directory-ca ${notPem} must hold a PEM certificate`],
    [['--socket', '/tmp/x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/s', '--sandbox-platform', 'amiga'], '--sandbox-platform must be darwin, linux or win32, not "amiga"'],
    [['--socket', '/tmp/x.sock', '--backend', 'linux', '--state-dir', '/tmp/s', '--sandbox-platform', 'linux'], '--sandbox-platform works only with --backend sandbox'],
  ])('refuses %j with a clear message and exit code 2', async (args, message) => {
    const result = await agent(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('shuts down cleanly on %s and leaves no socket behind', async (signal) => {
    const dir = makeTempDir();
    const socketPath = path.join(dir, 'a.sock');
    const child = spawn(process.execPath, [CLI, '--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 'state')]);
    while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 25));
    expect((await fs.stat(socketPath)).mode & 0o777).toBe(0o600);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('logs JSON lines as pwsync-agent, through the one redaction list', async () => {
    const secret = 'Hunter-2-in-a-path';
    const dir = makeTempDir();
    // The agent logs the socket's path as it starts; one with a password pair in it must not reach the log whole.
    const socketPath = path.join(dir, `password=${secret}.sock`);
    const child = spawn(process.execPath, [CLI, '--socket', socketPath, '--backend', 'sandbox', '--state-dir', path.join(dir, 'state')]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    while (!existsSync(socketPath)) await new Promise((resolve) => setTimeout(resolve, 25));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    await fs.rm(dir, { recursive: true, force: true });
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.msg === 'listening')).toMatchObject({ level: 30, name: 'pwsync-agent', socket: path.join(dir, 'password=[redacted]') });
    expect(lines.find((line) => line.msg === 'shutting down')).toMatchObject({ name: 'pwsync-agent', signal: 'SIGTERM' });
    expect(stderr).not.toContain(secret);
  });

  it('refuses an unknown --user clearly', async () => {
    const result = await agent(['--socket', '/tmp/pwsync-x.sock', '--backend', 'sandbox', '--state-dir', '/tmp/pwsync-x-state', '--user', 'no-such-user-here']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no such user: no-such-user-here');
  });
});
