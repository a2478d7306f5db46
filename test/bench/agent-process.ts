/**
 * The agent side of the benchmark, in its own process as in real life: a real agent
 * on a real socket, and beside it a raw newline-JSON server on the same kind of
 * socket. On each command from the parent it pushes once and records the moment
 * (CLOCK_MONOTONIC through process.hrtime, which both processes share).
 */
import net from 'node:net';
import path from 'node:path';
import { startHarness } from '@pwsync/testing/agent-harness';

const harness = await startHarness({ previous: 'bench-prev', next: 'bench-next' });
const rawPath = path.join(harness.dir, 'raw.sock');
const rawClients = new Set<net.Socket>();
const raw = net.createServer((socket) => {
  rawClients.add(socket);
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString();
    let newline;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const message = JSON.parse(buffer.slice(0, newline)) as { id: number };
      buffer = buffer.slice(newline + 1);
      socket.write(`${JSON.stringify({ id: message.id, result: { ok: true } })}\n`);
    }
  });
});
await new Promise<void>((resolve) => raw.listen(rawPath, resolve));

const status = harness.service.status();
process.on('message', (message: { cmd: 'push' | 'raw' | 'stop'; i: number }) => {
  const stamp = process.hrtime.bigint().toString();
  if (message.cmd === 'push') {
    harness.service.emit('statusChanged', { ...status, directory: { ...status.directory, lastCheckIn: new Date(1_700_000_000_000 + message.i).toISOString() } });
  } else if (message.cmd === 'raw') {
    for (const socket of rawClients) socket.write(`${JSON.stringify({ method: 'statusChanged', params: { status } })}\n`);
  } else {
    for (const socket of rawClients) socket.destroy();
    raw.close();
    void harness.remove().then(() => process.exit(0));
    return;
  }
  process.send!({ i: message.i, stamp });
});
process.send!({ ready: true, socketPath: harness.socketPath, rawPath });
