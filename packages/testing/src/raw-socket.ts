/** A deliberately dumb client that writes raw bytes to the agent and reads its frames back. */
import net from 'node:net';

export interface RawClient {
  socket: net.Socket;
  send(message: unknown): void;
  sendRaw(bytes: string | Buffer): void;
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  closed: Promise<void>;
}

export function frame(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`), bytes]);
}

export function connectRaw(socketPath: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffer = Buffer.alloc(0);
    const queue: Record<string, unknown>[] = [];
    const waiters: Array<(m: Record<string, unknown>) => void> = [];
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
        if (buffer.length < end + 4 + length) return;
        const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as Record<string, unknown>;
        buffer = buffer.subarray(end + 4 + length);
        const waiter = waiters.shift();
        if (waiter) waiter(message);
        else queue.push(message);
      }
    });
    socket.once('connect', () =>
      resolve({
        socket,
        send: (message) => socket.write(frame(JSON.stringify(message))),
        sendRaw: (bytes) => socket.write(bytes),
        next: (timeoutMs = 3000) =>
          new Promise((res, rej) => {
            const queued = queue.shift();
            if (queued) return res(queued);
            const timer = setTimeout(() => rej(new Error('no message from the agent')), timeoutMs);
            waiters.push((m) => {
              clearTimeout(timer);
              res(m);
            });
          }),
        closed,
      }),
    );
    socket.once('error', reject);
  });
}

/** Reads messages until one with this id arrives (pushes are skipped). */
export async function responseTo(client: RawClient, id: number | string | null): Promise<Record<string, unknown>> {
  for (;;) {
    const message = await client.next();
    if (message.id === id && !('method' in message)) return message;
  }
}
