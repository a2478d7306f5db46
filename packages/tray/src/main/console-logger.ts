/**
 * A stand-in CoreLogger until electron-log arrives: one JSON line per entry on
 * standard error, holding exactly the message and fields the caller gave. The core
 * never passes secrets in either, and nothing else is added here.
 */
import type { CoreLogger, LogFields } from '../core/logger';

type Level = keyof CoreLogger;

export function consoleLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): CoreLogger {
  const at = (level: Level) => (message: string, fields?: LogFields) => {
    write(JSON.stringify({ ...fields, time: new Date().toISOString(), level, name: 'pwsync-app', msg: message }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
