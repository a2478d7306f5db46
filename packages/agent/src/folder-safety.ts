/**
 * The folders the agent trusts with its socket and its state. A root agent that kept
 * its state in a folder another user can write, or behind a link another user can
 * move, would let that user plant a pending change or swap the socket the tray app
 * sends passwords to. So at start every folder is checked, from `/` down: each one a
 * real folder (or a link placed by a trusted owner), owned by root (or, for an agent
 * that is not root, by its own user), and not writable by group or others, save
 * sticky folders such as /tmp above it. A folder that fails refuses the start with a
 * sentence saying what to change.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';

/**
 * Groups whose write access above a folder is root's own: gid 0 (root, wheel on macOS)
 * everywhere, and on macOS gid 1, daemon, which owns /private/var/run (root:daemon 0775)
 * where launchd daemons keep their sockets; only system daemons run with that group.
 */
export const ROOT_GROUPS: readonly number[] = process.platform === 'darwin' ? [0, 1] : [0];

export class UnsafeFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeFolderError';
  }
}

export interface FolderRule {
  /** What the folder is for, in the sentence that refuses it: "socket folder", "state folder". */
  purpose: string;
  /** The uids that may own the folder and every folder above it. */
  owners: readonly number[];
  /** The mode a missing folder is created with (the last part; parents get 0755). */
  createMode: number;
}

/** Root's own folders for a root agent; for an agent run by a person (the sandbox), also theirs. */
export function trustedOwners(uid: number | undefined = process.getuid?.()): number[] {
  return uid === undefined || uid === 0 ? [0] : [0, uid];
}

const ownerName = (owners: readonly number[]) => (owners.length === 1 ? 'root' : `root or uid ${owners[1]}`);

/** Creates the folder when it is missing, then checks it and everything above it. */
export async function ensureSafeFolder(folder: string, rule: FolderRule): Promise<void> {
  const absolute = path.resolve(folder);
  try {
    await fs.mkdir(path.dirname(absolute), { recursive: true, mode: 0o755 });
    await fs.mkdir(absolute, { mode: rule.createMode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UnsafeFolderError(`cannot create the ${rule.purpose} ${absolute} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  await checkSafeFolder(absolute, rule);
}

export async function checkSafeFolder(folder: string, rule: FolderRule): Promise<void> {
  const absolute = path.resolve(folder);
  const itself = await lstatOrExplain(absolute, rule);
  if (itself.isSymbolicLink()) {
    throw new UnsafeFolderError(`the ${rule.purpose} ${absolute} is a symbolic link; make it a real folder owned by ${ownerName(rule.owners)}, or point the agent at the folder itself`);
  }
  if (!itself.isDirectory()) throw new UnsafeFolderError(`the ${rule.purpose} ${absolute} is not a folder; remove it or choose another path`);
  if (!rule.owners.includes(itself.uid)) {
    const owner = rule.owners[rule.owners.length - 1];
    throw new UnsafeFolderError(`the ${rule.purpose} ${absolute} belongs to uid ${itself.uid}; it must belong to ${ownerName(rule.owners)} (chown ${owner} ${absolute})`);
  }
  if ((itself.mode & 0o022) !== 0) {
    throw new UnsafeFolderError(`group or others can write in the ${rule.purpose} ${absolute}; make it writable by its owner only (chmod go-w ${absolute})`);
  }
  await checkAncestors(absolute, rule, new Set());
}

/** Every folder above: a trusted owner, and no one else may write unless the folder is sticky (only owners may then rename or remove entries). */
async function checkAncestors(absolute: string, rule: FolderRule, seen: Set<string>): Promise<void> {
  let current = path.dirname(absolute);
  for (;;) {
    const stats = await lstatOrExplain(current, rule);
    if (stats.isSymbolicLink()) {
      // A link only a trusted owner could have placed; the folder it leads to must pass too.
      if (!rule.owners.includes(stats.uid)) {
        throw new UnsafeFolderError(`${current}, above the ${rule.purpose} ${absolute}, is a link owned by uid ${stats.uid}; every folder above it must belong to ${ownerName(rule.owners)}`);
      }
      const target = await fs.realpath(current);
      if (seen.has(target)) throw new UnsafeFolderError(`${current}, above the ${rule.purpose} ${absolute}, is a link that loops`);
      seen.add(target);
      await checkDirectory(target, absolute, rule);
      await checkAncestors(target, rule, seen);
    } else {
      await checkDirectory(current, absolute, rule, stats);
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

async function checkDirectory(dir: string, below: string, rule: FolderRule, known?: Stats): Promise<void> {
  const stats = known ?? (await lstatOrExplain(dir, rule));
  if (!stats.isDirectory()) throw new UnsafeFolderError(`${dir}, above the ${rule.purpose} ${below}, is not a folder`);
  if (!rule.owners.includes(stats.uid)) {
    throw new UnsafeFolderError(`${dir}, above the ${rule.purpose} ${below}, belongs to uid ${stats.uid}; every folder above it must belong to ${ownerName(rule.owners)}`);
  }
  const sticky = (stats.mode & 0o1000) !== 0;
  const writableByOthers = (stats.mode & 0o002) !== 0;
  const writableByAGroupOfStrangers = (stats.mode & 0o020) !== 0 && !ROOT_GROUPS.includes(stats.gid);
  if ((writableByOthers || writableByAGroupOfStrangers) && !sticky) {
    throw new UnsafeFolderError(`group or others can write in ${dir}, above the ${rule.purpose} ${below}, so they could replace it; chmod go-w ${dir}, or choose a folder elsewhere`);
  }
}

async function lstatOrExplain(file: string, rule: FolderRule): Promise<Stats> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    throw new UnsafeFolderError(`cannot check ${file} for the ${rule.purpose} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
