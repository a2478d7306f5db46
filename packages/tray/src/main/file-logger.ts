/**
 * The tray app's log: electron-log writing one line per entry to a file only this
 * user can read, with redaction in front of every line. Nothing logs a secret on
 * purpose; the redaction hook (core/redact.ts) is there for the line that does by
 * mistake, and it runs on everything electron-log writes, not just our calls.
 * The node flavour of electron-log is used so the main process passes the path
 * itself (app.getPath('logs')) and the logger is tested under plain Node.
 */
import path from 'node:path';
import log from 'electron-log/node';
import type { CoreLogger, LogFields } from '../core/logger';
import { APP_LOG_FILE } from '../core/log-paths';
import { redactText, redactValue } from '@pwsync/node-kit/redact';

export interface FileLogger extends CoreLogger {
  /** Where the lines go, for the diagnostics and `pwsync doctor`. */
  file: string;
}

export interface FileLoggerOptions {
  /** app.getPath('logs') in the app. */
  folder: string;
  /** Also to standard error (development). */
  console?: boolean;
  level?: 'debug' | 'info' | 'warn' | 'error';
}

export const LOG_FILE_NAME = APP_LOG_FILE;

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const file = path.join(options.folder, LOG_FILE_NAME);
  const logger = log.create({ logId: `pwsync-${file}` });
  logger.transports.file.resolvePathFn = () => file;
  logger.transports.file.level = options.level ?? 'info';
  logger.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  // About 1 MB, then main.old.log: enough for support, never a full disk.
  logger.transports.file.maxSize = 1024 * 1024;
  logger.transports.console.level = options.console ? (options.level ?? 'info') : false;
  logger.hooks.push((message) => ({ ...message, data: message.data.map((item: unknown) => (typeof item === 'string' ? redactText(item) : redactValue(item))) }));
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    // One line: the message, then the fields as JSON (both redacted again by the hook).
    logger[level](fields && Object.keys(fields).length > 0 ? `${message} ${JSON.stringify(fields)}` : message);
  };
  return { file, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
