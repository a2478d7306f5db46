/**
 * A password, on receipt, becomes the hashes the user's devices need, and is then
 * dropped: sha512-crypt for Linux's /etc/shadow if the user has a Linux device, and
 * PBKDF2-SHA512 in macOS's ShadowHashData shape if they have a Mac or a Windows
 * computer (PLATFORM_HASH). A hash no device needs is never made. Windows would need
 * the NT hash to apply a change by itself, which is unsalted and so is not made here;
 * see docs/directory.md.
 *
 * Beside them the user keeps one scrypt check of their newest password, which is never
 * sent anywhere: Okta may resend the password with every profile PUT, and a resend must
 * not ask people to confirm again, also after the change's hashes have been erased.
 * scrypt (N=2^15, r=8: 32 MiB a guess) is memory-hard, so this check costs an attacker
 * more per guess than Debian's own yescrypt default.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type ChangeHashes, PLATFORM_HASH } from '@pwsync/device-api';
import { pbkdf2Sha512, scryptOnPool, sha512Crypt } from '@pwsync/passwords';
import type { DirectoryContext } from './context';

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const SCRYPT_PREFIX = '$scrypt$ln=15,r=8,p=1$';

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return scryptOnPool(password, salt, 32, SCRYPT);
}

export async function makeResendCheck(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `${SCRYPT_PREFIX}${salt.toString('base64')}$${(await scryptAsync(password, salt)).toString('base64')}`;
}

export async function matchesResendCheck(password: string, check: string): Promise<boolean> {
  if (!check.startsWith(SCRYPT_PREFIX)) return false;
  const [saltText, keyText] = check.slice(SCRYPT_PREFIX.length).split('$');
  if (!saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64');
  const actual = await scryptAsync(password, Buffer.from(saltText, 'base64'));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface PasswordChange {
  /** Only those the user's devices verify with; empty when they have none yet. */
  hashes: Partial<ChangeHashes>;
  resendCheck: string;
}

/**
 * The hashes for a new change, or undefined when the password is the user's newest one
 * (a resend). All hashing runs off the event loop, on the pool's worker threads
 * (@pwsync/passwords' crypt-pool), side by side.
 */
export async function hashesForChange(ctx: DirectoryContext, userId: string | undefined, password: string | undefined): Promise<PasswordChange | undefined> {
  if (password === undefined) return undefined;
  const user = userId ? await ctx.store.q.userById(userId) : undefined;
  if (user?.resend_check && (await matchesResendCheck(password, user.resend_check))) return undefined;
  const needed = new Set((userId ? await ctx.store.q.platformsOfUser(userId) : []).map((platform) => PLATFORM_HASH[platform]));
  const [sha512crypt, pbkdf2, resendCheck] = await Promise.all([
    needed.has('sha512crypt') ? sha512Crypt(password, ctx.options.cryptRounds) : undefined,
    needed.has('pbkdf2') ? pbkdf2Sha512(password, ctx.options.pbkdf2Iterations) : undefined,
    makeResendCheck(password),
  ]);
  return { hashes: { ...(sha512crypt ? { sha512crypt } : {}), ...(pbkdf2 ? { pbkdf2 } : {}) }, resendCheck };
}
