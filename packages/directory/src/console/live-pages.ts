/**
 * The console's live person pages: server-sent event streams, one per open page, fed
 * by the same mechanism that pushes to devices (DirectoryContext.personTouched is called
 * in the tick of every write, check-in, and device stream opened or closed). Touches of
 * one person within a tick are coalesced into one rebuilt page, sent to every stream
 * following that person. No polling anywhere: the page hears within the same tick.
 *
 * Bounds: a session holds at most 5 streams (a new one ends its oldest), the instance at
 * most 1,000; each stream checks at every heartbeat that its session is still alive and
 * ends with `signedOut` when it is not.
 */
import type { ServerResponse } from 'node:http';
import { ConsoleEvent, type ConsoleEventName } from '@pwsync/console-contract';
import type { DirectoryContext } from '../context';
import type { Sessions } from './sessions';

export const STREAMS_PER_SESSION = 5;
export const MAX_CONSOLE_STREAMS = 1_000;

interface Stream {
  response: ServerResponse;
  userId: string;
  userName: string;
  sessionKey: string;
  idHash: Buffer;
}

export class LivePages {
  private readonly byUser = new Map<string, Set<Stream>>();
  private readonly bySession = new Map<string, Set<Stream>>();
  private readonly due = new Set<string>();
  private count = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unwatch: () => void;

  constructor(
    private readonly ctx: DirectoryContext,
    private readonly sessions: Sessions,
    /** The person's page as JSON now, or undefined when the person is gone. */
    private readonly build: (userId: string) => Promise<unknown | undefined>,
    heartbeatMs: number,
  ) {
    this.unwatch = ctx.watchPeople((userId) => this.touched(userId));
    this.heartbeat = setInterval(() => void this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.count;
  }

  full(): boolean {
    return this.count >= MAX_CONSOLE_STREAMS;
  }

  /** Opens the stream with `hello` and the page as it is. */
  async attach(response: ServerResponse, userId: string, userName: string, idHash: Buffer): Promise<void> {
    const page = await this.build(userId);
    response.socket?.setNoDelay(true);
    response.socket?.setTimeout(0);
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    response.write('retry: 2000\n');
    if (page === undefined) {
      write(response, ConsoleEvent.gone, { userName });
      return void response.end();
    }
    write(response, ConsoleEvent.hello, page);
    const sessionKey = idHash.toString('base64');
    const stream: Stream = { response, userId, userName, sessionKey, idHash };
    const ofSession = this.bySession.get(sessionKey) ?? new Set<Stream>();
    this.bySession.set(sessionKey, ofSession);
    for (const oldest of ofSession) {
      if (ofSession.size < STREAMS_PER_SESSION) break;
      this.detach(oldest);
      oldest.response.end();
    }
    ofSession.add(stream);
    const ofUser = this.byUser.get(userId) ?? new Set<Stream>();
    this.byUser.set(userId, ofUser);
    ofUser.add(stream);
    this.count++;
    response.on('close', () => this.detach(stream));
  }

  /** Ends every stream of a session now (signed out, or its account disabled). */
  endSession(idHash: Buffer, reason: 'signedOut' | 'disabled'): void {
    for (const stream of [...(this.bySession.get(idHash.toString('base64')) ?? [])]) this.end(stream, reason);
  }

  close(): void {
    this.unwatch();
    clearInterval(this.heartbeat);
    for (const set of this.byUser.values()) for (const stream of set) stream.response.end();
    this.byUser.clear();
    this.bySession.clear();
    this.count = 0;
  }

  private detach(stream: Stream): void {
    const ofUser = this.byUser.get(stream.userId);
    if (!ofUser?.delete(stream)) return;
    this.count--;
    if (ofUser.size === 0) this.byUser.delete(stream.userId);
    const ofSession = this.bySession.get(stream.sessionKey);
    ofSession?.delete(stream);
    if (ofSession?.size === 0) this.bySession.delete(stream.sessionKey);
  }

  private end(stream: Stream, reason: 'idle' | 'expired' | 'signedOut' | 'disabled'): void {
    this.detach(stream);
    write(stream.response, ConsoleEvent.signedOut, { reason });
    stream.response.end();
  }

  private touched(userId: string): void {
    if (!this.byUser.has(userId) || this.due.has(userId)) return;
    this.due.add(userId);
    // Several touches in one tick (a report, then the erasure it caused) make one page.
    queueMicrotask(() => void this.send(userId));
  }

  private async send(userId: string): Promise<void> {
    this.due.delete(userId);
    const streams = this.byUser.get(userId);
    if (!streams?.size) return;
    try {
      const page = await this.build(userId);
      for (const stream of [...streams]) {
        if (page === undefined) {
          this.detach(stream);
          write(stream.response, ConsoleEvent.gone, { userName: stream.userName });
          stream.response.end();
        } else write(stream.response, ConsoleEvent.person, page);
      }
    } catch (error) {
      this.ctx.logger.error('could not send a live person page', { err: { name: (error as Error).name } });
    }
  }

  private async beat(): Promise<void> {
    for (const set of [...this.bySession.values()]) {
      const first = set.values().next().value;
      if (!first) continue;
      const state = await this.sessions.alive(first.idHash).catch(() => 'alive' as const);
      for (const stream of [...set]) {
        if (state !== 'alive') this.end(stream, state);
        else stream.response.write(': heartbeat\n\n');
      }
    }
  }
}

function write(response: ServerResponse, event: ConsoleEventName, data: unknown): void {
  response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
