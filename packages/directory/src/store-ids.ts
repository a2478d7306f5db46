import { randomBytes } from 'node:crypto';

/** A new random id with a prefix saying what it names (`chg_…`, `dev_…`, `enc_…`). */
export function randomId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
