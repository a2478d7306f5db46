/**
 * Capacity (issue 17): the directory holding a fleet's event streams, driven by the load
 * tool (packages/testing/src/load) from separate processes, at 1,000 and 10,000 devices
 * (PWSYNC_BENCH_DEVICES=1000,10000 to choose), one device per user, darwin and linux in
 * turn, production hash costs (sha512-crypt 100,000 rounds, PBKDF2 100,000 iterations).
 * On PostgreSQL (the default where its server is installed; PWSYNC_BENCH_ENGINE=sqlite
 * for one instance on SQLite) two instances share the database, each device starts on
 * one of them in turn, and every PATCH goes to the first, so half the events cross over
 * LISTEN/NOTIFY; each instance is sized to hold the whole fleet, as it must when the
 * other dies. Measured:
 *  (a) memory per open stream, against a bare node:http server holding as many;
 *  (b) with every stream open and 20 password PATCHes in flight (200 measured, so p99 is
 *      not merely the slowest): the PATCH's own latency,
 *      and PATCH response → `changed` at the device, p50/p95/p99 (target p99 ≤ 50 ms),
 *      against the floors: a bare write to an open stream (request → event at the client)
 *      and, on PostgreSQL, a bare NOTIFY → LISTEN round trip;
 *  (c) the longest event-loop stall of the instance meanwhile (read by the loop probe);
 *  (d) kill -9 of the first instance (on SQLite, and restarted): the time until every one of
 *      its devices has a new stream (at the other instance, on PostgreSQL) whose hello
 *      carries the current state and has checked in again (target ≤ 10 s at 10,000), and
 *      the longest stall of the instances meanwhile (target ≤ 100 ms);
 *  and how each grows from the smallest size to the largest.
 * The instances reach PostgreSQL over its Unix socket (PWSYNC_BENCH_PG=tcp: over TCP on
 * loopback). An event that comes late is measured however late; one that has not come
 * 10 s after the last PATCH was lost and fails the run. PWSYNC_LOAD_CPU_PROF=DIR has
 * each instance write a V8 CPU profile there (the one killed writes none); profiling
 * costs CPU, so figures from such a run are not comparable.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { closeEnrolAgent, makeFleet, retried } from '@pwsync/testing/load/enrol';
import { startFleet } from '@pwsync/testing/load/fleet';
import { type Instance, startInstance } from '@pwsync/testing/load/instance';
import { notifyRoundTrips } from '@pwsync/testing/load/notify-floor';
import { closeScimAgent, patchRetries, patchesInFlight } from '@pwsync/testing/load/scim-driver';
import { type PostgresServer, createDatabase, postgresBin, startPostgres, stopPostgres, writeUrlFile } from '@pwsync/testing/postgres';
import type { DeviceEventRecord } from '@pwsync/testing/load/sim-device';
import { wallClock } from '@pwsync/testing/load/sim-device';
import type { BenchResult } from './run';
import { percentile } from '@pwsync/testing/percentile';

const SIZES = (process.env.PWSYNC_BENCH_DEVICES ?? '1000,10000').split(',').map(Number);
const ENGINE = process.env.PWSYNC_BENCH_ENGINE ?? (postgresBin() ? 'postgres' : 'sqlite');
const INSTANCES = ENGINE === 'postgres' ? 2 : 1;
/**
 * How the instances reach PostgreSQL: its Unix socket (as an instance on the database's
 * own computer should), or TCP on loopback (PWSYNC_BENCH_PG=tcp), which on one computer
 * costs each statement's sender the receiver's work too and so overstates a network's cost.
 */
const PG_OVER = process.env.PWSYNC_BENCH_PG === 'tcp' ? 'tcp' : 'socket';
const IN_FLIGHT = 20;
/** Measured PATCHes (after WARMUP more): enough that p99 is not simply the slowest one. */
const PATCHES = 200;
const LOST_AFTER_MS = 10_000;
const WARMUP = 10;
const FLOOR_ROUNDS = 300;

