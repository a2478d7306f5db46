/**
 * A log file only its owner can read, kept to about maxBytes: when the next line would
 * pass it, the file becomes NAME.old.EXT (replacing the one before) and a new file
 * starts, so support has the last two files' worth and the disk never fills.
 *
 * Lines are written synchronously: a program that logs a few lines a minute loses
 * nothing to a crash that way, and what was logged can be read at once. A line that
 * cannot be written (disk full, folder gone) is dropped: the log must never take the
 * program down with it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogDestination } from './logger';

export interface RotatingFileOptions {
  file: string;
  maxBytes: number;
}

export interface RotatingFile extends LogDestination {
  readonly file: string;
  /** Where the previous file's lines are: main.old.log beside main.log. */
  readonly previous: string;
}

export function rotatingFile(options: RotatingFileOptions): RotatingFile {
  const { file, maxBytes } = options;
  const parsed = path.parse(file);
  const previous = path.join(parsed.dir, `${parsed.name}.old${parsed.ext}`);
  let fd: number | undefined;
  let size = 0;

  const open = () => {
    fs.mkdirSync(parsed.dir, { recursive: true, mode: 0o700 });
    fd = fs.openSync(file, 'a', 0o600);
    // The mode above counts only when the file is created: tighten one left by anything else.
    fs.fchmodSync(fd, 0o600);
    size = fs.fstatSync(fd).size;
  };
  const close = () => {
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
  };

  return {
    file,
    previous,
    write(line: string) {
      try {
        if (fd === undefined) open();
        const bytes = Buffer.byteLength(line);
        if (size > 0 && size + bytes > maxBytes) {
          close();
          fs.renameSync(file, previous);
          open();
        }
        fs.writeSync(fd!, line);
        size += bytes;
      } catch {
        // Dropped (see above); the next line tries the file afresh.
        try {
          close();
        } catch {
          fd = undefined;
        }
      }
    },
  };
}
