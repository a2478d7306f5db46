/**
 * Password hashes the agent verifies against and writes. All comparisons are
 * constant-time; passwords are hashed as their exact UTF-8 bytes.
 *
 * - sha512-crypt ($6$) and sha256-crypt ($5$), the shape of /etc/shadow, through
 *   unixcrypt (verified here against openssl and mkpasswd, non-ASCII included).
 * - PBKDF2-SHA512, the shape of macOS ShadowHashData's SALTED-SHA512-PBKDF2
 *   (128-byte derived key, 32-byte salt), written as
 *   `$pbkdf2-sha512$<iterations>$<salt base64>$<key base64>`.
 */
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { encrypt, verify as verifyCrypt } from 'unixcrypt';

const pbkdf2Async = promisify(pbkdf2);

export const PBKDF2_PREFIX = '$pbkdf2-sha512$';
const PBKDF2_KEY_BYTES = 128;
const PBKDF2_SALT_BYTES = 32;
/** What current macOS uses is tuned per machine (tens of thousands); tests pass fewer. */
export const PBKDF2_DEFAULT_ITERATIONS = 100_000;
const PBKDF2_MAX_ITERATIONS = 10_000_000;

export type HashKind = 'sha512-crypt' | 'sha256-crypt' | 'pbkdf2-sha512';

export function hashKind(hash: string): HashKind | undefined {
  if (hash.startsWith('$6$')) return 'sha512-crypt';
  if (hash.startsWith('$5$')) return 'sha256-crypt';
  if (hash.startsWith(PBKDF2_PREFIX)) return 'pbkdf2-sha512';
  return undefined;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  switch (hashKind(hash)) {
    case 'sha512-crypt':
    case 'sha256-crypt':
      try {
        return verifyCrypt(password, hash);
      } catch {
        return false;
      }
    case 'pbkdf2-sha512':
      return verifyPbkdf2(password, hash);
    default:
      return false;
  }
}

export function sha512Crypt(password: string): string {
  return encrypt(password, `$6$${randomBytes(12).toString('base64').replace(/[+=]/g, '.').slice(0, 16)}`);
}

export async function pbkdf2Sha512(password: string, iterations = PBKDF2_DEFAULT_ITERATIONS): Promise<string> {
  const salt = randomBytes(PBKDF2_SALT_BYTES);
  const key = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, PBKDF2_KEY_BYTES, 'sha512');
  return `${PBKDF2_PREFIX}${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

async function verifyPbkdf2(password: string, hash: string): Promise<boolean> {
  const parts = hash.slice(PBKDF2_PREFIX.length).split('$');
  if (parts.length !== 3) return false;
  const [iterText, saltText, keyText] = parts as [string, string, string];
  if (!/^\d{1,8}$/.test(iterText)) return false;
  const iterations = Number(iterText);
  if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) return false;
  const salt = Buffer.from(saltText, 'base64');
  const expected = Buffer.from(keyText, 'base64');
  if (salt.length === 0 || expected.length === 0) return false;
  const actual = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, expected.length, 'sha512');
  return timingSafeEqual(actual, expected);
}