const round = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
/** CPU seconds the process has used (user + system). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** The processes whose parent is `pid` (PostgreSQL's backends, under its postmaster). */
const childrenOf = (pid: number) =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
const cpuOf = (pids: number[]) => round(pids.reduce((sum, pid) => {
  try {
    return sum + cpuSeconds(pid);
  } catch {
    return sum; // gone meanwhile
  }
}, 0));
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** A bare node:http process: holds streams, and on POST /write writes an event to the first one before answering. */
async function bareServer() {
  const script = `const s=[];require('node:http').createServer({noDelay:true},(q,r)=>{if(q.url==='/write'){q.resume();s[0].write('event: changed\\ndata: {}\\n\\n');r.writeHead(204);r.end();return}r.writeHead(200,{'content-type':'text/event-stream'});r.write('event: hello\\ndata: {}\\n\\n');s.push(r)}).listen(0,'127.0.0.1',4096,function(){console.log(JSON.stringify({url:'http://127.0.0.1:'+this.address().port}))});process.on('SIGTERM',()=>process.exit(0));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url)));
  return { child, url, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))) };
}

/** Opens `count` streams, 200 at a time, each tried again (five times at most) if its connection fails before it opens. */
async function holdStreams(url: string, count: number, onData?: (chunk: string) => void): Promise<http.ClientRequest[]> {
  const requests: http.ClientRequest[] = [];
  const open = (attempt: number): Promise<void> =>
    new Promise((resolve, reject) => {
      let opened = false;
      const request = http.get(`${url}/events`, { agent: false }, (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (!opened) {
            opened = true;
            requests.push(request);
            resolve();
          }
          onData?.(chunk);
        });
      });
      request.on('error', (error) => {
        if (opened) return;
        if (attempt >= 5) return reject(error);
        void sleep(200).then(() => open(attempt + 1)).then(resolve, reject);
      });
    });
  for (let i = 0; i < count; i += 200) await Promise.all(Array.from({ length: Math.min(200, count - i) }, () => open(0)));
  return requests;
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
  /** Response → event for the devices on another instance than the PATCH's (PostgreSQL). */
  crossEvent: number[];
  patchStallMs: number[];
  restartMs: number;
  reconnectMs: number;
  reconnectStallMs: number[];
  load: string;
}

function progress(what: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`capacity: ${JSON.stringify({ at: new Date().toISOString(), what, ...fields, load: load() })}\n`);
}

async function runSize(base: string, devices: number, postgres: PostgresServer | undefined): Promise<SizeFigures> {
  const dir = mkdtempSync(path.join(base, `n${devices}-`));
  const database = postgres ? await createDatabase(postgres) : undefined;
  const urlFile = database ? writeUrlFile({ ...database, url: PG_OVER === 'tcp' ? database.url : database.socketUrl }, path.join(dir, 'database.url')) : undefined;
  // Each instance holds the whole fleet if it must, with the check-ins beside, inside the 20,000 descriptors here.
  const args = ['--max-connections', String(Math.min(18_000, devices + 2_000)), '--max-streams', String(devices + 500)];
  const dirs = Array.from({ length: INSTANCES }, (_, i) => mkdtempSync(path.join(dir, `i${i}-`)));
  const instances: Instance[] = [];
  for (const d of dirs) instances.push(await startInstance(d, args, 0, urlFile));
  const started = performance.now();
  const fleetDevices = await makeFleet(instances[0]!.url, devices, { concurrency: 16 }).catch(async (error: unknown) => {
    for (const i of instances) process.stderr.write(i.output().slice(-4000));
    for (const i of instances) await i.kill();
    throw error;
  });
  const enrolSeconds = (performance.now() - started) / 1000;
  closeEnrolAgent();
  progress('enrolled', { devices, seconds: enrolSeconds, retriedAfter5xx: retried.count });
  await sleep(1500);
  const before = await Promise.all(instances.map((i) => i.readLoop()));
  const events = new Map<string, DeviceEventRecord[]>();
  const home = (i: number) => i % INSTANCES;
  const fleet = await startFleet({
    urls: instances.map((i) => i.url),
    devices: fleetDevices,
    home,
    connectPerSecond: 2000,
    maxSeconds: 1200,
    onEvent: (r) => events.set(r.userName, [...(events.get(r.userName) ?? []), r]),
  });
  try {
    await fleet.until((s) => s.open === devices, 180_000);
    await sleep(2000);
    const after = await Promise.all(instances.map((i) => i.readLoop()));
    const kibPerStream = after.reduce((sum, a, i) => sum + (a.rssKiB - before[i]!.rssKiB), 0) / devices;
    progress('connected', { devices, kibPerStream });

    // (b)+(c): 20 PATCHes in flight at the first instance, each for a different user whose device is connected.
    await Promise.all(instances.map((i) => i.resetLoop()));
    const users = fleetDevices.slice(0, PATCHES + WARMUP);
    const timings = await patchesInFlight(instances[0]!.url, users, IN_FLIGHT);
    const measured = timings.filter((t) => fleetDevices.findIndex((u) => u.userName === t.userName) >= WARMUP);
    if (measured.some((t) => t.status !== 200)) throw new Error(`a PATCH failed: ${measured.map((t) => t.status).join(' ')}`);
    const eventOf = (t: (typeof measured)[number]) => events.get(t.userName)?.find((r) => r.changeId && r.at >= t.sent);
    // A late event is measured, however late; one that has not come LOST_AFTER_MS after the last PATCH was lost, and fails the run.
    const waitedFrom = wallClock();
    while (measured.some((t) => !eventOf(t)) && wallClock() - waitedFrom < LOST_AFTER_MS) await sleep(100);
    await sleep(500);
    const patchStallMs = (await Promise.all(instances.map((i) => i.readLoop()))).map((r) => r.maxStallMs);
    const lost = measured.filter((t) => !eventOf(t));
    if (lost.length > 0) throw new Error(`${lost.length} of ${measured.length} devices got no event within ${LOST_AFTER_MS / 1000} s of the last PATCH's answer: lost, not late`);
    const patch = measured.map((t) => t.answered - t.sent);
    const toEvent = (t: (typeof measured)[number]) => eventOf(t)!.at - t.answered;
    const event = measured.map(toEvent);
    const crossEvent = measured.filter((t) => home(fleetDevices.findIndex((u) => u.userName === t.userName)) !== 0).map(toEvent);
    progress('patched', { devices, retriedAfter5xx: patchRetries.count, patchP99: percentile(patch, 0.99), eventP99: percentile(event, 0.99), patchStallMs });

    // (d): kill -9 the first instance; on SQLite it restarts on the same port and file.
    await sleep(6000); // the check-in writer's interval: nothing of the PATCH phase left to flush
    const killedAt = wallClock();
    const port = Number(new URL(instances[0]!.url).port);
    await instances[0]!.kill('SIGKILL');
    if (INSTANCES === 1) instances[0] = await startInstance(dirs[0]!, args, port, urlFile);
    const readyAt = wallClock();
    const survivors = INSTANCES === 1 ? instances : instances.slice(1);
    await Promise.all(survivors.map((i) => i.resetLoop()));
    const ofKilled = fleetDevices.filter((_, i) => home(i) === 0).length;
    let said = 0;
    await fleet.until((s) => {
      // A line a second: how the devices come back over time.
      if (wallClock() - said >= 1000) {
        said = wallClock();
        progress('coming back', { ms: Math.round(said - readyAt), open: s.open, current: s.current, of: ofKilled, checkinFailures: s.checkinFailures, connectFailures: s.connectFailures, refused: s.refused, cpu: { instances: survivors.map((i) => cpuSeconds(i.child.pid!)), fleet: cpuOf(fleet.pids()), postgres: postgres ? cpuOf([postgres.pid, ...childrenOf(postgres.pid)]) : 0 } });
      }
      return s.current === ofKilled && s.open === devices;
    }, 180_000, killedAt, 50, 0);
    const doneAt = wallClock();
    const reconnectStallMs = (await Promise.all(survivors.map((i) => i.readLoop()))).map((r) => r.maxStallMs);
    progress('reconnected', { devices, ms: doneAt - readyAt, reconnectStallMs });
    await fleet.stop();
    return {
      devices, enrolSeconds, kibPerStream, kibFloor: await memoryFloor(devices), patch, event, crossEvent, patchStallMs,
      restartMs: readyAt - killedAt, reconnectMs: doneAt - readyAt, reconnectStallMs, load: load(),
    };
  } catch (error) {
    // What the instances said (warnings and errors only), so a failed run says why.
    for (const i of instances) process.stderr.write(`instance ${i.url} (exit ${i.child.exitCode ?? i.child.signalCode ?? 'running'}):\n${i.output().slice(-6000)}\n`);
    throw error;
  } finally {
    await fleet.stop();
    for (const i of instances) await i.kill();
  }
}

