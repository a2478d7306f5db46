/**
 * The one framing of the agent protocol, used by both the agent and the tray app:
 * vscode-jsonrpc's Content-Length frames over a stream socket, with two guards the
 * library does not have. A frame larger than the limit is refused before its body
 * is buffered, and every message's JSON-RPC envelope is checked before dispatch, so
 * nothing malformed reaches a handler or the library's logger (which would print it).
 */
import type { Duplex } from 'node:stream';
import {
  createMessageConnection,
  type Disposable,
  type Message,
  type MessageConnection,
  type RAL,
  ReadableStreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { z } from 'zod';
import { ErrorCode } from './errors';

/** No legitimate message comes near this; the status and diagnostics are a few KB. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_HEADER_BYTES = 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

export class FrameError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/**
 * Checks each frame's header as bytes arrive: it must end within 1 KiB and declare
 * a Content-Length no larger than the limit. vscode-jsonrpc would otherwise buffer
 * whatever length a peer declares (it has no limit of its own). The bytes themselves
 * pass on unchanged; the check runs in the socket's own data callback, so it costs
 * no extra stream hop.
 */
export class FrameScanner {
  private header = Buffer.alloc(0);
  private bodyLeft = 0;
  private broken = false;

  constructor(private readonly maxBytes: number) {}

  /** How many leading bytes of this chunk are well framed, and the fault after them if any. */
  scan(chunk: Buffer): { ok: number; error?: FrameError } {
    if (this.broken) return { ok: 0 };
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= take;
        offset += take;
        continue;
      }
      const rest = chunk.subarray(offset);
      const joined = this.header.length > 0 ? Buffer.concat([this.header, rest]) : rest;
      const end = joined.indexOf(HEADER_END);
      if (end === -1) {
        if (joined.length > MAX_HEADER_BYTES) return this.fail(offset, new FrameError('Frame header too long', ErrorCode.invalidRequest));
        this.header = Buffer.from(joined);
        return { ok: chunk.length };
      }
      const frameStart = offset - this.header.length;
      if (end > MAX_HEADER_BYTES) return this.fail(frameStart, new FrameError('Frame header too long', ErrorCode.invalidRequest));
      const length = contentLength(joined.subarray(0, end).toString('ascii'));
      if (length === undefined) return this.fail(frameStart, new FrameError('Frame header has no valid Content-Length', ErrorCode.invalidRequest));
      // A fixed message: never the length the peer declared.
      if (length > this.maxBytes) return this.fail(frameStart, new FrameError('Message too large', ErrorCode.messageTooLarge));
      // What followed the header in this chunk is body (or the next frame).
      offset += end + HEADER_END.length - this.header.length;
      this.header = Buffer.alloc(0);
      this.bodyLeft = length;
    }
    return { ok: chunk.length };
  }

  private fail(frameStart: number, error: FrameError): { ok: number; error: FrameError } {
    // Frames cannot be resynchronised after a bad header: nothing after it is read.
    this.broken = true;
    this.header = Buffer.alloc(0);
    return { ok: Math.max(0, frameStart), error };
  }
}

/** The socket as vscode-jsonrpc's reader sees it, with the scanner in its data path. */
function guardedReadable(socket: Duplex, scanner: FrameScanner, onViolation: (error: FrameError) => void): RAL.ReadableStream {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the socket's listeners take any arguments
  const on = (event: string, listener: (...args: any[]) => void): Disposable => {
    socket.on(event, listener);
    return { dispose: () => void socket.off(event, listener) };
  };
  return {
    onData: (listener) =>
      on('data', (chunk: Buffer) => {
        const { ok, error } = scanner.scan(chunk);
        if (ok > 0) listener(ok === chunk.length ? chunk : chunk.subarray(0, ok));
        if (error) onViolation(error);
      }),
    onClose: (listener) => on('close', listener),
    onError: (listener) => on('error', listener),
    onEnd: (listener) => on('end', listener),
  };
}

function contentLength(header: string): number | undefined {
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) return undefined;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,10}$/.test(value)) return undefined;
    return Number(value);
  }
  return undefined;
}

