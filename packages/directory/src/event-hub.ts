/**
 * The push channel: Server-Sent Events streams of connected agents, a few per device at
 * most (a new one ends the device's oldest: an agent that reconnected after a network
 * change may leave a half-open stream behind, and it must not lock itself out). Each stream
 * remembers the last answer it was sent, so a device hears `changed` exactly when its
 * check-in answer changes (a profile edit at the identity provider says nothing to
 * it). Writes go straight to the socket, with Nagle off, so an event leaves within
 * the same tick as the SCIM write that caused it.
 *
 * Sized for many streams (docs/directory.md, "Sizing"):
 * - at most `maxStreams` in all; one more is refused (refusal(), a 503 with a jittered
 *   Retry-After the agent honours) with a log line, instead of the process meeting its
 *   file-descriptor limit and resetting connections silently;
 * - heartbeats are spread over the period: each stream belongs to one of
 *   HEARTBEAT_SLOTS slots, and each tick writes one slot, so no single pass of the event
 *   loop writes every stream;
 * - each stream is told its own `retry` (1 s plus a random share of the reconnect
 *   window), so the devices of an instance that dies come back spread over that window
 *   rather than all in the same second.
 */
import type { ServerResponse } from 'node:http';
import { type Clock, systemClock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';
import { type CheckinAnswer, DeviceEvent } from '@pwsync/device-api';
import { LimitWarning } from './limit-warning';

export type { CheckinAnswer };

/** Ticks per heartbeat period: at 15 s, one every 250 ms, each writing a sixtieth of the streams. */
export const HEARTBEAT_SLOTS = 60;
/** The least a stream's `retry` says: the first reconnect never comes sooner. */
export const RETRY_MIN_MS = 1_000;
/** A refused device is told to come back after this many seconds, plus up to as many again at random. */
export const FULL_RETRY_AFTER_S = 30;

interface Stream {
  response: ServerResponse;
  lastKey: string;
  slot: number;
}

export interface EventHubOptions {
  heartbeatMs: number;
  /** Streams one device may hold; a new one ends its oldest. */
  perDevice: number;
  /** Streams this instance holds at most. */
  maxStreams: number;
  /** The reconnects a second this instance takes comfortably: the window the streams' `retry` spreads over is maxStreams ÷ this. */
  reconnectsPerSecond: number;
  logger: Logger;
  clock?: Clock;
  random?: () => number;
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
  private readonly slots: Set<Stream>[] = Array.from({ length: HEARTBEAT_SLOTS }, () => new Set());
  private nextSlot = 0;
  private tick = 0;
  private count = 0;
  private timer: unknown;
  private closed = false;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly full: LimitWarning;

  constructor(private readonly options: EventHubOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.full = new LimitWarning(options.logger, this.clock, 'event streams full: new ones are refused with 503 and Retry-After until some close (--max-streams)');
    this.schedule();
  }

  /** Streams open now. */
  get size(): number {
    return this.count;
  }

  /** The window (ms) over which this instance's streams are told to reconnect. */
  get reconnectWindowMs(): number {
    return Math.max(RETRY_MIN_MS, Math.round((this.options.maxStreams / this.options.reconnectsPerSecond) * 1000));
  }

  /**
   * Undefined when `deviceId` may open a stream now; else the seconds it should wait
   * (jittered). A device that holds a stream already may always replace it (attach()
   * then ends its oldest, so the count stays within the cap).
   */
  refusal(deviceId: string): number | undefined {
    if (this.count < this.options.maxStreams || this.streams.has(deviceId)) return undefined;
    const retryAfter = FULL_RETRY_AFTER_S + Math.floor(this.random() * (FULL_RETRY_AFTER_S + 1));
    this.full.hit({ streams: this.count, maxStreams: this.options.maxStreams, retryAfterSeconds: retryAfter });
    return retryAfter;
  }

  /** Opens the stream with its own `retry` and `hello`, carrying the answer the device would get from check-in. */
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
    const stream: Stream = { response, lastKey: keyOf(answer), slot: this.nextSlot };
    this.nextSlot = (this.nextSlot + 1) % HEARTBEAT_SLOTS;
    const retry = RETRY_MIN_MS + Math.floor(this.random() * (this.reconnectWindowMs - RETRY_MIN_MS + 1));
    response.write(`retry: ${retry}\n${frame(DeviceEvent.hello, answer)}`);
    let set = this.streams.get(deviceId);
    if (!set) this.streams.set(deviceId, (set = new Set()));
    // Over its own cap, or with the instance full: its oldest stream gives way to this one.
    for (const oldest of set) {
      if (set.size < this.options.perDevice && this.count < this.options.maxStreams) break;
      this.remove(deviceId, set, oldest);
      oldest.response.end();
      this.options.logger.info('ended the oldest event stream of a device that opened one more', { deviceId });
    }
    set.add(stream);
    this.slots[stream.slot]!.add(stream);
    this.count += 1;
    response.on('close', () => this.remove(deviceId, set, stream));
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
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    for (const set of this.streams.values()) for (const stream of set) stream.response.end();
    this.streams.clear();
    for (const slot of this.slots) slot.clear();
    this.count = 0;
  }

  private remove(deviceId: string, set: Set<Stream>, stream: Stream): void {
    if (!set.delete(stream)) return;
    this.slots[stream.slot]!.delete(stream);
    this.count -= 1;
    if (set.size === 0 && this.streams.get(deviceId) === set) this.streams.delete(deviceId);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.beat();
      this.schedule();
    }, this.options.heartbeatMs / HEARTBEAT_SLOTS);
    // The heartbeat never keeps a process alive by itself.
    (this.timer as { unref?: () => void } | undefined)?.unref?.();
  }

  private beat(): void {
    const slot = this.slots[this.tick]!;
    this.tick = (this.tick + 1) % HEARTBEAT_SLOTS;
    // A comment line: keeps proxies and the agent's idle timer from closing a quiet stream.
    for (const stream of slot) stream.response.write(': heartbeat\n\n');
  }
}
