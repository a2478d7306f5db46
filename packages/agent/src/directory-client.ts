/**
 * The agent's side of the directory's device API (docs/directory.md): a check-in at
 * an interval (60 s by default, as the source article has it) and, beside it, the
 * directory's event stream, so a change arrives in under a second while online and at
 * the next check-in after being offline. Every answer is validated before use.
 */
import { EventEmitter } from 'node:events';
import { EventSource } from 'eventsource';
import type { Logger } from '@pwsync/node-kit/log';
import { CheckinAnswer, DEVICE_API, DeviceEvent, type DeviceResult } from '@pwsync/device-api';

export type { CheckinAnswer, DeviceResult };

export interface DirectoryClientOptions {
  url: string;
  deviceToken: string;
  logger: Logger;
  intervalMs?: number;
  timeoutMs?: number;
}

export interface DirectoryClientEvents {
  answer: [CheckinAnswer];
  connection: ['online' | 'offline'];
}

export const DEFAULT_CHECKIN_INTERVAL_MS = 60_000;

export class DirectoryClient extends EventEmitter<DirectoryClientEvents> {
  private stream: EventSource | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly base: string;

  constructor(private readonly options: DirectoryClientOptions) {
    super();
    this.base = options.url.replace(/\/+$/, '');
  }

  start(): void {
    void this.checkIn();
    this.openStream();
    this.timer = setInterval(() => void this.checkIn(), this.options.intervalMs ?? DEFAULT_CHECKIN_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.stream?.close();
    this.stream = undefined;
  }

  /** Checks in now; undefined when the directory cannot be reached or answers nonsense. */
  async checkIn(): Promise<CheckinAnswer | undefined> {
    try {
      const response = await this.fetch(DEVICE_API.checkin, { method: 'GET' });
      if (!response.ok) {
        this.options.logger.warn('the directory refused the check-in', { status: response.status });
        return undefined;
      }
      return this.accept(await response.json());
    } catch (error) {
      this.options.logger.warn('the directory cannot be reached', { err: (error as Error).name });
      this.emit('connection', 'offline');
      return undefined;
    }
  }

  async report(result: DeviceResult): Promise<void> {
    const response = await this.fetch(DEVICE_API.results, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(result),
    });
    if (!response.ok) throw new Error(`the directory answered ${response.status}`);
  }

  private accept(body: unknown): CheckinAnswer | undefined {
    const parsed = CheckinAnswer.safeParse(body);
    if (!parsed.success) {
      this.options.logger.warn('the directory sent an answer that does not match its API');
      return undefined;
    }
    this.emit('answer', parsed.data);
    return parsed.data;
  }

  private openStream(): void {
    const token = this.options.deviceToken;
    const stream = new EventSource(`${this.base}${DEVICE_API.events}`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, Authorization: `Bearer ${token}` } }),
    });
    stream.onopen = () => {
      this.emit('connection', 'online');
      // A change made between the last check-in and this (re)connection is not pushed
      // again: check in once more so nothing waits for the next interval.
      void this.checkIn();
    };
    stream.onerror = () => this.emit('connection', 'offline');
    stream.addEventListener(DeviceEvent.changed, (event) => {
      let body: unknown;
      try {
        body = JSON.parse(event.data);
      } catch {
        body = undefined;
      }
      this.accept(body);
    });
    this.stream = stream;
  }

  private fetch(pathname: string, init: RequestInit): Promise<Response> {
    return fetch(`${this.base}${pathname}`, {
      ...init,
      headers: { ...init.headers, Authorization: `Bearer ${this.options.deviceToken}` },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
  }
}