const Id = z.union([z.number().int(), z.string().max(64)]);
const Params = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional();
const Method = z.string().min(1).max(64);
const RequestEnvelope = z.strictObject({ jsonrpc: z.literal('2.0'), id: Id, method: Method, params: Params });
const NotificationEnvelope = z.strictObject({ jsonrpc: z.literal('2.0'), method: Method, params: Params });
const ResultEnvelope = z.strictObject({ jsonrpc: z.literal('2.0'), id: Id.nullable(), result: z.unknown() });
const ErrorEnvelope = z.strictObject({
  jsonrpc: z.literal('2.0'),
  id: Id.nullable(),
  error: z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }),
});

export type EnvelopeKind = 'request' | 'notification' | 'response';

/**
 * Which kind of JSON-RPC message this is, or undefined when it is none of them.
 * The keys present pick the one schema to check, so each message is parsed once.
 */
export function envelopeKind(message: unknown): EnvelopeKind | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  if (hasOwn(message, 'method')) {
    if (hasOwn(message, 'id')) return RequestEnvelope.safeParse(message).success ? 'request' : undefined;
    return NotificationEnvelope.safeParse(message).success ? 'notification' : undefined;
  }
  if (hasOwn(message, 'result')) return ResultEnvelope.safeParse(message).success ? 'response' : undefined;
  if (hasOwn(message, 'error')) return ErrorEnvelope.safeParse(message).success ? 'response' : undefined;
  return undefined;
}

function hasOwn(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key);
}

export interface ProtocolEvents {
  /** A frame or message was refused; the peer has been told when it could be. */
  refused(reason: string, code: number): void;
}

export interface ProtocolConnection {
  connection: MessageConnection;
  /** Sends an error response directly (for messages that never reached a handler). */
  sendError(id: number | string | null, code: number, message: string): Promise<void>;
}

/** Which kinds of message this side accepts: a server takes requests, a client responses and pushes. */
export interface ProtocolOptions {
  accepts: readonly EnvelopeKind[];
  maxMessageBytes?: number;
  events: ProtocolEvents;
}

export function createProtocolConnection(socket: Duplex, options: ProtocolOptions): ProtocolConnection {
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const writer = new StreamMessageWriter(socket);
  const sendError = (id: number | string | null, code: number, message: string): Promise<void> => {
    if (!socket.writable) return Promise.resolve();
    return writer.write({ jsonrpc: '2.0', id, error: { code, message } } as Message).catch(() => undefined);
  };
  const readable = guardedReadable(socket, new FrameScanner(maxBytes), (error) => {
    options.events.refused(error.message, error.code);
    // The stream cannot be trusted after a framing fault: say why, then end this connection only.
    void sendError(null, error.code, error.message).finally(() => socket.end());
  });
  const reader = new ReadableStreamMessageReader(readable);
  const connection = createMessageConnection(reader, writer, silentLogger(options.events), {
    messageStrategy: {
      handleMessage(message, next) {
        const kind = envelopeKind(message);
        if (kind !== undefined && options.accepts.includes(kind)) return next(message);
        const id = idOf(message);
        options.events.refused(kind === undefined ? 'Not a JSON-RPC 2.0 message' : `Unexpected ${kind}`, ErrorCode.invalidRequest);
        // An error response is the one thing never answered: two peers that each refuse
        // the other's errors would otherwise answer each other for ever.
        if (!(kind === 'response' && hasOwn(message, 'error'))) void sendError(id, ErrorCode.invalidRequest, 'Invalid JSON-RPC 2.0 request');
      },
    },
  });
  connection.onError(([error]) => {
    // The reader reports JSON that does not parse here; the frame itself was whole.
    options.events.refused(`Unreadable message: ${error.name}`, ErrorCode.parseError);
    void sendError(null, ErrorCode.parseError, 'Parse error');
  });
  return { connection, sendError };
}

function idOf(message: unknown): number | string | null {
  if (typeof message !== 'object' || message === null) return null;
  const id = (message as { id?: unknown }).id;
  return typeof id === 'number' || (typeof id === 'string' && id.length <= 64) ? id : null;
}

/**
 * vscode-jsonrpc's own log lines can quote a whole message, params included; those
 * could carry a password, so only the first line (which never holds the payload) is kept.
 */
function silentLogger(events: ProtocolEvents) {
  const firstLine = (text: string): string => text.split('\n', 1)[0]?.slice(0, 200) ?? '';
  return {
    error: (text: string) => events.refused(firstLine(text), ErrorCode.internalError),
    warn: (text: string) => events.refused(firstLine(text), ErrorCode.internalError),
    info: () => undefined,
    log: () => undefined,
  };
}
