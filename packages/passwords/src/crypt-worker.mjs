// @ts-check
/**
 * The thread that runs every password hash: sha512-crypt (unixcrypt is JavaScript, so a
 * hash at the directory's cost takes a tenth of a second or more), PBKDF2-SHA512 and
 * scrypt (node:crypto's synchronous forms, here off the event loop): hashing and
 * verifying happen here, never on a program's event loop. Plain JavaScript, so it runs
 * as it is under every runtime that starts it (tsx, vitest, the esbuild bundle beside
 * which it ships). The main thread checks a hash's shape and cost before it sends it here.
 *
 * The threads run at the program's own priority: a lower one (nice 10, then 5) was tried,
 * and on a machine shared with other work it starved the hashing (a PATCH's p50 went from
 * 8.7 s to 21.5 s at 20 in flight) while the event loop, which sleeps and so is woken
 * first anyway, gained nothing measurable.
 */
import { pbkdf2Sync, scryptSync } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { encrypt, verify } from 'unixcrypt';

/**
 * @typedef {{ id: number; op: 'hash' | 'verify'; password: string; hash: string }
 *   | { id: number; op: 'pbkdf2'; password: string; salt: Uint8Array; iterations: number; keyBytes: number }
 *   | { id: number; op: 'scrypt'; password: string; salt: Uint8Array; keyBytes: number; N: number; r: number; p: number; maxmem: number }} Job
 */
parentPort?.on('message', (/** @type {Job} */ message) => {
  const { id } = message;
  try {
    let result;
    if (message.op === 'hash') result = encrypt(message.password, message.hash);
    else if (message.op === 'verify') result = verify(message.password, message.hash);
    else if (message.op === 'pbkdf2') result = pbkdf2Sync(Buffer.from(message.password, 'utf8'), message.salt, message.iterations, message.keyBytes, 'sha512');
    else result = scryptSync(Buffer.from(message.password, 'utf8'), message.salt, message.keyBytes, { N: message.N, r: message.r, p: message.p, maxmem: message.maxmem });
    parentPort?.postMessage({ id, result });
  } catch (error) {
    // The name only: unixcrypt's messages may quote the setting, never the password, but say nothing either way.
    parentPort?.postMessage({ id, error: error instanceof Error ? error.name : 'Error' });
  }
});
