// @ts-check
/**
 * The thread that runs sha512-crypt (unixcrypt is JavaScript, so a hash at the
 * directory's cost takes a tenth of a second or more): hashing and verifying happen
 * here, never on a program's event loop. Plain JavaScript, so it runs as it is under
 * every runtime that starts it (tsx, vitest, the esbuild bundle beside which it ships).
 * The main thread checks a hash's shape and cost before it sends it here.
 */
import { parentPort } from 'node:worker_threads';
import { encrypt, verify } from 'unixcrypt';

parentPort?.on('message', (/** @type {{ id: number; op: 'hash' | 'verify'; password: string; hash: string }} */ message) => {
  const { id, op, password, hash } = message;
  try {
    const result = op === 'hash' ? encrypt(password, hash) : verify(password, hash);
    parentPort?.postMessage({ id, result });
  } catch (error) {
    // The name only: unixcrypt's messages may quote the setting, never the password, but say nothing either way.
    parentPort?.postMessage({ id, error: error instanceof Error ? error.name : 'Error' });
  }
});
