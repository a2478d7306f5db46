/**
 * One simulated device, as the agent behaves on the wire (packages/agent's
 * directory-client.ts): it holds its event stream, checks in when the stream opens and
 * then at an interval, reports each change it is offered as synced, and when the stream
 * breaks comes back once after the directory's own `retry` and then on the agent's
 * back-off, honouring a full directory's Retry-After (the same ReconnectBackoff). Given
 * several instance URLs it tries the next one at once when one refuses the connection,
 * as a load balancer passes it on to its next upstream, and backs off only when all did.
 *
 * Streams use a connection each (as each computer has its own); check-ins and reports
 * share the worker's keep-alive pool, which keeps the load tool's own descriptors bounded.
 */
import http from 'node:http';
import { ReconnectBackoff, parseRetryAfter } from '@pwsync/agent/reconnect-backoff';

export interface DeviceEventRecord {
  userName: string;
  event: 'hello' | 'changed';
  changeId: string | null;
  /** Wall-clock ms with sub-ms precision (performance.timeOrigin + now), comparable across processes. */
  at: number;
}

export interface SimDeviceOptions {
  urls: string[];
  userName: string;
  deviceToken: string;
  checkinIntervalMs: number;
  /** Delay before a change is reported synced (a person typing their password, or a Linux device applying it). */
  reportDelayMs: number;
  pool: http.Agent;
  onEvent(record: DeviceEventRecord): void;
  onRefused(): void;
}

export const wallClock = (): number => performance.timeOrigin + performance.now();

export class SimDevice {
  /** The stream is open and has said hello. */
  open = false;
  /** When the newest stream said hello (wall clock), and whether its check-in came back since. */
  helloAt = 0;
  checkedInAt = 0;
  lastChangeId: string | null = null;
  /** Check-ins that did not come back 200 (the directory refused, or the connection failed). */
  checkinFailures = 0;
  /** Stream connections that failed before any answer (nobody listening, reset, timed out). */
  connectFailures = 0;
  private urlIndex = 0;
  /** Instances that refused this attempt's connection, one after another. */
  private refusedInARow = 0;
  private request: http.ClientRequest | undefined;
  private retryMs = 3000;
  private wasOpen = false;
  private stopped = false;
  private checkinTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly backoff = new ReconnectBackoff();

  constructor(private readonly options: SimDeviceOptions) {}

  start(urlIndex = 0): void {
    this.urlIndex = urlIndex % this.options.urls.length;
    this.connect();
    // A random phase, as real computers check in at unrelated moments.
    const first = setTimeout(() => {
      void this.checkIn();
      this.checkinTimer = setInterval(() => void this.checkIn(), this.options.checkinIntervalMs);
    }, Math.random() * this.options.checkinIntervalMs);
    this.checkinTimer = first;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.checkinTimer);
    clearInterval(this.checkinTimer);
    clearTimeout(this.reconnectTimer);
    this.request?.destroy();
  }

  private get base(): string {
    return this.options.urls[this.urlIndex]!;
  }

  private connect(): void {
    if (this.stopped) return;
    const request = http.get(`${this.base}/api/v1/device/events`, { agent: false, headers: { authorization: `Bearer ${this.options.deviceToken}` } });
    this.request = request;
    let failedBeforeResponse = true;
    request.on('response', (response) => {
      failedBeforeResponse = false;
      this.refusedInARow = 0;
      if (response.statusCode !== 200) {
        const retryAfter = response.statusCode === 503 ? (parseRetryAfter(response.headers['retry-after']) ?? 0) : undefined;
        if (retryAfter !== undefined) this.options.onRefused();
        response.resume();
        this.again(this.backoff.next(retryAfter));
        return;
      }
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          this.block(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      response.on('close', () => this.lost());
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (failedBeforeResponse) {
        this.connectFailures += 1;
        if (process.env.PWSYNC_LOAD_TRACE) process.stderr.write(`connect ${this.base} ${error.code} ${Date.now()}\n`);
        // Nobody answers there: the next instance at once, as a load balancer passes a
        // refused connection on to its next upstream (nginx's proxy_next_upstream error,
        // HAProxy's redispatch) without the device seeing it; when every instance refused,
        // the device sees the failure and backs off.
        this.urlIndex = (this.urlIndex + 1) % this.options.urls.length;
        this.refusedInARow += 1;
        if (error.code === 'ECONNREFUSED' && this.refusedInARow < this.options.urls.length) return this.connect();
        this.refusedInARow = 0;
        this.lost();
      }
    });
  }

  private block(block: string): void {
    let event: string | undefined;
    let data: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('retry: ')) this.retryMs = Number(line.slice(7));
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (event !== 'hello' && event !== 'changed') return;
    const answer = JSON.parse(data ?? '{}') as { change: { id: string } | null };
    const at = wallClock();
    if (event === 'hello') {
      this.open = true;
      this.wasOpen = true;
      this.helloAt = at;
      this.backoff.reset();
      // As the agent does: a change made while it was away is not pushed again, so it checks in.
      void this.checkIn();
    }
    this.lastChangeId = answer.change?.id ?? null;
    this.options.onEvent({ userName: this.options.userName, event, changeId: this.lastChangeId, at });
    if (answer.change) {
      const id = answer.change.id;
      setTimeout(() => void this.report(id), this.options.reportDelayMs);
    }
  }

  private lost(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.open = false;
    // Once after the directory's own (jittered) retry when an open stream broke; then the back-off.
    const wait = this.wasOpen ? this.retryMs : this.backoff.next();
    this.wasOpen = false;
    this.again(wait);
  }

  private again(waitMs: number): void {
    if (this.stopped) return;
    this.open = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, waitMs);
  }

  private call(method: string, path: string, body?: string): Promise<number> {
    return new Promise((resolve) => {
      const request = http.request(`${this.base}${path}`, {
        method,
        agent: this.options.pool,
        headers: { authorization: `Bearer ${this.options.deviceToken}`, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('error', () => resolve(0));
      request.end(body);
    });
  }

  private async checkIn(): Promise<void> {
    if (this.stopped) return;
    const asked = wallClock();
    if ((await this.call('GET', '/api/v1/device/checkin')) === 200) this.checkedInAt = Math.max(this.checkedInAt, asked);
    else this.checkinFailures += 1;
  }

  private async report(changeId: string): Promise<void> {
    if (this.stopped) return;
    await this.call('POST', '/api/v1/device/results', JSON.stringify({ changeId, outcome: 'synced', failedStep: null, at: new Date().toISOString() }));
  }
}
