/**
 * pwsync-directory's command line: help, clear errors for bad flags, plain HTTP only
 * where nobody can listen in, secret files only their owner may read, a taken port.
 * The flags are checked in-process (cli-options.ts); the program itself is run for
 * what only a process shows: exit codes, usage on standard error, a port in use.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, type Directory, startDirectory, tempDir } from '@pwsync/testing/directory-harness';
import { issue, makeCa } from '@pwsync/testing/tls-fixtures';
import { UsageError, parseOptions } from '../src/cli-options';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'packages/directory/src/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });

const dir = tempDir();
const scim = path.join(dir, 'scim');
writeFileSync(scim, 'a-token-of-enough-length\n', { mode: 0o600 });
const adminFile = path.join(dir, 'admin');
writeFileSync(adminFile, 'another-token-of-enough-length\n', { mode: 0o600 });
const short = path.join(dir, 'short');
writeFileSync(short, 'short\n', { mode: 0o600 });
const open = path.join(dir, 'open');
writeFileSync(open, 'a-token-anyone-can-read-here\n', { mode: 0o644 });
const groupReadable = path.join(dir, 'group');
writeFileSync(groupReadable, 'a-token-the-group-can-read\n', { mode: 0o640 });
const ca = makeCa(dir);
const cert = issue(ca, dir, 'server');
const otherCert = issue(ca, dir, 'other');
const openKey = path.join(dir, 'open.key');
writeFileSync(openKey, cert.key, { mode: 0o644 });
const db = `${dir}/d.db`;
const base = ['--db', db, '--scim-token-file', scim, '--admin-token-file', adminFile];
const local = ['--listen', '127.0.0.1:0', ...base];
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
    [['--listen', '127.0.0.1:0', '--scim-token-file', scim, '--admin-token-file', adminFile], '--db is required'],
    [['--listen', '127.0.0.1:0', '--db', db, '--admin-token-file', adminFile], '--scim-token-file is required'],
    [['--listen', '127.0.0.1:0', '--db', db, '--scim-token-file', scim], '--admin-token-file is required'],
    [['--listen', 'localhost', ...base], '--listen must be HOST:PORT'],
    [['--listen', '127.0.0.1:70000', ...base], 'the port must be from 0 to 65535'],
    [['--listen', '127.0.0.1:0', '--db', db, '--scim-token-file', `${dir}/missing`, '--admin-token-file', adminFile], 'cannot read --scim-token-file'],
    [['--listen', '127.0.0.1:0', '--db', db, '--scim-token-file', short, '--admin-token-file', adminFile], 'at least 16 characters'],
    [['--listen', '127.0.0.1:0', '--db', db, '--scim-token-file', scim, '--admin-token-file', scim], 'must hold different tokens'],
    [['--listen', '127.0.0.1:0', '--db', db, '--scim-token-file', open, '--admin-token-file', adminFile], `--scim-token-file ${open} can be read by others than its owner; make it private with: chmod 600 ${open}`],
    [['--listen', '127.0.0.1:0', '--db', db, '--scim-token-file', scim, '--admin-token-file', groupReadable], `make it private with: chmod 600 ${groupReadable}`],
    [[...local, '--pbkdf2-iterations', '10'], '--pbkdf2-iterations must be a whole number'],
    [[...local, '--crypt-rounds', '999999999'], '--crypt-rounds must be a whole number from 5000 to 1000000'],
    [[...local, '--bogus'], "Unknown option '--bogus'"],
    // Plain HTTP to the network is refused; TLS, loopback or a named proxy are the ways.
    [['--listen', '0.0.0.0:0', ...base, '--public-url', 'https://d.example.com'], 'would send tokens, passwords and hashes over the network in plain text'],
    [['--listen', '0.0.0.0:0', ...base, '--tls-cert', cert.certFile, '--tls-key', cert.keyFile], '--public-url is required'],
    [['--listen', '0.0.0.0:0', ...base, '--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--public-url', 'http://d.example.com'], '--public-url must be an https URL'],
    [[...local, '--public-url', 'https://d.example.com/scim'], '--public-url must be only a scheme, a host and a port'],
    [[...local, '--tls-cert', cert.certFile], '--tls-cert and --tls-key go together'],
    [[...local, '--tls-cert', cert.certFile, '--tls-key', openKey], `--tls-key ${openKey} can be read by others than its owner; make it private with: chmod 600 ${openKey}`],
    [[...local, '--tls-cert', otherCert.certFile, '--tls-key', cert.keyFile], 'must be a PEM certificate and the private key that belongs to it'],
    [[...local, '--trusted-proxy', '10.0.0.0/99'], '--trusted-proxy must be IP addresses or CIDR ranges'],
  ])('%j: refused, saying %s', (args, message) => {
    expect(() => parseOptions(args)).toThrow(UsageError);
    expect(() => parseOptions(args)).toThrow(message);
  });

  it('takes TLS, a named proxy and a public URL', () => {
    const options = parseOptions(['--listen', '0.0.0.0:8443', ...base, '--tls-cert', cert.certFile, '--tls-key', cert.keyFile, '--public-url', 'https://d.example.com:8443/'])!;
    expect(options).toMatchObject({ host: '0.0.0.0', port: 8443, publicUrl: 'https://d.example.com:8443', tls: { cert: cert.cert, key: cert.key } });
    const proxied = parseOptions(['--listen', '10.0.0.2:8080', ...base, '--trusted-proxy', '10.0.0.5, 10.1.0.0/16', '--public-url', 'https://d.example.com'])!;
    expect(proxied).toMatchObject({ trustedProxies: ['10.0.0.5', '10.1.0.0/16'], tls: undefined });
  });

  it('a bad flag exits 2 with the reason and the usage', () => {
    const result = cli([...local, '--scim-token-file', open]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`make it private with: chmod 600 ${open}`);
    expect(result.stderr).toContain('Usage:');
  });

  it('a port already taken exits 1 with a clear message', async () => {
    running = await startDirectory();
    const port = new URL(running.url).port;
    const result = cli(['--listen', `127.0.0.1:${port}`, ...base]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
  });

  it('a database path that cannot be opened exits 1', () => {
    const result = cli(['--listen', '127.0.0.1:0', '--db', `${dir}/no/such/folder/d.db`, '--scim-token-file', scim, '--admin-token-file', adminFile]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot open the database');
  });
});
