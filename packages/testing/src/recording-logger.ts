/**
 * A logger for tests that keeps exactly what the code under test passed, unredacted:
 * a test that searches it for a password proves the code never handed one to its log,
 * which the real logger's redaction would hide.
 */
import type { LogFields, Logger } from '@pwsync/node-kit/log';

export interface LogEntry {
  level: keyof Logger;
  message: string;
  fields: LogFields;
}

export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
  /** Every entry as one JSON line, for searching. */
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const at = (level: keyof Logger) => (message: string, fields: LogFields = {}) => void entries.push({ level, message, fields });
  return {
    entries,
    text: () => entries.map((entry) => JSON.stringify(entry)).join('\n'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
