/**
 * The directory's structured log (pino, to stderr). No call site passes a secret or a
 * body; fields named like secrets are censored anyway, as a second line of defence.
 */
import pino from 'pino';

export type Logger = pino.Logger;

const REDACTED_KEYS = ['password', 'token', 'deviceToken', 'authorization', 'hashes', 'sha512crypt', 'pbkdf2'];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  return pino(
    { level: options.level ?? 'info', base: { name: 'pwsync-directory' }, redact: { paths, censor: '[redacted]' } },
    options.destination ?? pino.destination(2),
  );
}
