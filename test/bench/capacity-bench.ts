/**
 * Capacity (issue 17): the directory holding a fleet's event streams, driven by the load
 * tool (packages/testing/src/load) from separate processes, at 1,000 and 10,000 devices
 * (PWSYNC_BENCH_DEVICES=1000,10000 to choose), one device per user, darwin and linux in
 * turn, production hash costs (sha512-crypt 100,000 rounds, PBKDF2 100,000 iterations):
 *  (a) memory per open stream, against a bare node:http server holding as many;
 *  (b) with every stream open and 20 password PATCHes in flight: the PATCH's own latency,
 *      and PATCH response → `changed` at the device, p50/p95/p99 (target p99 ≤ 50 ms),
 *      against the floor: a bare write to an open stream (request → event at the client);
 *  (c) the longest event-loop stall of the instance meanwhile (read by the loop probe);
 *  (d) kill -9 and restart: the time until every device has a new stream whose hello
 *      carries the current state and has checked in again (target ≤ 10 s at 10,000), and
 *      the longest stall meanwhile (target ≤ 100 ms);
 *  and how each grows from the smallest size to the largest.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { closeEnrolAgent, makeFleet } from '@pwsync/testing/load/enrol';
import { startFleet } from '@pwsync/testing/load/fleet';
import { type Instance, startInstance } from '@pwsync/testing/load/instance';
import { closeScimAgent, patchesInFlight } from '@pwsync/testing/load/scim-driver';
import type { DeviceEventRecord } from '@pwsync/testing/load/sim-device';
import { wallClock } from '@pwsync/testing/load/sim-device';
import type { BenchResult } from './run';

const SIZES = (process.env.PWSYNC_BENCH_DEVICES ?? '1000,10000').split(',').map(Number);
const IN_FLIGHT = 20;
const PATCHES = 80;
const WARMUP = 10;
const FLOOR_ROUNDS = 300;

const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
const pct = (v: number[], p: number) => sorted(v)[Math.min(v.length - 1, Math.floor(v.length * p))]!;
const round = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** A bare node:http process: holds streams, and on POST /write writes an event to the first one before answering. */
async function bareServer() {
  const script = `const s=[];require('node:http').createServer({noDelay:true},(q,r)=>{if(q.url==='/write'){q.resume();s[0].write('event: changed\\ndata: {}\\n\\n');r.writeHead(204);r.end();return}r.writeHead(200,{'content-type':'text/event-stream'});r.write('event: hello\\ndata: {}\\n\\n');s.push(r)}).listen(0,'127.0.0.1',function(){console.log(JSON.stringify({url:'http://127.0.0.1:'+this.address().port}))});process.on('SIGTERM',()=>process.exit(0));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url)));
  return { child, url, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}

function holdStreams(url: string, count: number, onData?: (chunk: string) => void): Promise<http.ClientRequest[]> {
  const requests: http.ClientRequest[] = [];
  return new Promise((resolve, reject) => {
    let open = 0;
    for (let i = 0; i < count; i += 1) {
      const request = http.get(`${url}/events`, { agent: false }, (response) => {
        response.setEncoding('utf8');
        let first = true;
        response.on('data', (chunk: string) => {
          if (first && (first = false, ++open === count)) resolve(requests);
          onData?.(chunk);
        });
      });
      request.on('error', reject);
      requests.push(request);
    }
  });
}

/** Floor (b): request → event at the client, for a bare write to an open stream. */
async function writeFloor(): Promise<number[]> {
  const bare = await bareServer();
  let arrived: ((at: number) => void) | undefined;
  const [stream] = await holdStreams(bare.url, 1, (chunk) => chunk.includes('changed') && arrived?.(wallClock()));
  const agent = new http.Agent({ keepAlive: true });
  const times: number[] = [];
  for (let i = 0; i < FLOOR_ROUNDS + WARMUP; i += 1) {
    const event = new Promise<number>((resolve) => (arrived = resolve));
    const sent = wallClock();
    await new Promise<void>((resolve) => http.request(`${bare.url}/write`, { method: 'POST', agent }, (r) => (r.resume(), r.on('end', resolve))).end());
    const at = await event;
    if (i >= WARMUP) times.push(at - sent);
  }
  stream!.destroy();
  agent.destroy();
  await bare.stop();
  return times;
}

/** Floor (a): a bare node:http server's memory per held stream. */
async function memoryFloor(count: number): Promise<number> {
  const bare = await bareServer();
  await sleep(500);
  const before = rssKiB(bare.child.pid!);
  const streams = await holdStreams(bare.url, count);
  await sleep(1500);
  const kib = (rssKiB(bare.child.pid!) - before) / count;
  for (const s of streams) s.destroy();
  await bare.stop();
  return kib;
}

interface SizeFigures {
  devices: number;
  enrolSeconds: number;
  kibPerStream: number;
  kibFloor: number;
  patch: number[];
  event: number[];
  patchStallMs: number;
  restartMs: number;
  reconnectMs: number;
  reconnectStallMs: number;
  load: string;
}

async function runSize(base: string, devices: number): Promise<SizeFigures> {
  const dir = mkdtempSync(path.join(base, `n${devices}-`));
  // Room for every stream and the check-ins beside them, inside the 20,000 descriptors here.
  const args = ['--max-connections', String(Math.min(18_000, devices + 2_000)), '--max-streams', String(devices + 500)];
  let instance: Instance = await startInstance(dir, args);
  const port = Number(new URL(instance.url).port);
  const started = performance.now();
  const fleetDevices = await makeFleet(instance.url, devices, { concurrency: 16 });
  const enrolSeconds = (performance.now() - started) / 1000;
  closeEnrolAgent();
  await sleep(1500);
  const before = (await instance.readLoop()).rssKiB;
  const events = new Map<string, DeviceEventRecord[]>();
  const fleet = await startFleet({
    urls: [instance.url],
    devices: fleetDevices,
    connectPerSecond: 2000,
    maxSeconds: 1200,
    onEvent: (r) => events.set(r.userName, [...(events.get(r.userName) ?? []), r]),
  });
  try {
    await fleet.until((s) => s.open === devices, 120_000);
    await sleep(2000);
    const kibPerStream = ((await instance.readLoop()).rssKiB - before) / devices;

    // (b)+(c): 20 PATCHes in flight, each for a different user whose device is connected.
    await instance.resetLoop();
    const users = fleetDevices.slice(0, PATCHES + WARMUP);
    const timings = await patchesInFlight(instance.url, users, IN_FLIGHT);
    await sleep(500);
    const patchStallMs = (await instance.readLoop()).maxStallMs;
    const measured = timings.filter((t) => users.indexOf(users.find((u) => u.userName === t.userName)!) >= WARMUP);
    if (measured.some((t) => t.status !== 200)) throw new Error(`a PATCH failed: ${measured.map((t) => t.status).join(' ')} ${instance.output()}`);
    const patch = measured.map((t) => t.answered - t.sent);
    const event = measured.map((t) => {
      const record = events.get(t.userName)?.find((r) => r.changeId && r.at >= t.sent);
      if (!record) throw new Error(`no event reached ${t.userName}`);
      return record.at - t.answered;
    });

    // (d): kill -9, restart on the same port, every device back and current.
    await sleep(6000); // the check-in writer's interval: nothing of the PATCH phase left to flush
    const killedAt = wallClock();
    await instance.kill('SIGKILL');
    instance = await startInstance(dir, args, port);
    const readyAt = wallClock();
    await instance.resetLoop();
    await fleet.until((s) => s.current === devices, 120_000, killedAt, 50);
    const doneAt = wallClock();
    const reconnectStallMs = (await instance.readLoop()).maxStallMs;
    return {
      devices, enrolSeconds, kibPerStream, kibFloor: await memoryFloor(devices), patch, event, patchStallMs,
      restartMs: readyAt - killedAt, reconnectMs: doneAt - readyAt, reconnectStallMs, load: load(),
    };
  } finally {
    await fleet.stop();
    await instance.kill();
  }
}

export default async function capacityBench(): Promise<BenchResult[]> {
  const base = mkdtempSync(path.join('/tmp', 'pwsc-'));
  const results: BenchResult[] = [];
  try {
    const floor = await writeFloor();
    const floorP99 = pct(floor, 0.99);
    results.push({ name: `floor: a bare write to an open stream, request → event at the client (${FLOOR_ROUNDS} rounds)`, figures: { p50: pct(floor, 0.5), p95: pct(floor, 0.95), p99: floorP99, unit: 'ms', load: load() } });
    const figures: SizeFigures[] = [];
    for (const devices of SIZES) {
      const f = await runSize(base, devices);
      figures.push(f);
      const n = devices.toLocaleString('en');
      results.push({ name: `${n} devices: users and devices made over SCIM and enrolment`, figures: { seconds: round(f.enrolSeconds), load: f.load } });
      results.push({
        name: `${n} devices: memory per open event stream ÷ a bare node:http server's per held stream`,
        figures: { directory: round(f.kibPerStream), bare: round(f.kibFloor), unit: 'KiB' },
        ratio: f.kibPerStream / f.kibFloor,
      });
      results.push({ name: `${n} devices: PATCH latency, ${IN_FLIGHT} in flight, production hash cost (${PATCHES} PATCHes)`, figures: { p50: pct(f.patch, 0.5), p95: pct(f.patch, 0.95), p99: pct(f.patch, 0.99), unit: 'ms' } });
      const p99 = pct(f.event, 0.99);
      results.push({
        name: `${n} devices: PATCH response → changed at the device, ${IN_FLIGHT} in flight (÷ the bare write's p99)`,
        figures: { p50: pct(f.event, 0.5), p95: pct(f.event, 0.95), p99, unit: 'ms' },
        ratio: Math.max(p99, 0) / floorP99,
        target: 'p99 ≤ 50 ms',
        met: p99 <= 50,
      });
      results.push({ name: `${n} devices: longest event-loop stall during the PATCHes`, figures: { max: round(f.patchStallMs), unit: 'ms' } });
      const bounded = devices >= 10_000;
      results.push({
        name: `${n} devices: kill -9 and restart: until every device is back on a stream and checked in`,
        figures: { restart: round(f.restartMs), sinceReady: round(f.reconnectMs), sinceKill: round(f.restartMs + f.reconnectMs), unit: 'ms', load: f.load },
        ...(bounded ? { target: '≤ 10 s since ready', met: f.reconnectMs <= 10_000 } : {}),
      });
      results.push({
        name: `${n} devices: longest event-loop stall while they come back`,
        figures: { max: round(f.reconnectStallMs), unit: 'ms' },
        target: '≤ 100 ms',
        met: f.reconnectStallMs <= 100,
      });
    }
    if (figures.length > 1) {
      const [small, large] = [figures[0]!, figures.at(-1)!];
      results.push({
        name: `growth from ${small.devices.toLocaleString('en')} to ${large.devices.toLocaleString('en')} devices (large ÷ small)`,
        figures: {
          kibPerStream: round(large.kibPerStream / small.kibPerStream),
          patchP99: round(pct(large.patch, 0.99) / pct(small.patch, 0.99)),
          eventP99: round(pct(large.event, 0.99) / Math.max(0.01, pct(small.event, 0.99))),
          patchStall: round(large.patchStallMs / small.patchStallMs),
          reconnect: round(large.reconnectMs / small.reconnectMs),
          reconnectStall: round(large.reconnectStallMs / small.reconnectStallMs),
        },
      });
    }
  } finally {
    closeScimAgent();
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}
