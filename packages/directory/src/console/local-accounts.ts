/**
 * Local console accounts, the fallback when the identity provider cannot be used: a
 * user name, a role and a password kept as an scrypt hash.
 *
 * Why scrypt from node:crypto rather than argon2id: both are memory-hard and on OWASP's
 * list; scrypt ships with Node (OpenSSL's), so the directory gains no native module to
 * build or trust for every platform it runs on, and node:crypto runs it on libuv's
 * thread pool, off the event loop. Parameters are OWASP's N=2^15, r=8, p=3 (32 MiB a
 * hash), written into each hash so they can be raised later without breaking old ones.
 * At most two hashes run at once (each holds 32 MiB); more sign-ins wait their turn.
 *
 * Limits on tries: an account locks for 15 minutes after 5 wrong passwords in a row;
 * an address may try 20 times in 15 minutes whatever the accounts. A refusal says the
 * same for an unknown user and a wrong password, and takes as long (a dummy hash is
 * checked for unknown users).
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 32;
const DEFAULT = { ln: 15, r: 8, p: 3 };
const MAX_MEMORY = 64 * 1024 * 1024;

export const ACCOUNT_LOCK_AFTER = 5;
export const ACCOUNT_LOCK_MS = 15 * 60 * 1000;
export const ADDRESS_TRIES = 20;
export const ADDRESS_WINDOW_MS = 15 * 60 * 1000;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: 2 ** ln, r, p, maxmem: MAX_MEMORY }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Two hashes at a time: each holds 32 MiB, and libuv's pool has other work. */
class Gate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
const gate = new Gate(2);

/** `$scrypt$ln=15,r=8,p=3$<salt>$<key>`, salt and key in base64url. */
export async function hashPassword(password: string, cost = DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const key = await gate.run(() => derive(password, salt, cost.ln, cost.r, cost.p));
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{32,128})$/;

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 20 || r < 1 || r > 16 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await gate.run(() => derive(password, Buffer.from(m[4]!, 'base64url'), ln, r, p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const dummies = new Map<string, Promise<string>>();
/** A hash of nothing anyone knows, at the cost real ones have, checked for unknown user names so they take as long as known ones. */
export function dummyHash(cost = DEFAULT): Promise<string> {
  const key = `${cost.ln},${cost.r},${cost.p}`;
  if (!dummies.has(key)) dummies.set(key, hashPassword(randomBytes(16).toString('base64url'), cost));
  return dummies.get(key)!;
}

/** Tries per client address in a sliding window, in memory (each instance counts its own; the account lock is shared). */
export class AddressTries {
  private readonly tries = new Map<string, number[]>();
  constructor(
    private readonly now: () => number,
    private readonly limit = ADDRESS_TRIES,
    private readonly windowMs = ADDRESS_WINDOW_MS,
  ) {}

  /** Counts a try; the seconds to wait when over the limit, else 0. */
  take(address: string): number {
    const now = this.now();
    const recent = (this.tries.get(address) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.tries.set(address, recent);
      return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.tries.set(address, recent);
    // Bounded: a crowd of addresses cannot grow this without end.
    if (this.tries.size > 10_000) for (const [key, times] of this.tries) if (times.every((t) => t <= now - this.windowMs)) this.tries.delete(key);
    if (this.tries.size > 10_000) this.tries.delete(this.tries.keys().next().value!);
    return 0;
  }
}
