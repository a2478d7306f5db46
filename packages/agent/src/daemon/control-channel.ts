/**
 * The daemon's control channel: SOCKETS/control.sock, root's and 0600 from its first
 * moment (socket-file.ts), so only root (`pwsync-agent status`, run by support with
 * sudo) reaches it. One request a connection, one JSON line each way; the only request
 * is `status`. It carries no secret: names, ids, times and states, never a token.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { bindSocket, listenPrivately } from '../socket-file';

export const CONTROL_SOCKET = 'control.sock';
const MAX_REQUEST_BYTES = 4096;

export const PersonStatus = z.object({
  localAccount: z.string(),
  uid: z.number(),
  userName: z.string(),
  deviceId: z.string(),
  socket: z.string(),
  directory: z.object({ state: z.string(), lastCheckIn: z.string().nullable() }),
  lastSync: z.object({ changeId: z.string(), outcome: z.string(), finishedAt: z.string() }).nullable(),
  waitingChange: z.object({ id: z.string(), createdAt: z.string(), mode: z.string() }).nullable(),
});
export type PersonStatus = z.infer<typeof PersonStatus>;

export const DaemonStatus = z.object({
  version: z.string(),
  startedAt: z.string(),
  enrolment: z.object({ machineId: z.string(), machineName: z.string(), directory: z.string(), userName: z.string().nullable(), enrolledAt: z.string() }),
  directory: z.object({ reachable: z.boolean().nullable(), reason: z.string().nullable(), checkedAt: z.string().nullable() }),
  people: z.array(PersonStatus),
  /** People of this computer the rule names but the agent does not serve, and why (the directory refused, or could not be asked). */
  notServed: z.array(z.object({ localAccount: z.string(), reason: z.string() })),
});
export type DaemonStatus = z.infer<typeof DaemonStatus>;

const Request = z.strictObject({ method: z.literal('status') });

export class ControlServer {
  private readonly server: net.Server;
  private socketFile: { dev: number; ino: number } | undefined;

  constructor(
    private readonly socketPath: string,
    status: () => DaemonStatus,
  ) {
    this.server = net.createServer((socket) => {
      socket.setTimeout(5000, () => socket.destroy());
      socket.on('error', () => undefined);
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        if (received.length > MAX_REQUEST_BYTES) return socket.destroy();
        const end = received.indexOf('\n');
        if (end < 0) return;
        let request: unknown;
        try {
          request = JSON.parse(received.slice(0, end));
        } catch {
          request = undefined;
        }
        const answer = Request.safeParse(request).success ? { result: status() } : { error: 'the only request is {"method":"status"}' };
        socket.end(`${JSON.stringify(answer)}\n`);
      });
    });
  }

  /** Root's socket in the root-owned socket folder; a live one (another daemon) is refused, never taken over. */
  async listen(): Promise<void> {
    if (process.platform === 'win32') return listenPrivately(this.server, this.socketPath);
    await bindSocket(this.server, this.socketPath);
    const stats = await fs.lstat(this.socketPath);
    this.socketFile = { dev: stats.dev, ino: stats.ino };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Only our own socket file: never one another daemon made at this path since (as server.ts).
    if (!this.socketFile) return;
    const stats = await fs.lstat(this.socketPath).catch(() => undefined);
    if (stats && stats.dev === this.socketFile.dev && stats.ino === this.socketFile.ino) await fs.rm(this.socketPath, { force: true });
    this.socketFile = undefined;
  }
}

export type StatusReply = { running: true; status: DaemonStatus } | { running: false; reason: string };

/** Asks the running daemon; `running: false` with why when nothing answers there. */
export function askStatus(socketsFolder: string, timeoutMs = 5000): Promise<StatusReply> {
  const socketPath = path.join(socketsFolder, CONTROL_SOCKET);
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    let received = '';
    const timer = setTimeout(() => finish({ running: false, reason: `the agent did not answer on ${socketPath} within ${timeoutMs / 1000} s` }), timeoutMs);
    const finish = (reply: StatusReply) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    socket.on('connect', () => socket.write('{"method":"status"}\n'));
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.on('end', () => {
      try {
        const answer = z.object({ result: DaemonStatus }).parse(JSON.parse(received));
        finish({ running: true, status: answer.result });
      } catch {
        finish({ running: false, reason: `the agent on ${socketPath} gave an answer this version cannot read (is it the same version?)` });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
          ? `nothing answers on ${socketPath}`
          : error.code === 'EACCES'
            ? `only root may ask the agent (${socketPath}); run it with sudo`
            : `cannot reach ${socketPath} (${error.code ?? 'error'})`;
      finish({ running: false, reason: why });
    });
  });
}
