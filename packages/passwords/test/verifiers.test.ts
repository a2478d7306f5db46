import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hashKind, pbkdf2Sha512, sha512Crypt, verifyPassword } from '../src/verifiers';

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
    const hash = sha512Crypt('Grüße 🔐');
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
});
