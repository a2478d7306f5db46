/**
 * What `pwsync doctor` reads of the tray app's log: whether there is one, and the support
 * code of the app's latest diagnostics report. The app writes that code to its log once
 * per code (core/tray-core.ts), and the code is derived from the state the report
 * describes (core/diagnostics.ts), so the latest one logged is the code Help shows and a
 * copied report carries, until the state changes and the app makes another.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DIAGNOSTICS_LOGGED } from '../core/diagnostics';

export interface LoggedSupportCode {
  code: string;
  /** When the app made the first report with this code. */
  madeAt: string;
}

const CODE = /^[A-Z0-9]{4}-[A-Z0-9]{4}$/;

/** The log file, if there is one there. */
export async function existingFile(file: string): Promise<string | null> {
  return fs.stat(file).then(
    (stat) => (stat.isFile() ? file : null),
    () => null,
  );
}

/** The latest support code in the log, looking in the file before it (main.old.log) when the current one has none. */
export async function latestSupportCode(logFile: string): Promise<LoggedSupportCode | null> {
  const parsed = path.parse(logFile);
  for (const file of [logFile, path.join(parsed.dir, `${parsed.name}.old${parsed.ext}`)]) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0; i -= 1) {
      const found = supportCodeIn(lines[i]!);
      if (found) return found;
    }
  }
  return null;
}

function supportCodeIn(line: string): LoggedSupportCode | null {
  if (!line.includes(DIAGNOSTICS_LOGGED)) return null;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return null;
  }
  const { name, msg, supportCode, time } = entry as { name?: unknown; msg?: unknown; supportCode?: unknown; time?: unknown };
  if (name !== 'pwsync-app' || msg !== DIAGNOSTICS_LOGGED || typeof supportCode !== 'string' || !CODE.test(supportCode)) return null;
  return { code: supportCode, madeAt: typeof time === 'number' ? new Date(time).toISOString() : 'an unknown time' };
}
