/**
 * The tray app's log: the one logger factory (node-kit/logger, pino) writing JSON
 * lines to main.log in app.getPath('logs'), readable by this user only, about 1 MB
 * and then main.old.log (node-kit/rotating-file). Every line passes the one redaction
 * list on its way, as the agent's and the directory's do.
 *
 * This was electron-log. Of it the app used a file path, a file mode, a size bound and
 * a redaction hook; pino, which the agent and the directory already log with, does the
 * rest with the same redaction and the same line format as theirs, so support reads all
 * three the same way, and the app carries one logging library instead of two.
 */
import path from 'node:path';
import type { Logger, LogLevel } from '@pwsync/node-kit/log';
import { createLogger, type LogDestination } from '@pwsync/node-kit/logger';
import { rotatingFile } from '@pwsync/node-kit/rotating-file';
import { APP_LOG_FILE } from '../core/log-paths';

export interface FileLogger extends Logger {
  /** Where the lines go, for the diagnostics and `pwsync doctor`. */
  file: string;
}

export interface FileLoggerOptions {
  /** app.getPath('logs') in the app. */
  folder: string;
  /** Also to standard error (development). */
  console?: boolean;
  level?: LogLevel;
}

export const LOG_FILE_NAME = APP_LOG_FILE;
/** About 1 MB a file, two files: enough for support, never a full disk. */
export const LOG_FILE_MAX_BYTES = 1024 * 1024;

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const file = rotatingFile({ file: path.join(options.folder, LOG_FILE_NAME), maxBytes: LOG_FILE_MAX_BYTES });
  const destination: LogDestination = options.console
    ? {
        write: (line) => {
          file.write(line);
          process.stderr.write(line);
        },
      }
    : file;
  const { debug, info, warn, error } = createLogger({ name: 'pwsync-app', level: options.level ?? 'info', destination });
  return { file: file.file, debug, info, warn, error };
}
