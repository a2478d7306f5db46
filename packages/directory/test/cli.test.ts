/**
 * pwsync-directory's command line: help, clear errors for bad flags, plain HTTP only
 * where nobody can listen in, secret files only their owner may read, a taken port.
 * The flags are checked in-process (cli-options.ts); the program itself is run for
 * what only a process shows: exit codes, usage on standard error, a port in use.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE, ROOT, TOKEN, ADMIN_TOKEN, type Directory, call, oktaUser, startDirectory, tempDir, testPostgres, writeTokenFiles } from '@pwsync/testing/directory-harness';
import { createDatabase } from '@pwsync/testing/postgres';
import { issue, makeCa } from '@pwsync/testing/tls-fixtures';
import { UsageError, describeDatabase, parseOptions } from '../src/cli-options';

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
    [['--listen', '127.0.0.1:0', '--scim-token-file', scim, '--admin-token-file', adminFile], '--db FILE (SQLite) or --database URL / --database-url-file FILE (PostgreSQL) is required'],
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

  it('names a PostgreSQL database without ever taking its password on the command line', () => {
    const secretUrl = 'postgres://pwsync:Db-Secret-Pass-1@db.example.com/pwsync';
    const withPassword = () => parseOptions(['--listen', '127.0.0.1:0', '--database', secretUrl, '--scim-token-file', scim, '--admin-token-file', adminFile]);
    expect(withPassword).toThrow('--database must not hold the password');
    try {
      withPassword();
    } catch (error) {
      expect((error as Error).message).not.toContain('Db-Secret-Pass-1');
    }
    expect(() => parseOptions(['--listen', '127.0.0.1:0', '--db', db, '--database', 'postgres://pwsync@db.example.com/pwsync', '--scim-token-file', scim, '--admin-token-file', adminFile])).toThrow('--db and --database name two databases: give one');
    expect(() => parseOptions(['--listen', '127.0.0.1:0', '--database', 'mysql://x@y/z', '--scim-token-file', scim, '--admin-token-file', adminFile])).toThrow('--database must be a postgres:// URL');
    // The URL in a file, and a password file: each only its owner may read.
    const urlFile = path.join(dir, 'database.url');
    writeFileSync(urlFile, `${secretUrl}\n`, { mode: 0o644 });
    expect(() => parseOptions(['--listen', '127.0.0.1:0', '--database-url-file', urlFile, '--scim-token-file', scim, '--admin-token-file', adminFile])).toThrow(`make it private with: chmod 600 ${urlFile}`);
    chmodSync(urlFile, 0o600);
    const fromFile = parseOptions(['--listen', '127.0.0.1:0', '--database-url-file', urlFile, '--scim-token-file', scim, '--admin-token-file', adminFile])!;
    expect(fromFile).toMatchObject({ database: { engine: 'postgres', url: secretUrl }, databaseName: 'postgres://pwsync@db.example.com/pwsync' });
    const passwordFile = path.join(dir, 'database.password');
    writeFileSync(passwordFile, 'Db-Secret-Pass-2\n', { mode: 0o600 });
    const withFile = parseOptions(['--listen', '127.0.0.1:0', '--database', 'postgres://pwsync@/pwsync?host=/run/postgresql', '--database-password-file', passwordFile, '--scim-token-file', scim, '--admin-token-file', adminFile])!;
    expect(withFile.password?.()).toBe('Db-Secret-Pass-2');
    expect(withFile.databaseName).toBe('postgres://pwsync@/run/postgresql/pwsync');
    expect(describeDatabase('postgres://u:p@[::1]:5433/d')).toBe('postgres://u@[::1]:5433/d');
  });

  it.skipIf(ENGINE !== 'postgres')('runs on PostgreSQL with the password in a file; a wrong one exits 1 saying why, never what it was', async () => {
    const database = await createDatabase(await testPostgres());
    const folder = tempDir();
    const tokens = writeTokenFiles(folder);
    const passwordFile = path.join(folder, 'database.password');
    const url = `postgres://${database.role}@127.0.0.1:${new URL(database.url).port}/${database.name}`;
    writeFileSync(passwordFile, 'Not-The-Password-1\n', { mode: 0o600 });
    const args = ['--listen', '127.0.0.1:0', '--database', url, '--database-password-file', passwordFile, '--scim-token-file', tokens.scim, '--admin-token-file', tokens.admin];
    const wrong = cli(args);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`cannot open the database ${url}: password authentication failed`);
    expect(wrong.stdout + wrong.stderr).not.toContain('Not-The-Password-1');
    writeFileSync(passwordFile, `${database.password}\n`, { mode: 0o600 });
    const right = await startDirectory(folder, ['--database', url, '--database-password-file', passwordFile]);
    try {
      expect((await call(right.url, 'POST', '/scim/v2/Users', oktaUser('pg@example.com'))).status).toBe(201);
      expect(right.output()).toContain('"engine":"postgres"');
      expect(right.output()).not.toContain(database.password);
      for (const secret of [TOKEN, ADMIN_TOKEN]) expect(right.output()).not.toContain(secret);
    } finally {
      await right.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
