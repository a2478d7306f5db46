/**
 * The agent's side of the directory's device API (docs/directory.md): a check-in at
 * an interval (60 s by default, as the source article has it) and, beside it, the
 * directory's event stream, so a change arrives in under a second while online and at
 * the next check-in after being offline. Every answer is validated with the device
 * API's schema before use, hashes included (their shape and cost: a hash outside the
 * bounds @pwsync/passwords accepts makes the answer invalid, and nothing hashes with it).
 *
 * The stream reconnects with back-off and jitter (reconnect-backoff.ts): once after the
 * directory's own `retry` when an open stream breaks (each stream is told its own, so
 * the devices of an instance that died come back spread out), and after that, or when
 * refused, on the agent's own capped back-off, honouring a full directory's Retry-After.
 *
 * Over https, through undici, so the directory's CA can be pinned (--directory-ca:
 * only that CA is trusted, not the system's); plain http only to this computer
 * itself. A refused certificate is logged with what is wrong with it.
 */
import { EventEmitter } from 'node:events';
import { EventSource } from 'eventsource';
// undici 6, not 7: 7 needs Node 20.18 and node:sqlite, and the Debian package runs the agent
// with Debian 12's Node 18 (packaging/README.md). It is what pins the directory's CA.
import { Agent, fetch as undiciFetch } from 'undici';
import { type Clock, type TimerHandle, systemClock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';
import { CheckinAnswer, DEVICE_API, DeviceEvent, type DeviceResult } from '@pwsync/device-api';
import { directoryUrlProblem } from './directory-url';
import { ReconnectBackoff, parseRetryAfter } from './reconnect-backoff';

export { directoryUrlProblem, isLoopbackHost } from './directory-url';

export type { CheckinAnswer, DeviceResult };

export interface DirectoryClientOptions {
  url: string;
  deviceToken: string;
  logger: Logger;
  /** The CA (PEM) the directory's certificate must chain to; without it, the system's CAs. */
  ca?: string;
  intervalMs?: number;
  timeoutMs?: number;
  /** Times the stream's reconnects (tests pass a fake one). */
  clock?: Clock;
  random?: () => number;
}

export interface DirectoryClientEvents {
  answer: [CheckinAnswer];
  connection: ['online' | 'offline'];
}

export const DEFAULT_CHECKIN_INTERVAL_MS = 60_000;

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** What went wrong reaching the directory, in words an administrator acts on, with the code it came from. */
export function explainConnectionError(error: unknown): { code: string; message: string } {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code ?? (error as Error).name ?? 'error';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return { code, message: "the directory's TLS certificate has expired or is not yet valid" };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { code, message: "the directory's TLS certificate is not for this host name" };
  if (UNTRUSTED.has(code)) return { code, message: "the directory's TLS certificate is not signed by a trusted CA (is --directory-ca the directory's CA?)" };
  if (code === 'TimeoutError' || code === 'AbortError') return { code, message: 'the directory did not answer in time' };
  return { code, message: 'the directory cannot be reached' };
}

export class DirectoryClient extends EventEmitter<DirectoryClientEvents> {
  private stream: EventSource | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly base: string;
  private readonly dispatcher: Agent;
  private readonly clock: Clock;
  private readonly backoff: ReconnectBackoff;
  private reconnect: TimerHandle | undefined;
  /** What the directory's last refusal of the stream asked for (its Retry-After), in ms. */
  private refusedForMs: number | undefined;
  private streamWasOpen = false;
  private stopped = false;

  constructor(private readonly options: DirectoryClientOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.backoff = new ReconnectBackoff(options.random);
    const problem = directoryUrlProblem(new URL(options.url));
    if (problem) throw new Error(`the directory URL ${problem}`);
    this.base = options.url.replace(/\/+$/, '');
    this.dispatcher = new Agent({ connect: options.ca ? { ca: options.ca } : {} });
  }

  start(): void {
    void this.checkIn();
    this.openStream();
    this.timer = setInterval(() => void this.checkIn(), this.options.intervalMs ?? DEFAULT_CHECKIN_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.clock.clearTimeout(this.reconnect);
    this.stream?.close();
    this.stream = undefined;
    void this.dispatcher.close().catch(() => undefined);
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
      const { code, message } = explainConnectionError(error);
      this.options.logger.warn(`cannot check in: ${message}`, { reason: code });
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
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the directory answered ${response.status}`);
  }

  private accept(body: unknown): CheckinAnswer | undefined {
    const parsed = CheckinAnswer.safeParse(body);
    if (!parsed.success) {
      // The paths at fault, never the values (a hash is a value).
      const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.')))];
      this.options.logger.warn('the directory sent an answer that does not match its API; it is ignored', { fields });
      return undefined;
    }
    this.emit('answer', parsed.data);
    return parsed.data;
  }

  private openStream(): void {
    const token = this.options.deviceToken;
    this.reconnect = undefined;
    const stream = new EventSource(`${this.base}${DEVICE_API.events}`, {
      fetch: async (input, init) => {
        const response = await undiciFetch(input, { ...init, dispatcher: this.dispatcher, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` } } as Parameters<typeof undiciFetch>[1]);
        this.refusedForMs = response.status === 503 ? (parseRetryAfter(response.headers.get('retry-after'), this.clock.now()) ?? 0) : undefined;
        return response as unknown as Response;
      },
    });
    stream.onopen = () => {
      this.streamWasOpen = true;
      this.backoff.reset();
      this.emit('connection', 'online');
      // A change made between the last check-in and this (re)connection is not pushed
      // again: check in once more so nothing waits for the next interval.
      void this.checkIn();
    };
    stream.onerror = (event) => {
      this.emit('connection', 'offline');
      if (this.stopped || this.stream !== stream) return;
      // A stream that was open broke: EventSource tries once more after the directory's own (jittered) retry.
      if (stream.readyState === stream.CONNECTING && this.streamWasOpen) {
        this.streamWasOpen = false;
        return;
      }
      this.streamWasOpen = false;
      stream.close();
      const refusedFor = this.refusedForMs;
      this.refusedForMs = undefined;
      const waitMs = this.backoff.next(refusedFor);
      if (refusedFor !== undefined) {
        this.options.logger.info('the directory holds as many event streams as it may; the stream is tried again later, check-ins go on', { inSeconds: Math.round(waitMs / 1000) });
      } else {
        this.options.logger.debug('the event stream is tried again later', { inSeconds: Math.round(waitMs / 1000), attempt: this.backoff.attempts, status: (event as { code?: number }).code ?? null });
      }
      this.reconnect = this.clock.setTimeout(() => {
        if (!this.stopped) this.openStream();
      }, waitMs);
    };
    // `hello` opens every stream with the answer a check-in would give now, so a device
    // that reconnects (to any instance) is current at once, even when the check-in that
    // follows fails; `changed` carries each later one.
    for (const name of [DeviceEvent.hello, DeviceEvent.changed]) {
      stream.addEventListener(name, (event) => {
        let body: unknown;
        try {
          body = JSON.parse(event.data);
        } catch {
          body = undefined;
        }
        this.accept(body);
      });
    }
    this.stream = stream;
  }

  private fetch(pathname: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
    return undiciFetch(`${this.base}${pathname}`, {
      ...init,
      dispatcher: this.dispatcher,
      headers: { ...init.headers, Authorization: `Bearer ${this.options.deviceToken}` },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
  }
}
