/** The agent's state files and folders: nothing planted at their paths is written through or believed. */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeTempDir } from '@pwsync/testing/processes';
import { createNewFile, readJson, writeJsonAtomic } from '../src/atomic-file';
import { checkSafeFolder, trustedOwners, UnsafeFolderError } from '../src/folder-safety';
import { isRoot, NOBODY } from '@pwsync/testing/as-user';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = makeTempDir();
  dirs.push(dir);
  return dir;
}

const Value = z.strictObject({ failures: z.number() });

describe('state files', () => {
  it('creates each temporary file new: an existing file or any link at its name makes the open fail, and nothing is written through', async () => {
    const dir = temp();
    await fs.writeFile(path.join(dir, 'target'), 'precious');
    await fs.writeFile(path.join(dir, 'existing'), 'already here');
    await fs.symlink(path.join(dir, 'target'), path.join(dir, 'link'));
    await fs.symlink(path.join(dir, 'nothing-yet'), path.join(dir, 'dangling'));
    for (const name of ['existing', 'link', 'dangling']) {
      await expect(createNewFile(path.join(dir, name)), name).rejects.toMatchObject({ code: 'EEXIST' });
    }
    expect(await fs.readFile(path.join(dir, 'target'), 'utf8')).toBe('precious');
    expect(await fs.readFile(path.join(dir, 'existing'), 'utf8')).toBe('already here');
    expect(existsSync(path.join(dir, 'nothing-yet'))).toBe(false);
    const handle = await createNewFile(path.join(dir, 'fresh'));
    await handle.close();
    expect((await fs.stat(path.join(dir, 'fresh'))).mode & 0o777).toBe(0o600);
  });

  it('replaces a link planted at a state file\'s name, never the file it points to', async () => {
    const dir = temp();
    await fs.writeFile(path.join(dir, 'shadow'), 'root:x:0:0');
    await fs.symlink(path.join(dir, 'shadow'), path.join(dir, 'attempts.json'));
    await writeJsonAtomic(path.join(dir, 'attempts.json'), { failures: 1 });
    expect(await fs.readFile(path.join(dir, 'shadow'), 'utf8')).toBe('root:x:0:0');
    expect((await fs.lstat(path.join(dir, 'attempts.json'))).isFile()).toBe(true);
    expect(await readJson(path.join(dir, 'attempts.json'), Value)).toEqual({ kind: 'ok', value: { failures: 1 } });
    expect((await fs.readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('does not believe a state file reached through a link: it is moved aside, its target left unread and unchanged', async () => {
    const dir = temp();
    await fs.writeFile(path.join(dir, 'elsewhere.json'), '{"failures":0}');
    await fs.symlink(path.join(dir, 'elsewhere.json'), path.join(dir, 'attempts.json'));
    const result = await readJson(path.join(dir, 'attempts.json'), Value);
    expect(result.kind).toBe('corrupt');
    expect(await fs.readFile(path.join(dir, 'elsewhere.json'), 'utf8')).toBe('{"failures":0}');
    expect(existsSync(path.join(dir, 'attempts.json'))).toBe(false);
  });

  it('does not hang on a FIFO at a state file\'s name', async () => {
    const dir = temp();
    execFileSync('mkfifo', [path.join(dir, 'journal.json')]);
    expect((await readJson(path.join(dir, 'journal.json'), Value)).kind).toBe('corrupt');
  });
});

describe('folder rules', () => {
  const rule = (owners = [0]) => ({ purpose: 'state folder', owners, createMode: 0o700 });

  it('accepts a folder of the right owner below a sticky folder such as /tmp', async () => {
    const dir = temp();
    await expect(checkSafeFolder(dir, rule(trustedOwners()))).resolves.toBeUndefined();
  });

  it('accepts a link above the folder that only a trusted owner could have placed, and checks where it leads', async () => {
    const dir = temp();
    await fs.mkdir(path.join(dir, 'real', 'state'), { recursive: true });
    await fs.symlink(path.join(dir, 'real'), path.join(dir, 'var'));
    await expect(checkSafeFolder(path.join(dir, 'var', 'state'), rule(trustedOwners()))).resolves.toBeUndefined();
    await fs.chmod(path.join(dir, 'real'), 0o777);
    await expect(checkSafeFolder(path.join(dir, 'var', 'state'), rule(trustedOwners()))).rejects.toThrow(/group or others can write in \S+\/real, above the state folder/);
  });

  it.skipIf(!isRoot)('accepts a folder above that only root\'s group may write in (as macOS\'s /var/run), not one a group of strangers may', async () => {
    const dir = temp();
    await fs.mkdir(path.join(dir, 'run', 'pwsync'), { recursive: true });
    await fs.chown(path.join(dir, 'run'), 0, 0);
    await fs.chmod(path.join(dir, 'run'), 0o775);
    await expect(checkSafeFolder(path.join(dir, 'run', 'pwsync'), rule())).resolves.toBeUndefined();
    await fs.chown(path.join(dir, 'run'), 0, NOBODY);
    await expect(checkSafeFolder(path.join(dir, 'run', 'pwsync'), rule())).rejects.toThrow(/group or others can write in \S+\/run, above the state folder/);
  });

  it.skipIf(!isRoot)('refuses a link above the folder that another user placed', async () => {
    const dir = temp();
    await fs.mkdir(path.join(dir, 'real', 'state'), { recursive: true });
    await fs.symlink(path.join(dir, 'real'), path.join(dir, 'var'));
    await fs.lchown(path.join(dir, 'var'), NOBODY, NOBODY);
    await expect(checkSafeFolder(path.join(dir, 'var', 'state'), rule())).rejects.toThrow(/\/var, above the state folder \S+, is a link owned by uid 65534/);
  });

  it.skipIf(!isRoot)('trusts the agent\'s own user only when it is not root', async () => {
    expect(trustedOwners(0)).toEqual([0]);
    expect(trustedOwners(1000)).toEqual([0, 1000]);
    const dir = temp();
    await fs.mkdir(path.join(dir, 'mine'));
    await fs.chown(path.join(dir, 'mine'), NOBODY, NOBODY);
    await expect(checkSafeFolder(path.join(dir, 'mine'), rule([0, NOBODY]))).resolves.toBeUndefined();
    await expect(checkSafeFolder(path.join(dir, 'mine'), rule([0]))).rejects.toBeInstanceOf(UnsafeFolderError);
  });
});
