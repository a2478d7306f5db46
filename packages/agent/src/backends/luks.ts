/**
 * LUKS disk-encryption passphrases, through cryptsetup. Which disks: the LUKS entries
 * of the root's /etc/crypttab that are unlocked with a typed passphrase (key file
 * `none` or `-`). Passphrases go on standard input only: `--key-file -` for a single
 * one (read to EOF, byte-exact), or, for luksChangeKey, the old and the new passphrase
 * as two lines (cryptsetup reads each up to its line break when stdin is not a
 * terminal), so no key file ever touches a disk.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeRun, type RunResult, type Runner, secretLines } from './runner';

export const CRYPTSETUP = '/usr/sbin/cryptsetup';

/** cryptsetup's documented exit codes (man cryptsetup, "RETURN CODES"). */
export const CRYPTSETUP_EXIT = { ok: 0, badParameters: 1, noKeyOrPermission: 2, outOfMemory: 3, wrongDevice: 4, busy: 5 } as const;

/** Well under cryptsetup's 8 MiB key-file limit; our passwords stop at 1 KiB anyway. */
const MAX_PASSPHRASE_STDIN = 4096;
const ROOT_USER = { name: 'root', home: '/root' };

export class LuksError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'LuksError';
  }
}

export interface LuksOptions {
  runner: Runner;
  /**
   * Extra arguments for luksChangeKey's new key slot. Tests pass a cheap PBKDF
   * (`--pbkdf pbkdf2 --pbkdf-force-iterations 1000`); real systems keep their default.
   */
  pbkdfArgs?: readonly string[];
}

/**
 * The devices in ROOT/etc/crypttab that a person unlocks by typing a passphrase.
 * UUID= and PARTUUID= sources resolve through /dev/disk; plain paths are taken as they are.
 */
export async function passphraseDevices(root: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(path.join(root, 'etc/crypttab'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const devices: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, source, keyFile = 'none', options = ''] = line.split(/\s+/);
    if (!source) continue;
    if (keyFile !== 'none' && keyFile !== '-') continue;
    const flags = options.split(',');
    if (flags.some((flag) => ['plain', 'tcrypt', 'bitlk', 'swap', 'tmp'].includes(flag.split('=')[0] ?? ''))) continue;
    const match = /^(UUID|PARTUUID|LABEL)=(.+)$/.exec(source);
    const kind = match?.[1]?.toLowerCase();
    devices.push(match && kind ? `/dev/disk/by-${kind}/${match[2]}` : source);
  }
  return devices;
}

function checkDevice(device: string): void {
  if (!path.isAbsolute(device) || /[\0\n]/.test(device)) throw new LuksError('not an absolute device path', null);
}

/** True when this passphrase opens a key slot of the device (`open --test-passphrase`: nothing is mapped). */
export async function luksAccepts(options: LuksOptions, device: string, passphrase: string): Promise<boolean> {
  checkDevice(device);
  const stdin = secretLines([passphrase], { maxBytes: MAX_PASSPHRASE_STDIN, finalNewline: false });
  const result = await options.runner.run({
    program: CRYPTSETUP,
    args: ['open', '--test-passphrase', '--batch-mode', '--key-file', '-', '--', device],
    user: ROOT_USER,
    stdin,
    timeoutMs: 60_000,
  });
  if (result.exitCode === CRYPTSETUP_EXIT.ok) return true;
  if (result.exitCode === CRYPTSETUP_EXIT.noKeyOrPermission) return false;
  throw failure('open --test-passphrase', result);
}

/** Replaces the key slot that the old passphrase opens with the new one (luksChangeKey). */
export async function luksChangeKey(options: LuksOptions, device: string, previous: string, next: string): Promise<void> {
  checkDevice(device);
  const stdin = secretLines([previous, next], { maxBytes: MAX_PASSPHRASE_STDIN, finalNewline: true });
  const result = await options.runner.run({
    program: CRYPTSETUP,
    args: ['luksChangeKey', '--batch-mode', ...(options.pbkdfArgs ?? []), '--', device],
    user: ROOT_USER,
    stdin,
    timeoutMs: 120_000,
  });
  if (result.exitCode !== CRYPTSETUP_EXIT.ok) throw failure('luksChangeKey', result);
}

function failure(what: string, result: RunResult): LuksError {
  const reason = result.exitCode === CRYPTSETUP_EXIT.noKeyOrPermission ? 'no key slot opens with the previous passphrase' : describeRun(result);
  return new LuksError(`cryptsetup ${what}: ${reason}`, result.exitCode);
}
