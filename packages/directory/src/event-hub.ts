/**
 * The push channel: Server-Sent Events streams of connected agents, a few per device at
 * most (a new one ends the device's oldest: an agent that reconnected after a network
 * change may leave a half-open stream behind, and it must not lock itself out). Each stream
 * remembers the last answer it was sent, so a device hears `changed` exactly when its
 * check-in answer changes (a profile edit at the identity provider says nothing to
 * it). Writes go straight to the socket, with Nagle off, so an event leaves within
 * the same tick as the SCIM write that caused it.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '@pwsync/node-kit/log';
import { type CheckinAnswer, DeviceEvent } from '@pwsync/device-api';

export type { CheckinAnswer };

interface Stream {
  response: ServerResponse;
  lastKey: string;
}

/** The answer without its clock: what decides whether anything changed. */
function keyOf(answer: CheckinAnswer): string {
  return JSON.stringify({ ...answer, serverTime: undefined });
}

function frame(event: string, answer: CheckinAnswer): string {
  return `event: ${event}\ndata: ${JSON.stringify(answer)}\n\n`;
}

export class EventHub {
  private readonly streams = new Map<string, Set<Stream>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    heartbeatMs: number,
    private readonly perDevice: number,
    private readonly logger: Logger,
  ) {
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Opens the stream with `hello`, carrying the answer the device would get from check-in. */
  attach(deviceId: string, response: ServerResponse, answer: CheckinAnswer): void {
    response.socket?.setNoDelay(true);
    // A stream is quiet between heartbeats by design: the socket's idle timeout is for requests.
    response.socket?.setTimeout(0);
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream: Stream = { response, lastKey: keyOf(answer) };
    response.write(`retry: 1000\n${frame(DeviceEvent.hello, answer)}`);
    let set = this.streams.get(deviceId);
    if (!set) this.streams.set(deviceId, (set = new Set()));
    for (const oldest of set) {
      if (set.size < this.perDevice) break;
      set.delete(oldest);
      oldest.response.end();
      this.logger.info('ended the oldest event stream of a device that opened one more', { deviceId });
    }
    set.add(stream);
    response.on('close', () => {
      set.delete(stream);
      if (set.size === 0 && this.streams.get(deviceId) === set) this.streams.delete(deviceId);
    });
  }

  /** Devices holding a stream on this instance now. */
  onlineCount(): number {
    return this.streams.size;
  }

  isOnline(deviceId: string): boolean {
    return (this.streams.get(deviceId)?.size ?? 0) > 0;
  }

  push(deviceId: string, answer: CheckinAnswer): void {
    const key = keyOf(answer);
    for (const stream of this.streams.get(deviceId) ?? []) {
      if (stream.lastKey === key) continue;
      stream.lastKey = key;
      stream.response.write(frame(DeviceEvent.changed, answer));
    }
  }

  /** A revoked device (or a deleted user's) loses its stream at once. */
  disconnect(deviceId: string): void {
    for (const stream of this.streams.get(deviceId) ?? []) stream.response.end();
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const set of this.streams.values()) for (const stream of set) stream.response.end();
    this.streams.clear();
  }

  private beat(): void {
    // A comment line: keeps proxies and the agent's idle timer from closing a quiet stream.
    for (const set of this.streams.values()) for (const stream of set) stream.response.write(': heartbeat\n\n');
  }
}
