import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { watchLoop } from '@pwsync/testing/loop-watch';
import { hashKind, hashProblem, pbkdf2Sha512, sha512Crypt, verifyPassword } from '../src/verifiers';

// Hashes made by the system's own tools, the password always on standard input.
function openssl6(password: string): string {
  return execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n` }).toString().trim();
}
function mkpasswd(password: string, method: 'sha-512' | 'sha-256'): string {
  return execFileSync('mkpasswd', ['-m', method, '-s'], { input: password }).toString().trim();
}

const PASSWORDS = [
  'plain-ascii-1',
  'with spaces and "quotes" and \'apostrophes\'',
  'Grüße, Ωmega, 日本語のパスワード, emoji 🔐',
  'x'.repeat(200),
  ' leading and trailing ',
];

describe('password verifiers', () => {
  for (const password of PASSWORDS) {
    it(`verifies ${JSON.stringify(password.slice(0, 24))}… against openssl and mkpasswd hashes, byte-exact`, async () => {
      for (const hash of [openssl6(password), mkpasswd(password, 'sha-512'), mkpasswd(password, 'sha-256')]) {
        expect(await verifyPassword(password, hash)).toBe(true);
        expect(await verifyPassword(`${password}x`, hash)).toBe(false);
        expect(await verifyPassword(password.normalize('NFD') === password ? password.toUpperCase() : password.normalize('NFD'), hash)).toBe(false);
      }
    });
  }

  it('writes sha512-crypt that the system tools would accept', async () => {
    const hash = await sha512Crypt('Grüße 🔐', 5000);
    expect(hashKind(hash)).toBe('sha512-crypt');
    // openssl re-derives the hash from the same salt: equal output means the same algorithm.
    const salt = hash.split('$')[2]!;
    const again = execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: 'Grüße 🔐\n' }).toString().trim();
    expect(again).toBe(hash);
  });

  it('verifies PBKDF2-SHA512 in ShadowHashData\'s shape and rejects tampering', async () => {
    const hash = await pbkdf2Sha512('日本語 pass', 1000);
    expect(hash).toMatch(/^\$pbkdf2-sha512\$1000\$[A-Za-z0-9+/=]{44}\$[A-Za-z0-9+/=]{172}$/);
    expect(await verifyPassword('日本語 pass', hash)).toBe(true);
    expect(await verifyPassword('日本語 pasS', hash)).toBe(false);
    expect(await verifyPassword('日本語 pass', hash.replace('$1000$', '$1001$'))).toBe(false);
    expect(await verifyPassword('日本語 pass', '$pbkdf2-sha512$99999999999$AA$AA')).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('writes the directory\'s cost as rounds=, which the system tools re-derive', async () => {
    const hash = await sha512Crypt('cost test', 20_000);
    expect(hash).toMatch(/^\$6\$rounds=20000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    const setting = hash.slice(0, hash.lastIndexOf('$'));
    expect(execFileSync('mkpasswd', ['-m', 'sha-512', '-S', setting.split('$')[3]!, '-R', '20000', '-s'], { input: 'cost test' }).toString().trim()).toBe(hash);
    await expect(sha512Crypt('x', 4999)).rejects.toThrow(/rounds must be from 5000/);
  });

  it('refuses hashes outside its bounds at once, without hashing', async () => {
    const real = await sha512Crypt('bounded', 5000);
    const digest = real.slice(real.lastIndexOf('$') + 1);
    for (const hash of [`$6$rounds=999999999$abcdefgh$${digest}`, `$6$rounds=1000$abcdefgh$${digest}`, `$pbkdf2-sha512$2000001$${'A'.repeat(43)}=$${'A'.repeat(171)}=`]) {
      expect(hashProblem(hash)).toBe('cost');
      const started = performance.now();
      expect(await verifyPassword('bounded', hash)).toBe(false);
      // Hashed, the first would take hours and the last over a second.
      expect(performance.now() - started).toBeLessThan(500);
    }
    for (const hash of ['$6$', `$6$abc$${digest}x`, `$6$abc$${digest.slice(1)}`, '$pbkdf2-sha512$1000$AA$AA', '$1$abc$def', `$6$rounds=5000$a b$${digest}`]) expect(hashProblem(hash)).toBe('shape');
    expect(hashProblem(real)).toBeUndefined();
  });

  it('verifies a slow hash without stalling the event loop', async () => {
    const hash = await sha512Crypt('slow one', 200_000);
    const { result: ok, tookMs, longestStallMs } = await watchLoop(() => verifyPassword('slow one', hash));
    expect(ok).toBe(true);
    // The verify takes a few hundred milliseconds of a thread; the loop kept ticking all along.
    expect(tookMs).toBeGreaterThan(100);
    // On the loop, the stall would be the whole verify; off it, a fraction (a busy machine stretches both alike).
    expect(longestStallMs).toBeLessThan(tookMs / 2);
  });
});
