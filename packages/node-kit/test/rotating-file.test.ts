import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotatingFile } from '../src/rotating-file';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pwsync-rot-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const line = (n: number) => `${String(n).padStart(9, '0')}\n`; // 10 bytes

describe('a rotating log file', () => {
  it('creates its folder and a file only its owner can read, and tightens one that is wider', async () => {
    const file = path.join(dir, 'logs', 'main.log');
    rotatingFile({ file, maxBytes: 100 }).write(line(1));
    expect(await fs.readFile(file, 'utf8')).toBe(line(1));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const wide = path.join(dir, 'wide.log');
    await fs.writeFile(wide, '', { mode: 0o644 });
    rotatingFile({ file: wide, maxBytes: 100 }).write(line(1));
    expect((await fs.stat(wide)).mode & 0o777).toBe(0o600);
  });

  it('moves the file to NAME.old.EXT before a line would pass the bound, replacing the older one', async () => {
    const file = path.join(dir, 'main.log');
    const log = rotatingFile({ file, maxBytes: 30 });
    expect(log.previous).toBe(path.join(dir, 'main.old.log'));
    for (let n = 1; n <= 7; n += 1) log.write(line(n));
    expect(await fs.readFile(log.previous, 'utf8')).toBe(line(4) + line(5) + line(6));
    expect(await fs.readFile(file, 'utf8')).toBe(line(7));
  });

  it('counts what an earlier run left in the file', async () => {
    const file = path.join(dir, 'main.log');
    await fs.writeFile(file, line(1) + line(2));
    const log = rotatingFile({ file, maxBytes: 30 });
    log.write(line(3));
    log.write(line(4));
    expect(await fs.readFile(path.join(dir, 'main.old.log'), 'utf8')).toBe(line(1) + line(2) + line(3));
    expect(await fs.readFile(file, 'utf8')).toBe(line(4));
  });

  it('drops a line it cannot write instead of throwing, and writes again once it can', async () => {
    const blocked = path.join(dir, 'blocked');
    await fs.writeFile(blocked, 'a file where the folder should be');
    const log = rotatingFile({ file: path.join(blocked, 'main.log'), maxBytes: 100 });
    expect(() => log.write(line(1))).not.toThrow();
    await fs.rm(blocked);
    log.write(line(2));
    expect(await fs.readFile(path.join(blocked, 'main.log'), 'utf8')).toBe(line(2));
  });
});
