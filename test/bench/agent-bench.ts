/**
 * The agent protocol's costs, against a floor measured in the same run on the same
 * kind of socket between the same two processes: a raw newline-delimited JSON
 * exchange with no library and no checks.
 *  - status round trip (AgentClient → agent → AgentClient, validated both ways)
 *  - push to state: from the agent process emitting a status change to the tray
 *    core's new state in this process (both stamped with the shared monotonic clock)
 * Target (issue 3): push-to-state median ≤ 3× the raw one-way push floor.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '@pwsync/tray/core/create-core';
import { silentLogger } from '@pwsync/node-kit/log';
import type { BenchResult } from './run';

const ROUNDS = 2000;
const WARMUP = 200;
const here = path.dirname(fileURLToPath(import.meta.url));

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const p95 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.95)]!;
const now = () => process.hrtime.bigint();
const micros = (from: bigint, to: bigint) => Number(to - from) / 1000;

export default async function agentBench(): Promise<BenchResult[]> {
  const child = fork(path.join(here, 'agent-process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const { socketPath, rawPath } = await new Promise<{ socketPath: string; rawPath: string }>((resolve) =>
    child.once('message', (m) => resolve(m as { socketPath: string; rawPath: string })),
  );
  const stamps = new Map<number, bigint>();
  child.on('message', (m: { i?: number; stamp?: string }) => {
    if (m.i !== undefined && m.stamp) stamps.set(m.i, BigInt(m.stamp));
  });
  const stampOf = async (i: number) => {
    while (!stamps.has(i)) await new Promise((resolve) => setImmediate(resolve));
    return stamps.get(i)!;
  };

  // The floor's client: one line out, one line back; pushes arrive as lines.
  const raw = net.createConnection(rawPath);
  await new Promise<void>((resolve) => raw.once('connect', resolve));
  let waiting: (() => void) | undefined;
  let buffer = '';
  raw.on('data', (chunk) => {
    buffer += chunk.toString();
    let newline;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      JSON.parse(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      waiting?.();
    }
  });
  const rawLine = () => new Promise<void>((resolve) => (waiting = resolve));

  const core = createCore({ socketPath, demo: true, appVersion: '0', logger: silentLogger });
  await new Promise<void>((resolve) => {
    core.on('stateChanged', (s) => s.phase === 'pending' && resolve());
    core.start();
  });
  const client = (core as unknown as { client: { request: (m: 'status', p: object) => Promise<unknown> } }).client;

  const rawTrips: number[] = [];
  const statusTrips: number[] = [];
  const rawPushes: number[] = [];
  const corePushes: number[] = [];
  let i = 0;
  // Interleaved, so the floor and the measured path see the same machine load.
  for (let round = 0; round < ROUNDS + WARMUP; round += 1) {
    const keep = round >= WARMUP;
    let start = now();
    const line = rawLine();
    raw.write(`${JSON.stringify({ id: round, method: 'status' })}\n`);
    await line;
    if (keep) rawTrips.push(micros(start, now()));

    start = now();
    await client.request('status', {});
    if (keep) statusTrips.push(micros(start, now()));

    let n = i++;
    const pushed = rawLine();
    child.send({ cmd: 'raw', i: n });
    await pushed;
    let arrived = now();
    if (keep) rawPushes.push(micros(await stampOf(n), arrived));

    n = i++;
    const changed = new Promise<void>((resolve) => core.once('stateChanged', () => resolve()));
    child.send({ cmd: 'push', i: n });
    await changed;
    arrived = now();
    if (keep) corePushes.push(micros(await stampOf(n), arrived));
  }
  core.stop();
  raw.destroy();
  child.send({ cmd: 'stop', i: -1 });
  await new Promise((resolve) => child.once('exit', resolve));

  const pushRatio = median(corePushes) / median(rawPushes);
  const figures = (v: number[]) => ({ p50: median(v), p95: p95(v), unit: 'µs', n: v.length });
  return [
    { name: 'floor: raw newline-JSON round trip (two processes)', figures: figures(rawTrips) },
    { name: 'status round trip (vscode-jsonrpc, validated both ways)', figures: figures(statusTrips), ratio: median(statusTrips) / median(rawTrips) },
    { name: 'floor: raw newline-JSON one-way push (two processes)', figures: figures(rawPushes) },
    {
      name: 'push to tray state (agent emit → core stateChanged)',
      figures: figures(corePushes),
      ratio: pushRatio,
      target: 'median ≤ 3× floor',
      met: pushRatio <= 3,
    },
  ];
}
