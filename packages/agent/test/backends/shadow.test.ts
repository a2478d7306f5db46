import { promises as fs } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SafeRunner } from '../../src/backends/safe-runner';
import { CHPASSWD, cryptVerify, hashFormat, PERL, setShadowHash, setShadowPassword } from '../../src/backends/shadow';
import { verify } from 'unixcrypt';
import { HARD_PASSWORDS, isRoot, MAX_LONG, makeFakeRoot, missingTools, referenceHash, shadowHash, USER } from './linux-fixtures';

const runner = new SafeRunner();
const skip = missingTools(PERL, CHPASSWD, '/usr/bin/mkpasswd', '/usr/bin/openssl') ?? (isRoot ? undefined : 'chpasswd -R needs root');
const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await fs.rm(root, { recursive: true, force: true });
});

describe.skipIf(skip)(`Linux account hashes${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const tools = ['yescrypt', 'sha-512', 'openssl-6', 'openssl-5'] as const;

  it.each(tools)('verifies hashes made by %s, byte-exact, and rejects near misses', async (tool) => {
    for (const password of HARD_PASSWORDS) {
      const hash = referenceHash(tool, password);
      expect(await cryptVerify(runner, password, hash)).toBe(true);
      expect(await cryptVerify(runner, `${password} `, hash)).toBe(false);
      expect(await cryptVerify(runner, password.normalize('NFD') === password ? password.slice(1) : password.normalize('NFD'), hash)).toBe(false);
    }
  });

  it('never opens a locked or empty hash field', async () => {
    for (const hash of ['!', '*', '', '!$6$abc$def', 'x']) expect(await cryptVerify(runner, 'anything', hash)).toBe(false);
  });

  it('sets a hash as given with chpasswd -e -R, and a password in the system\'s format with chpasswd -c', async () => {
    const root = makeFakeRoot(referenceHash('yescrypt', 'old pass'));
    roots.push(root);
    const directoryHash = referenceHash('openssl-6', HARD_PASSWORDS[0]);
    await setShadowHash({ runner, root }, USER, directoryHash);
    expect(await shadowHash(root)).toBe(directoryHash);
    for (const format of ['YESCRYPT', 'SHA512', 'SHA256'] as const) {
      await setShadowPassword({ runner, root }, USER, HARD_PASSWORDS[2], format);
      const hash = await shadowHash(root);
      expect(hashFormat(hash)).toBe(format);
      expect(await cryptVerify(runner, HARD_PASSWORDS[2], hash)).toBe(true);
    }
    // The longest password the agent accepts, through chpasswd and back, checked by an independent sha512-crypt too.
    expect(Buffer.byteLength(MAX_LONG)).toBe(511);
    await setShadowPassword({ runner, root }, USER, MAX_LONG, 'SHA512');
    expect(await cryptVerify(runner, MAX_LONG, await shadowHash(root))).toBe(true);
    expect(verify(MAX_LONG, await shadowHash(root))).toBe(true);
    expect(await cryptVerify(runner, MAX_LONG.slice(0, -1), await shadowHash(root))).toBe(false);
    // One byte more than crypt(3) takes: refused before anything runs, the account unchanged.
    const before = await shadowHash(root);
    await expect(setShadowPassword({ runner, root }, USER, `${MAX_LONG}x`, 'SHA512')).rejects.toThrow('511-byte limit');
    expect(await shadowHash(root)).toBe(before);
    await expect(setShadowHash({ runner, root }, USER, 'plain text')).rejects.toThrow('not a crypt hash');
    await expect(setShadowHash({ runner, root }, 'no-such-user', directoryHash)).rejects.toThrow('chpasswd -e exit 1');
  });
});
