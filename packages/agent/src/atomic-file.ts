/**
 * Small JSON state files written atomically: a temporary file in the same folder,
 * fsync, then rename over the old one, so a crash leaves the old or the new file,
 * never half of one. Readers validate with a schema; an unreadable file is moved
 * aside (kept for support) and reported, never silently replaced.
 *
 * The temporary file is created new (O_EXCL) under a random name and never through a
 * link (O_NOFOLLOW), and a state file is read only if it is a regular file reached
 * without a link: whatever was planted at those paths is never written through or
 * believed. rename(2) replaces a link at the final name itself, never its target.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
// O_NONBLOCK: a FIFO at the path must not hang the open; it is then refused as not a regular file.
const READ_NO_LINK = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await createNewFile(temp);
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
  // The rename itself must reach the disk before we report the step as journaled.
  const dirHandle = await fs.open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** Opens a file that did not exist, 0600: whatever is at the path already, a link included, makes it fail (EEXIST). */
export function createNewFile(file: string): Promise<fs.FileHandle> {
  return fs.open(file, CREATE_NEW, 0o600);
}

export type ReadResult<T> = { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'corrupt'; movedTo: string };

export async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = await readRegularFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    // A link or anything but a regular file is not ours: moved aside like a corrupt file.
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP' && !(error instanceof NotRegularFile)) throw error;
    text = '';
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { kind: 'ok', value: result.data };
  const movedTo = `${file}.corrupt-${Date.now()}`;
  await fs.rename(file, movedTo);
  return { kind: 'corrupt', movedTo };
}

class NotRegularFile extends Error {}

/** The file's text, opened without following a link, and only if it is a regular file. */
async function readRegularFile(file: string): Promise<string> {
  const handle = await fs.open(file, READ_NO_LINK);
  try {
    if (!(await handle.stat()).isFile()) throw new NotRegularFile();
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
