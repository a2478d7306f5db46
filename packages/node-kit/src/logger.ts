/**
 * The agent's structured log (pino). Redaction is a second line of defence: no call
 * site passes a secret, and any field that is named like one is censored anyway.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export const REDACTED_KEYS = ['password', 'previousPassword', 'newPassword', 'secret', 'token', 'params'];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const paths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
  return pino(
    { level: options.level ?? 'info', base: { name: 'pwsync-agent' }, redact: { paths, censor: '[redacted]' } },
    options.destination ?? pino.destination(2),
  );
}
