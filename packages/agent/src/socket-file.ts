/**
 * The socket file on macOS and Linux: what may be at its path before the agent
 * listens, and how it is created. A live socket is another agent's and is never
 * taken over; only a socket that refuses connections (left by a killed agent) is
 * removed, and nothing that is not a socket is ever deleted.
 *
 * The socket is bound under a umask that leaves it 0600, at a temporary name in the
 * same root-only folder, handed to the person it serves, and only then linked to its
 * real name with link(2), which fails rather than replace anything there. So at its
 * real path it is, from its first moment, the person's and 0600; and when the agent
 * stops, libuv's unlink of the bound name (it unlinks the path it bound, whatever is
 * there by then) meets only the temporary name, never a successor's socket.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** sockaddr_un holds 108 bytes with the final NUL; Node cuts longer paths short without a word. */
const MAX_SOCKET_PATH_BYTES = 107;

export class SocketPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SocketPathError';
  }
}

/** Makes the path free to listen on, or says why it is not. */
export async function claimSocketPath(socketPath: string): Promise<void> {
  let stats;
  try {
    stats = await fs.lstat(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SocketPathError(`cannot check ${socketPath} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!stats.isSocket()) {
    const what = stats.isSymbolicLink() ? 'a symbolic link' : stats.isDirectory() ? 'a folder' : stats.isFile() ? 'a regular file' : 'not a socket';
    throw new SocketPathError(`${socketPath} is ${what}, not a socket; the agent never removes it: move it away, or choose another --socket`);
  }
  const probe = await probeSocket(socketPath);
  if (probe === 'live') {
    throw new SocketPathError(`another agent is already serving ${socketPath}; stop it first (systemctl stop pwsync-agent), or choose another --socket`);
  }
  if (probe !== 'stale') throw new SocketPathError(`cannot tell whether ${socketPath} is in use (${probe}); remove it once no agent uses it`);
  // Refused: a socket left by an agent that was killed. Its inode may go.
  await fs.rm(socketPath, { force: true });
}

/** 'live' when something accepts a connection, 'stale' when the kernel refuses it, else the error code. */
export function probeSocket(socketPath: string, timeoutMs = 2000): Promise<'live' | 'stale' | string> {
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    const done = (verdict: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    // A listener whose backlog is full still exists: a time-out is not a stale socket.
    const timer = setTimeout(() => done('ETIMEDOUT'), timeoutMs);
    socket.once('connect', () => done('live'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'stale' : (error.code ?? 'error')));
  });
}

/** Binds the server at socketPath, owned by `owner` and 0600 from the moment it has that name. */
export async function bindSocket(server: net.Server, socketPath: string, owner?: { uid: number; gid: number }): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new SocketPathError(`the socket path ${socketPath} is too long for a Unix socket (at most ${MAX_SOCKET_PATH_BYTES} bytes); choose a shorter --socket`);
  }
  const temporary = path.join(path.dirname(socketPath), `.${randomBytes(3).toString('hex')}`);
  if (Buffer.byteLength(temporary) > MAX_SOCKET_PATH_BYTES) {
    throw new SocketPathError(`the socket folder ${path.dirname(socketPath)} has too long a path for a Unix socket (at most ${MAX_SOCKET_PATH_BYTES - 8} bytes); choose a shorter --socket`);
  }
  await claimSocketPath(socketPath);
  await listenPrivately(server, temporary);
  try {
    if (owner) await fs.lchown(temporary, owner.uid, owner.gid);
    await fs.link(temporary, socketPath);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SocketPathError(`another agent began serving ${socketPath} at the same moment; stop it first, or choose another --socket`);
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/**
 * Binds under umask 0177 so the socket file is born 0600. Node's listen() binds a
 * Unix socket synchronously, inside the call, so the umask is the process's only for
 * that moment; it is put back before anything else runs.
 */
export function listenPrivately(server: net.Server, socketPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    const previous = process.umask(0o177);
    try {
      server.listen(socketPath, () => {
        server.off('error', onError);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
}
