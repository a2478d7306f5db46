/**
 * A password, on receipt, becomes the hashes each platform's agent needs, and is then
 * dropped: sha512-crypt for Linux's /etc/shadow and PBKDF2-SHA512 in macOS's
 * ShadowHashData shape (agent/src/verifiers.ts makes both). Windows would need the NT
 * hash (MD4 of UTF-16LE), which is unsalted and so is not made here; see
 * docs/directory.md.
 */
import { pbkdf2Sha512, sha512Crypt, verifyPassword } from '@pwsync/passwords';
import type { ChangeHashes } from '@pwsync/device-api';
import type { Store } from './store';

export async function hashPassword(password: string, iterations: number): Promise<ChangeHashes> {
  return { sha512crypt: sha512Crypt(password), pbkdf2: await pbkdf2Sha512(password, iterations) };
}

/**
 * The hashes for a new change, or undefined when the password is the one the user's
 * pending change already carries: Okta may resend the password with every profile
 * PUT, and a resend must not ask people to confirm again.
 */
export async function hashesForChange(store: Store, userId: string | undefined, password: string | undefined, iterations: number): Promise<ChangeHashes | undefined> {
  if (password === undefined) return undefined;
  const latest = userId ? store.q.latestChange.get(userId) : undefined;
  if (latest?.sha512crypt && (await verifyPassword(password, latest.sha512crypt))) return undefined;
  return hashPassword(password, iterations);
}
