/**
 * The one logger factory: one JSON line per entry (pino), the same shape for the
 * agent, the directory, the demo and the tray app's file, so support reads them all
 * the same way. Every line passes through the one redaction list (./redact) before it
 * is written: the message as free text, the fields at any depth. pino's own `redact`
 * option is not used: it takes fixed paths, so a secret one level deeper than listed,
 * or in the message, would get through.
 */
import pino from 'pino';
import type { LogFields, Logger, LogLevel } from './log';
import { redactText, redactValue } from './redact';

/** Where the lines go: anything with write(line), as a stream or ./rotating-file. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Who writes, on every line: pwsync-agent, pwsync-directory, pwsync-app. */
  name: string;
  /** The least severe level written; info by default. */
  level?: LogLevel;
  /** Standard error by default (the service manager keeps it). */
  destination?: LogDestination;
}

/** A process's root logger: the seam, and flush() before the process exits. */
export interface ProcessLogger extends Logger {
  flush(): void;
}

// The keys pino writes itself. A field of the same name would be written beside them,
// and whoever reads the line would take the field's (`"level":"fatal"` after `"level":30`).
const LINE_KEYS = new Set(['level', 'time', 'name', 'msg', 'pid', 'hostname']);

export function createLogger(options: LoggerOptions): ProcessLogger {
  const log = pino(
    { level: options.level ?? 'info', base: { name: options.name } },
    options.destination ?? pino.destination(2),
  );
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    if (!log.isLevelEnabled(level)) return;
    log[level](fieldsForLine(fields), redactText(message));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), flush: () => log.flush() };
}

function fieldsForLine(fields: LogFields | undefined): Record<string, unknown> {
  if (!fields) return {};
  const redacted = redactValue(fields) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(redacted)) out[LINE_KEYS.has(key) ? `_${key}` : key] = value;
  return out;
}
