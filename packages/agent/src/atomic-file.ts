/**
 * Small JSON state files written atomically: a temporary file in the same folder,
 * fsync, then rename over the old one, so a crash leaves the old or the new file,
 * never half of one. Readers validate with a schema; an unreadable file is moved
 * aside (kept for support) and reported, never silently replaced.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(temp, 'w', 0o600);
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

export type ReadResult<T> = { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'corrupt'; movedTo: string };

export async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
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
