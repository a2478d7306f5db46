/**
 * Password hashes the directory makes and the agent verifies against and writes. All
 * comparisons are constant-time; passwords are hashed as their exact UTF-8 bytes. No
 * hash runs on the caller's event loop: every one runs on the pool's worker threads
 * (crypt-pool.ts).
 *
 * - sha512-crypt ($6$) and sha256-crypt ($5$), the shape of /etc/shadow, through
 *   unixcrypt (verified here against openssl and mkpasswd, non-ASCII included).
 * - PBKDF2-SHA512, the shape of macOS ShadowHashData's SALTED-SHA512-PBKDF2
 *   (128-byte derived key, 32-byte salt), written as
 *   `$pbkdf2-sha512$<iterations>$<salt base64>$<key base64>`.
 *
 * A hash whose shape or cost is outside the bounds below is refused before any work
 * is done: a hash comes from the directory, and `$6$rounds=999999999$` would otherwise
 * keep a thread busy for twenty minutes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { pbkdf2OnPool, runCrypt } from './crypt-pool';

export const PBKDF2_PREFIX = '$pbkdf2-sha512$';
const PBKDF2_KEY_BYTES = 128;
const PBKDF2_SALT_BYTES = 32;
/** What current macOS uses is tuned per machine (tens of thousands); tests pass fewer. */
export const PBKDF2_DEFAULT_ITERATIONS = 100_000;
/** Below this a hash is too cheap to be sent anywhere; tests and the demo use it. */
export const PBKDF2_MIN_ITERATIONS = 1_000;
/** About a second of one core here (docs/directory.md): the most the agent will spend on one verify. */
export const PBKDF2_MAX_ITERATIONS = 2_000_000;

/** glibc's default, and the least we accept: what /etc/shadow has had for years. */
export const SHA512_CRYPT_MIN_ROUNDS = 5_000;
/**
 * The directory's default: on the build machine a guess at this cost takes about 2.5×
 * the CPU time of a guess at Debian's default yescrypt (test/bench/hash-bench.ts
 * measures both in each run). sha512-crypt is not memory-hard; docs/directory.md says
 * what that means for an attacker.
 */
export const SHA512_CRYPT_DEFAULT_ROUNDS = 100_000;
/** About 1.6 s of JavaScript here: the most the agent will spend on one verify. */
export const SHA512_CRYPT_MAX_ROUNDS = 1_000_000;

export type HashKind = 'sha512-crypt' | 'sha256-crypt' | 'pbkdf2-sha512';

const CRYPT = /^\$([56])\$(?:rounds=(\d{1,10})\$)?([./0-9A-Za-z]{1,16})\$([./0-9A-Za-z]{43}|[./0-9A-Za-z]{86})$/;
const PBKDF2 = /^\$pbkdf2-sha512\$(\d{1,10})\$([A-Za-z0-9+/]{43}=)\$([A-Za-z0-9+/]{171}=)$/;

export function hashKind(hash: string): HashKind | undefined {
  if (hash.startsWith('$6$')) return 'sha512-crypt';
  if (hash.startsWith('$5$')) return 'sha256-crypt';
  if (hash.startsWith(PBKDF2_PREFIX)) return 'pbkdf2-sha512';
  return undefined;
}

/** A crypt hash's parts, or undefined when its shape is wrong (the digest's length must fit its kind). */
export function parseCryptHash(hash: string): { kind: 'sha512-crypt' | 'sha256-crypt'; rounds: number; salt: string } | undefined {
  const match = CRYPT.exec(hash);
  if (!match) return undefined;
  const kind = match[1] === '6' ? 'sha512-crypt' : 'sha256-crypt';
  if ((kind === 'sha512-crypt') !== (match[4]!.length === 86)) return undefined;
  return { kind, rounds: match[2] === undefined ? SHA512_CRYPT_MIN_ROUNDS : Number(match[2]), salt: match[3]! };
}

/** A PBKDF2 hash's iterations, or undefined when its shape is not exactly the one pbkdf2Sha512 writes. */
export function parsePbkdf2Hash(hash: string): { iterations: number } | undefined {
  const match = PBKDF2.exec(hash);
  return match ? { iterations: Number(match[1]) } : undefined;
}

/**
 * Why a hash is refused, or undefined when its shape and cost are acceptable: crypt
 * rounds from 5,000 to 1,000,000, PBKDF2 iterations from 1,000 to 2,000,000.
 */
export function hashProblem(hash: string): 'shape' | 'cost' | undefined {
  const crypt = parseCryptHash(hash);
  if (crypt) return crypt.rounds < SHA512_CRYPT_MIN_ROUNDS || crypt.rounds > SHA512_CRYPT_MAX_ROUNDS ? 'cost' : undefined;
  const pbkdf2Hash = parsePbkdf2Hash(hash);
  if (pbkdf2Hash) return pbkdf2Hash.iterations < PBKDF2_MIN_ITERATIONS || pbkdf2Hash.iterations > PBKDF2_MAX_ITERATIONS ? 'cost' : undefined;
  return 'shape';
}

/** Whether `password` is the one `hash` was made from; false, without hashing, for a hash it refuses. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hashProblem(hash) !== undefined) return false;
  if (hashKind(hash) === 'pbkdf2-sha512') return verifyPbkdf2(password, hash);
  try {
    return await runCrypt('verify', password, hash);
  } catch {
    return false;
  }
}

/** sha512-crypt with a fresh 16-character salt, on a worker thread. */
export function sha512Crypt(password: string, rounds = SHA512_CRYPT_DEFAULT_ROUNDS): Promise<string> {
  if (!Number.isInteger(rounds) || rounds < SHA512_CRYPT_MIN_ROUNDS || rounds > SHA512_CRYPT_MAX_ROUNDS) {
    return Promise.reject(new RangeError(`sha512-crypt rounds must be from ${SHA512_CRYPT_MIN_ROUNDS} to ${SHA512_CRYPT_MAX_ROUNDS}`));
  }
  const salt = randomBytes(12).toString('base64').replace(/[+=]/g, '.').slice(0, 16);
  // Written as glibc writes it: the rounds are named only when they are not the default.
  return runCrypt('hash', password, rounds === SHA512_CRYPT_MIN_ROUNDS ? `$6$${salt}` : `$6$rounds=${rounds}$${salt}`);
}

export async function pbkdf2Sha512(password: string, iterations = PBKDF2_DEFAULT_ITERATIONS): Promise<string> {
  const salt = randomBytes(PBKDF2_SALT_BYTES);
  const key = await pbkdf2OnPool(password, salt, iterations, PBKDF2_KEY_BYTES);
  return `${PBKDF2_PREFIX}${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

async function verifyPbkdf2(password: string, hash: string): Promise<boolean> {
  const [iterText, saltText, keyText] = hash.slice(PBKDF2_PREFIX.length).split('$') as [string, string, string];
  const salt = Buffer.from(saltText, 'base64');
  const expected = Buffer.from(keyText, 'base64');
  const actual = await pbkdf2OnPool(password, salt, Number(iterText), expected.length);
  return timingSafeEqual(actual, expected);
}
