/**
 * What one password guess costs an attacker, per hash the directory keeps or sends
 * (docs/directory.md, "What a stolen database or a recorded stream gives away"), in
 * CPU time on this machine, against the floor the issue sets: Debian's own default,
 * yescrypt as `mkpasswd -m yescrypt` makes it. glibc's sha512-crypt (what an attacker
 * would run, through the same mkpasswd) at the directory's default rounds must cost at
 * least as much per guess. Also: what our own hashing costs the directory and the
 * agent (the JavaScript sha512-crypt on a worker thread, PBKDF2, the scrypt check).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import { PBKDF2_DEFAULT_ITERATIONS, SHA512_CRYPT_DEFAULT_ROUNDS, pbkdf2Sha512, sha512Crypt, verifyPassword } from '@pwsync/passwords';
import type { BenchResult } from './run';

const RUNS = 30;

/** CPU milliseconds (user + system) of one `mkpasswd` run with these arguments, the process start subtracted. */
function mkpasswdCpuMs(args: string[]): number {
  const loop = (method: string[]) => {
    const script = `i=0; while [ $i -lt ${RUNS} ]; do printf '%s' 'Guess-Cost-1' | mkpasswd ${method.join(' ')} -s >/dev/null; i=$((i+1)); done; times`;
    const [, children] = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
    const [user, system] = children!.trim().split(/\s+/).map((t) => {
      const [, m, s] = /(\d+)m([\d.]+)s/.exec(t)!;
      return Number(m) * 60_000 + Number(s) * 1000;
    });
    return (user! + system!) / RUNS;
  };
  // md5crypt costs well under a tenth of a millisecond: what is left is starting mkpasswd.
  return loop(args) - loop(['-m', 'md5crypt']);
}

async function timed(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  await fn();
  const started = performance.now();
  for (let i = 0; i < runs; i += 1) await fn();
  return (performance.now() - started) / runs;
}

export default async function hashBench(): Promise<BenchResult[]> {
  let yescrypt: number;
  try {
    yescrypt = mkpasswdCpuMs(['-m', 'yescrypt']);
  } catch {
    return [{ name: 'hash costs: mkpasswd (Debian: whois) is not installed; skipped', figures: {} }];
  }
  const glibcDefault = mkpasswdCpuMs(['-m', 'sha-512', '-R', String(SHA512_CRYPT_DEFAULT_ROUNDS)]);
  const glibc5000 = mkpasswdCpuMs(['-m', 'sha-512', '-R', '5000']);
  const hash = await sha512Crypt('Guess-Cost-1', SHA512_CRYPT_DEFAULT_ROUNDS);
  const jsVerify = await timed(() => verifyPassword('Guess-Cost-1', hash), 5);
  const pbkdf2 = await timed(() => pbkdf2Sha512('Guess-Cost-1', PBKDF2_DEFAULT_ITERATIONS), 5);
  const scrypt = await timed(() => scryptSync('Guess-Cost-1', randomBytes(16), 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }), 5);
  return [
    { name: "floor: a guess at Debian's default yescrypt (mkpasswd, 16 MiB, memory-hard)", figures: { cpu: yescrypt, unit: 'ms' } },
    {
      name: `a guess at the directory's Linux hash: glibc sha512-crypt, ${SHA512_CRYPT_DEFAULT_ROUNDS.toLocaleString('en')} rounds (not memory-hard)`,
      figures: { cpu: glibcDefault, at5000Rounds: glibc5000, unit: 'ms' },
      ratio: glibcDefault / yescrypt,
      target: "≥ 1× yescrypt's CPU time per guess",
      met: glibcDefault >= yescrypt,
    },
    { name: `the same hash verified by the agent (JavaScript, on a worker thread)`, figures: { wall: jsVerify, unit: 'ms' }, ratio: jsVerify / glibcDefault },
    { name: `a guess at the macOS/Windows hash: PBKDF2-SHA512, ${PBKDF2_DEFAULT_ITERATIONS.toLocaleString('en')} iterations (node:crypto)`, figures: { wall: pbkdf2, unit: 'ms' }, ratio: pbkdf2 / yescrypt },
    { name: 'a guess at the resend check: scrypt N=2^15 r=8 p=1 (32 MiB, memory-hard)', figures: { wall: scrypt, unit: 'ms' }, ratio: scrypt / yescrypt },
  ];
}
