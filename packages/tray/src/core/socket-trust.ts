/**
 * Before the tray app sends a password, it makes sure the socket is the agent's:
 * the socket is a real socket (not a link or a file), owned by this user and open
 * to no one else, inside a folder owned by root that no one else can write (so
 * nobody can put another socket in its place). A development socket in a folder
 * of the user's own is accepted only in demo mode, which the screen announces.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

export type TrustVerdict =
  | { trusted: true; kind: 'system' | 'demo' }
  | { trusted: false; reason: 'missing' | 'untrusted'; detail: string };

export interface TrustOptions {
  demo: boolean;
  uid?: number;
  platform?: NodeJS.Platform;
}

export async function checkSocketTrust(socketPath: string, options: TrustOptions): Promise<TrustVerdict> {
  const platform = options.platform ?? process.platform;
  // Named pipes carry their own ACL, set by the agent when it creates the pipe.
  if (platform === 'win32') return { trusted: true, kind: 'system' };
  const uid = options.uid ?? process.getuid?.() ?? -1;
  const untrusted = (detail: string): TrustVerdict => ({ trusted: false, reason: 'untrusted', detail });

  let socket;
  try {
    socket = await fs.lstat(socketPath);
  } catch {
    return { trusted: false, reason: 'missing', detail: 'no socket at that path' };
  }
  if (socket.isSymbolicLink()) return untrusted('the socket path is a symbolic link');
  if (!socket.isSocket()) return untrusted('the socket path is not a socket');
  if (socket.uid !== uid) return untrusted(`the socket belongs to user ${socket.uid}, not to this user`);
  if ((socket.mode & 0o077) !== 0) return untrusted('other users can open the socket');

  const folder = path.dirname(socketPath);
  let dir;
  try {
    dir = await fs.lstat(folder);
  } catch {
    return untrusted('the socket\'s folder cannot be read');
  }
  if (dir.isSymbolicLink() || !dir.isDirectory()) return untrusted('the socket\'s folder is a link or not a folder');
  if ((dir.mode & 0o022) !== 0) return untrusted('others can write in the socket\'s folder');
  if (dir.uid === 0) return { trusted: true, kind: 'system' };
  if (options.demo && dir.uid === uid) return { trusted: true, kind: 'demo' };
  return untrusted(options.demo ? 'the socket\'s folder belongs to another user' : 'the socket\'s folder is not owned by root (a development socket is accepted only in demo mode)');
}
