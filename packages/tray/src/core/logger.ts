/** The core's logging seam: the shell passes electron-log, the demo server pino, tests a recorder. */
export type LogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export interface CoreLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: CoreLogger = { debug() {}, info() {}, warn() {}, error() {} };
