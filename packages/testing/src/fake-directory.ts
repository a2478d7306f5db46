/**
 * A stand-in for the directory's device API (docs/directory.md), for testing the
 * agent's side alone: it serves check-ins and the event stream from a state the test
 * sets, and records every result the agent reports.
 */
import http from 'node:http';
import type { CheckinAnswer, DeviceResult } from '@pwsync/agent/directory-client';

export interface FakeDirectory {
  url: string;
  answer: CheckinAnswer;
  results: DeviceResult[];
  checkins: number;
  /** Requests for the event stream, answered or not. */
  streamRequests: number;
  /** While set, the event stream is refused as a full directory refuses it: 503 with this Retry-After (seconds). */
  refuseStreams: number | undefined;
  /** While set, check-ins are answered with this status and no answer (a directory in trouble). */
  failCheckins: number | undefined;
  /** Changes the answer and pushes it on every open stream. */
  set(patch: Partial<CheckinAnswer>): void;
  /** Drops every stream and refuses connections until back online. */
  goOffline(): Promise<void>;
  goOnline(): Promise<void>;
  close(): Promise<void>;
}

export const DEVICE_TOKEN = 'test-device-token';

export async function startFakeDirectory(initial: Partial<CheckinAnswer> = {}): Promise<FakeDirectory> {
  const streams = new Set<http.ServerResponse>();
  let offline = false;
  const fake: FakeDirectory = {
    url: '',
    answer: {
      user: { userName: 'alex', active: true, syncEnabled: true },
      device: { deviceId: 'dev_1', syncEnabled: true },
      change: null,
      serverTime: new Date().toISOString(),
      ...initial,
    },
    results: [],
    checkins: 0,
    streamRequests: 0,
    refuseStreams: undefined,
    failCheckins: undefined,
    set(patch) {
      fake.answer = { ...fake.answer, ...patch };
      for (const stream of streams) stream.write(`event: changed\ndata: ${JSON.stringify(fake.answer)}\n\n`);
    },
    async goOffline() {
      offline = true;
      for (const stream of streams) stream.destroy();
      streams.clear();
    },
    async goOnline() {
      offline = false;
    },
    close: async () => {
      for (const stream of streams) stream.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((request, response) => {
    if (request.url === '/api/v1/device/events') fake.streamRequests += 1;
    if (offline) return void request.socket.destroy();
    if (request.headers.authorization !== `Bearer ${DEVICE_TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    if (request.url === '/api/v1/device/checkin') {
      fake.checkins += 1;
      if (fake.failCheckins !== undefined) return void response.writeHead(fake.failCheckins, { 'Content-Type': 'application/json' }).end('{"status":"unavailable"}');
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(fake.answer));
    } else if (request.url === '/api/v1/device/events' && fake.refuseStreams !== undefined) {
      response.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': String(fake.refuseStreams), Connection: 'close' }).end('{"status":"503"}');
    } else if (request.url === '/api/v1/device/events') {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // As the directory: the stream opens with the answer a check-in would give now.
      response.write(`event: hello\ndata: ${JSON.stringify(fake.answer)}\n\n`);
      streams.add(response);
      response.on('close', () => streams.delete(response));
    } else if (request.url === '/api/v1/device/results' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        fake.results.push(JSON.parse(body) as DeviceResult);
        response.writeHead(204).end();
      });
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return fake;
}
