import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock } from '@pwsync/testing/fake-clock';
import { makeTempDir } from '@pwsync/testing/processes';
import { recordingLogger } from '@pwsync/testing/recording-logger';
import { AgentClient } from './agent-client';
import type { TrustVerdict } from './socket-trust';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(clock: FakeClock, socketPath: string, checkTrust: () => Promise<TrustVerdict>) {
  const made = new AgentClient({ socketPath, clientVersion: '0', logger: recordingLogger(), clock, retryDelaysMs: [1000, 5000], checkTrust });
  const unreachable: string[] = [];
  made.on('unreachable', (reason) => unreachable.push(reason));
  cleanups.push(() => made.stop());
  return { client: made, unreachable };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the agent client, on its clock', () => {
  it('waits out each reconnection delay, backing off, and stops waiting when stopped', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const tried: number[] = [];
    const { client: agent, unreachable } = client(clock, '/nowhere/agent.sock', async () => {
      tried.push(clock.now() - start);
      return { trusted: false, reason: 'missing', detail: 'no socket' };
    });

    agent.start();
    await settle();
    expect(unreachable).toEqual(['notRunning']);
    expect(clock.pending).toBe(1);
    clock.advance(999);
    await settle();
    expect(tried).toEqual([0]);
    for (const ms of [1, 5000, 5000]) {
      clock.advance(ms);
      await settle();
    }
    expect(tried).toEqual([0, 1000, 6000, 11000]);

    agent.stop();
    expect(clock.pending).toBe(0);
  });

  it('gives up on a handshake the agent never answers once its clock says so', async () => {
    const dir = makeTempDir('pwc-');
    const socketPath = path.join(dir, 'silent.sock');
    // An agent that takes the connection, reads what comes and never answers.
    const server = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }), () => new Promise((resolve) => server.close(resolve)));
    const accepted = new Promise((resolve) => server.once('connection', resolve));
    const clock = new FakeClock();
    const { client: agent, unreachable } = client(clock, socketPath, async () => ({ trusted: true, kind: 'demo' }));

    agent.start();
    await accepted;
    await vi.waitUntil(() => clock.pending === 1);
    clock.advance(4999);
    await settle();
    expect(unreachable).toEqual([]);
    clock.advance(1);
    await vi.waitUntil(() => unreachable.length > 0);
    expect(unreachable).toEqual(['handshakeFailed']);
  });
});
