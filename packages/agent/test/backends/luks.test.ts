import { promises as fs, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CRYPTSETUP, LuksError, luksAccepts, luksChangeKey, passphraseDevices } from '../../src/backends/luks';
import { SafeRunner } from '../../src/backends/safe-runner';
import { makeTempDir } from '@pwsync/testing/processes';
import { CHEAP_PBKDF, HARD_PASSWORDS, luksOpens, makeLuksImage, missingTools } from './linux-fixtures';

const skip = missingTools(CRYPTSETUP, '/usr/bin/truncate');
const options = { runner: new SafeRunner(), pbkdfArgs: CHEAP_PBKDF };
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

describe('crypttab', () => {
  it('lists the LUKS devices unlocked with a typed passphrase', async () => {
    const root = makeTempDir('pwc-');
    dirs.push(root);
    mkdirSync(path.join(root, 'etc'));
    expect(await passphraseDevices(root)).toEqual([]);
    writeFileSync(path.join(root, 'etc/crypttab'), [
      '# <target> <source> <key file> <options>',
      'root_crypt UUID=1234-abcd none luks,discard',
      'data /dev/sdb1 - luks',
      'keyed /dev/sdc1 /etc/keys/c.key luks',
      'swap /dev/sdd1 /dev/urandom swap,cipher=aes-xts-plain64',
      'plainone /dev/sde1 none plain',
      '',
    ].join('\n'));
    expect(await passphraseDevices(root)).toEqual(['/dev/disk/by-uuid/1234-abcd', '/dev/sdb1']);
  });
});

describe.skipIf(skip)(`LUKS key slots${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('re-keys the slot the previous passphrase opens; the new one opens the image and the old does not', async () => {
    const dir = makeTempDir('pwl-');
    dirs.push(dir);
    const [previous, next] = [HARD_PASSWORDS[4], HARD_PASSWORDS[2]];
    const image = makeLuksImage(dir, previous);
    expect(await luksAccepts(options, image, previous)).toBe(true);
    expect(await luksAccepts(options, image, next)).toBe(false);
    await luksChangeKey(options, image, previous, next);
    expect(luksOpens(image, next)).toBe(true);
    expect(luksOpens(image, previous)).toBe(false);
    expect(await luksAccepts(options, image, next)).toBe(true);
    // A wrong previous passphrase changes nothing and is reported by cryptsetup's exit code 2.
    const wrong = await luksChangeKey(options, image, 'not the passphrase', previous).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(LuksError);
    expect((wrong as LuksError).exitCode).toBe(2);
    expect(luksOpens(image, next)).toBe(true);
    // A device that is not there is an error, never "does not accept".
    await expect(luksAccepts(options, path.join(dir, 'missing.img'), next)).rejects.toBeInstanceOf(LuksError);
  });
});
