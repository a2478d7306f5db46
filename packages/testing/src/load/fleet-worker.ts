/**
 * A load worker process: simulates its share of the fleet (sim-device.ts) and answers
 * the coordinator (fleet.ts) over its IPC channel. A process holds a few thousand
 * streams at most, so the fleet as a whole is not bounded by one process's
 * file-descriptor limit.
 */
import http from 'node:http';
import { type DeviceEventRecord, SimDevice } from './sim-device';

export interface WorkerDevice {
  userName: string;
  deviceToken: string;
  /** Which of the URLs it starts on. */
  home: number;
}

export type ToWorker =
  | { type: 'start'; urls: string[]; devices: WorkerDevice[]; checkinIntervalMs: number; reportDelayMs: number; connectPerSecond: number; maxSeconds: number }
  | { type: 'status'; id: number; since: number; home?: number }
  | { type: 'stop' };

export interface WorkerStatus {
  devices: number;
  open: number;
  /** Devices (of the instance asked about, or all) whose newest stream said hello after `since` and whose check-in since then came back. */
  current: number;
  refused: number;
  checkinFailures: number;
  connectFailures: number;
}

export type FromWorker = { type: 'events'; records: DeviceEventRecord[] } | { type: 'status'; id: number; status: WorkerStatus };

const send = (message: FromWorker) => process.send?.(message);
let devices: SimDevice[] = [];
let homes: number[] = [];
let refused = 0;
let pending: DeviceEventRecord[] = [];
let flush: NodeJS.Timeout | undefined;
const pool = new http.Agent({ keepAlive: true, maxSockets: 64 });

function record(event: DeviceEventRecord): void {
  // `changed` events are what latency is measured on; hellos are counted through status.
  if (event.event !== 'changed') return;
  pending.push(event);
  flush ??= setTimeout(() => {
    flush = undefined;
    send({ type: 'events', records: pending });
    pending = [];
  }, 20);
}

function stop(): void {
  for (const device of devices) device.stop();
  pool.destroy();
  process.exit(0);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'start') {
    // However it is driven, a worker never outlives its bound.
    setTimeout(stop, message.maxSeconds * 1000).unref();
    homes = message.devices.map((d) => d.home);
    devices = message.devices.map(
      (d) =>
        new SimDevice({ urls: message.urls, userName: d.userName, deviceToken: d.deviceToken, checkinIntervalMs: message.checkinIntervalMs, reportDelayMs: message.reportDelayMs, pool, onEvent: record, onRefused: () => (refused += 1) }),
    );
    // Connected at a steady rate, as a fleet that comes online over the morning.
    const gap = 1000 / message.connectPerSecond;
    message.devices.forEach((d, i) => setTimeout(() => devices[i]!.start(d.home), i * gap));
  } else if (message.type === 'status') {
    const open = devices.filter((d) => d.open).length;
    const current = devices.filter((d, i) => (message.home === undefined || homes[i] === message.home) && d.open && d.helloAt > message.since && d.checkedInAt >= d.helloAt).length;
    const checkinFailures = devices.reduce((sum, d) => sum + d.checkinFailures, 0);
    const connectFailures = devices.reduce((sum, d) => sum + d.connectFailures, 0);
    send({ type: 'status', id: message.id, status: { devices: devices.length, open, current, refused, checkinFailures, connectFailures } });
  } else if (message.type === 'stop') stop();
});
process.on('disconnect', stop);