export default async function capacityBench(): Promise<BenchResult[]> {
  const base = mkdtempSync(path.join('/tmp', 'pwsc-'));
  const results: BenchResult[] = [];
  const postgres = ENGINE === 'postgres' ? await startPostgres() : undefined;
  try {
    const floor = await writeFloor();
    let floorP99 = percentile(floor, 0.99);
    results.push({ name: `floor: a bare write to an open stream, request → event at the client (${FLOOR_ROUNDS} rounds)`, figures: { p50: percentile(floor, 0.5), p95: percentile(floor, 0.95), p99: floorP99, unit: 'ms', load: load() } });
    if (postgres) {
      const floorDatabase = await createDatabase(postgres);
      const notify = await notifyRoundTrips(PG_OVER === 'tcp' ? floorDatabase.url : floorDatabase.socketUrl, FLOOR_ROUNDS);
      results.push({ name: `floor: a bare NOTIFY → LISTEN round trip on the same PostgreSQL, over ${PG_OVER === 'tcp' ? 'TCP on loopback' : 'its Unix socket'} as the instances (${FLOOR_ROUNDS} rounds)`, figures: { p50: percentile(notify, 0.5), p95: percentile(notify, 0.95), p99: percentile(notify, 0.99), unit: 'ms' } });
      // An event at the other instance goes through both.
      floorP99 += percentile(notify, 0.99);
    }
    progress('floors', { engine: ENGINE, instances: INSTANCES, ...(postgres ? { over: PG_OVER } : {}) });
    const figures: SizeFigures[] = [];
    for (const devices of SIZES) {
      const f = await runSize(base, devices, postgres);
      figures.push(f);
      const n = `${devices.toLocaleString('en')} devices on ${INSTANCES === 1 ? 'one instance, SQLite' : `${INSTANCES} instances, PostgreSQL (${PG_OVER === 'tcp' ? 'TCP' : 'Unix socket'})`}`;
      results.push({ name: `${n}: users and devices made over SCIM and enrolment`, figures: { seconds: round(f.enrolSeconds), load: f.load } });
      results.push({
        name: `${n}: memory per open event stream ÷ a bare node:http server's per held stream`,
        figures: { directory: round(f.kibPerStream), bare: round(f.kibFloor), unit: 'KiB' },
        ratio: f.kibPerStream / f.kibFloor,
      });
      results.push({ name: `${n}: PATCH latency, ${IN_FLIGHT} in flight, production hash cost (${PATCHES} PATCHes)`, figures: { p50: percentile(f.patch, 0.5), p95: percentile(f.patch, 0.95), p99: percentile(f.patch, 0.99), unit: 'ms' } });
      const p99 = percentile(f.event, 0.99);
      results.push({
        name: `${n}: PATCH response → changed at the device, ${IN_FLIGHT} in flight (÷ the floors' p99)`,
        figures: { p50: percentile(f.event, 0.5), p95: percentile(f.event, 0.95), p99, max: Math.max(...f.event), unit: 'ms' },
        ratio: Math.max(p99, 0) / floorP99,
        target: 'p99 ≤ 50 ms',
        met: p99 <= 50,
      });
      if (f.crossEvent.length) {
        results.push({ name: `${n}: of those, the devices on the other instance (over LISTEN/NOTIFY)`, figures: { p50: percentile(f.crossEvent, 0.5), p95: percentile(f.crossEvent, 0.95), p99: percentile(f.crossEvent, 0.99), unit: 'ms' } });
      }
      results.push({ name: `${n}: longest event-loop stall of each instance during the PATCHes`, figures: { max: f.patchStallMs.map(round).join(' / '), unit: 'ms' } });
      const bounded = devices >= 10_000;
      results.push({
        name: `${n}: kill -9 of ${INSTANCES === 1 ? 'the instance, and restart' : 'one instance'}: until every one of its devices is back on a stream and checked in`,
        figures: { restart: round(f.restartMs), sinceReady: round(f.reconnectMs), sinceKill: round(f.restartMs + f.reconnectMs), unit: 'ms', load: f.load },
        ...(bounded ? { target: '≤ 10 s since ready', met: f.reconnectMs <= 10_000 } : {}),
      });
      results.push({
        name: `${n}: longest event-loop stall of the instance${INSTANCES === 1 ? '' : 's left'} while they come back`,
        figures: { max: f.reconnectStallMs.map(round).join(' / '), unit: 'ms' },
        target: '≤ 100 ms',
        met: Math.max(...f.reconnectStallMs) <= 100,
      });
    }
    if (figures.length > 1) {
      const [small, large] = [figures[0]!, figures.at(-1)!];
      results.push({
        name: `growth from ${small.devices.toLocaleString('en')} to ${large.devices.toLocaleString('en')} devices (large ÷ small)`,
        figures: {
          kibPerStream: round(large.kibPerStream / small.kibPerStream),
          patchP99: round(percentile(large.patch, 0.99) / percentile(small.patch, 0.99)),
          eventP99: round(percentile(large.event, 0.99) / Math.max(0.01, percentile(small.event, 0.99))),
          patchStall: round(Math.max(...large.patchStallMs) / Math.max(...small.patchStallMs)),
          reconnect: round(large.reconnectMs / small.reconnectMs),
          reconnectStall: round(Math.max(...large.reconnectStallMs) / Math.max(...small.reconnectStallMs)),
        },
      });
    }
  } finally {
    closeScimAgent();
    if (postgres) await stopPostgres(postgres);
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}
