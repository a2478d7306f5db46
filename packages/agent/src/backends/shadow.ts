/**
 * The Linux account password: read from /etc/shadow, checked with the system's own
 * crypt(3) (libxcrypt, through perl, which handles $y$ yescrypt, $6$ and $5$ alike),
 * and set with chpasswd from the shadow suite. `-R ROOT` points chpasswd at another
 * root, which is how the tests use a throw-away copy of etc/.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeRun, type Runner, secretLines } from './runner';

export const CHPASSWD = '/usr/sbin/chpasswd';
export const PERL = '/usr/bin/perl';

/**
 * libxcrypt's crypt(3) refuses passphrases of 512 bytes or more (CRYPT_MAX_PASSPHRASE_SIZE),
 * so no Linux account can hold one: such a password opens nothing and cannot be set.
 */
export const CRYPT_MAX_PASSWORD_BYTES = 511;

/** chpasswd reads lines into an 8 KiB buffer; 4 KiB keeps far from it. */
const CHPASSWD_MAX_STDIN = 4096;

/**
 * Reads "hash LF password" from stdin (neither on the command line) and exits 0 when
 * crypt(password, hash) gives the hash back. The comparison runs over every byte.
 */
const VERIFY_SCRIPT = [
  'binmode STDIN; local $/; my $in = <STDIN>; my ($h, $p) = split(/\\n/, $in, 2);',
  'exit 2 unless defined $p && length($h) > 3;',
  'my $c = crypt($p, $h); exit 2 unless defined $c;',
  'my $d = length($c) ^ length($h); for my $i (0 .. length($h) - 1) { $d |= ord(substr($c, $i, 1)) ^ ord(substr($h, $i, 1)); }',
  'exit($d ? 1 : 0);',
].join(' ');

export type HashFormat = 'YESCRYPT' | 'SHA512' | 'SHA256';

/** The chpasswd -c method that writes hashes of the same kind as this one, if we know it. */
export function hashFormat(hash: string): HashFormat | undefined {
  if (hash.startsWith('$y$')) return 'YESCRYPT';
  if (hash.startsWith('$6$')) return 'SHA512';
  if (hash.startsWith('$5$')) return 'SHA256';
  return undefined;
}

export class ShadowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShadowError';
  }
}

export interface ShadowOptions {
  runner: Runner;
  /** The system root: '/' on a real system, a throw-away folder in tests. */
  root: string;
}

const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

export function checkUserName(user: string): void {
  if (!USER_NAME.test(user)) throw new ShadowError('not a valid user name');
}

export async function readShadowHash(root: string, user: string): Promise<string | undefined> {
  checkUserName(user);
  const text = await fs.readFile(path.join(root, 'etc/shadow'), 'utf8');
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === user) return fields[1] ?? '';
  }
  return undefined;
}

const ROOT_USER = { name: 'root', home: '/root' };

/** True when the password opens this hash. A locked or empty field opens nothing. */
export async function cryptVerify(runner: Runner, password: string, hash: string): Promise<boolean> {
  if (!hashFormat(hash) && !/^\$[a-z0-9]+\$/i.test(hash)) return false;
  if (Buffer.byteLength(password, 'utf8') > CRYPT_MAX_PASSWORD_BYTES) return false;
  const stdin = secretLines([hash, password], { maxBytes: 8192, finalNewline: false });
  const result = await runner.run({ program: PERL, args: ['-e', VERIFY_SCRIPT], user: ROOT_USER, stdin, timeoutMs: 20_000 });
  if (result.exitCode === 0) return true;
  if (result.exitCode === 1) return false;
  throw new ShadowError(`the password check ${describeRun(result)}`);
}

function rootArgs(root: string): string[] {
  return path.resolve(root) === '/' ? [] : ['-R', path.resolve(root)];
}

/** Sets the account to a hash as given (the directory's): `chpasswd -e`, the line on stdin. */
export async function setShadowHash(options: ShadowOptions, user: string, hash: string): Promise<void> {
  checkUserName(user);
  if (!/^\$(6|5|y)\$[^\s:]+$/.test(hash)) throw new ShadowError('not a crypt hash chpasswd -e can take');
  const stdin = secretLines([`${user}:${hash}`], { maxBytes: CHPASSWD_MAX_STDIN, finalNewline: true });
  const result = await options.runner.run({ program: CHPASSWD, args: ['-e', ...rootArgs(options.root)], user: ROOT_USER, stdin });
  if (result.exitCode !== 0) throw new ShadowError(`chpasswd -e ${describeRun(result)}`);
}

/** Sets the account from a password, hashed by chpasswd in the given format (the system's own). */
export async function setShadowPassword(options: ShadowOptions, user: string, password: string, format: HashFormat): Promise<void> {
  checkUserName(user);
  if (Buffer.byteLength(password, 'utf8') > CRYPT_MAX_PASSWORD_BYTES) throw new ShadowError(`the password is over the ${CRYPT_MAX_PASSWORD_BYTES}-byte limit of crypt(3)`);
  const stdin = secretLines([`${user}:${password}`], { maxBytes: CHPASSWD_MAX_STDIN, finalNewline: true });
  const result = await options.runner.run({
    program: CHPASSWD,
    args: ['-c', format, ...rootArgs(options.root)],
    user: ROOT_USER,
    stdin,
  });
  if (result.exitCode !== 0) throw new ShadowError(`chpasswd -c ${format} ${describeRun(result)}`);
}
