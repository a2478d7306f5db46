/**
 * The load tool's coordinator: splits a fleet of enrolled devices over worker
 * processes (fleet-worker.ts), and asks them how many streams are open and how many
 * devices are back and current. Bounded in count and time (loopback.ts), loopback only.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FleetDevice } from './enrol';
import type { FromWorker, ToWorker, WorkerStatus } from './fleet-worker';
import { checkBounds, requireLoopback } from './loopback';
import type { DeviceEventRecord } from './sim-device';

export interface FleetOptions {
  urls: string[];
  devices: FleetDevice[];
  /** Worker processes; each holds about devices ÷ workers streams. */
  workers?: number;
  checkinIntervalMs?: number;
  reportDelayMs?: number;
  /** How fast the fleet first connects, in all. */
  connectPerSecond?: number;
  /** The run's bound: workers stop by themselves after this. */
  maxSeconds: number;
  /** Which instance each device starts on (default: spread evenly). */
  home?: (index: number) => number;
  onEvent?: (record: DeviceEventRecord) => void;
}

export interface Fleet {
  /** `current` counts the devices that started on instance `home` (all, without it). */
  status(since?: number, home?: number): Promise<WorkerStatus>;
  /** Resolves when `check` holds for the fleet's status, polled every `everyMs`; rejects after `timeoutMs`. */
  until(check: (status: WorkerStatus) => boolean, timeoutMs: number, since?: number, everyMs?: number, home?: number): Promise<WorkerStatus>;
  stop(): Promise<void>;
  /** The worker processes' ids (to read their CPU time). */
  pids(): number[];
}

const here = path.dirname(fileURLToPath(import.meta.url));

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  requireLoopback(options.urls);
  checkBounds(options.devices.length, options.maxSeconds);
  const count = options.workers ?? Math.max(1, Math.ceil(options.devices.length / 2500));
  const workers: ChildProcess[] = [];
  let nextId = 1;
  const waiting = new Map<number, { left: number; sum: WorkerStatus; resolve: (s: WorkerStatus) => void }>();
  for (let w = 0; w < count; w += 1) {
    const child = fork(path.join(here, 'fleet-worker.ts'), [], { execArgv: [...(process.env.PWSYNC_LOAD_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.PWSYNC_LOAD_CPU_PROF] : []), '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: FromWorker) => {
      if (message.type === 'events') for (const r of message.records) options.onEvent?.(r);
      else {
        const wait = waiting.get(message.id);
        if (!wait) return;
        for (const key of Object.keys(wait.sum) as (keyof WorkerStatus)[]) wait.sum[key] += message.status[key];
        if (--wait.left === 0) {
          waiting.delete(message.id);
          wait.resolve(wait.sum);
        }
      }
    });
    workers.push(child);
  }
  const home = options.home ?? ((i: number) => i % options.urls.length);
  const perWorker = options.devices.map((d, i) => ({ userName: d.userName, deviceToken: d.deviceToken, home: home(i) }));
  workers.forEach((child, w) => {
    const share = perWorker.filter((_, i) => i % count === w);
    const message: ToWorker = {
      type: 'start',
      urls: options.urls,
      devices: share,
      checkinIntervalMs: options.checkinIntervalMs ?? 60_000,
      reportDelayMs: options.reportDelayMs ?? 0,
      connectPerSecond: (options.connectPerSecond ?? 1000) / count,
      maxSeconds: options.maxSeconds,
    };
    child.send(message);
  });
  const status = (since = 0, home?: number) =>
    new Promise<WorkerStatus>((resolve) => {
      const id = nextId++;
      waiting.set(id, { left: workers.length, sum: { devices: 0, open: 0, current: 0, refused: 0, checkinFailures: 0, connectFailures: 0 }, resolve });
      for (const child of workers) child.send({ type: 'status', id, since, home } satisfies ToWorker);
    });
  return {
    status,
    async until(check, timeoutMs, since = 0, everyMs = 100, home) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const s = await status(since, home);
        if (check(s)) return s;
        if (performance.now() > deadline) throw new Error(`the fleet did not get there within ${timeoutMs} ms: ${JSON.stringify(s)}`);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    },
    pids: () => workers.map((child) => child.pid!).filter(Boolean),
    async stop() {
      await Promise.all(
        workers.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.send({ type: 'stop' } satisfies ToWorker);
            }),
        ),
      );
    },
  };
}
