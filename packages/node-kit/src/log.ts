/**
 * The logging seam every program's code takes: a message that says what happened,
 * then the facts as fields (Signal's order). The agent, the directory, the tray app's
 * core and shell and the demo all log through this; the processes build it with
 * createLogger (./logger), tests pass a recorder or silentLogger.
 *
 * It lives apart from the factory so code that only logs (the tray app's core, the
 * doctor) does not bundle pino.
 */

/** What a field may hold: plain data, never an Error (its message may quote input) or a class instance. */
export type LogValue = string | number | boolean | null | undefined | readonly LogValue[] | { readonly [key: string]: LogValue };

export type LogFields = { readonly [key: string]: LogValue };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** The levels a program's --log-level takes, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: unknown): value is LogLevel {
  return (LOG_LEVELS as readonly unknown[]).includes(value);
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
