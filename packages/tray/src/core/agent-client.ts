/**
 * The tray app's side of the agent protocol: connect (after checking the socket
 * can be trusted), shake hands, relay pushes, and reconnect with growing delays
 * when the agent goes away. Every result and push is validated against the
 * protocol's schemas before anyone sees it.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import {
  createProtocolConnection,
  ErrorCode,
  type InitializeResult,
  type MethodName,
  type MethodParams,
  type MethodResult,
  Methods,
  type NotificationName,
  type NotificationParams,
  Notifications,
  PROTOCOL_VERSION,
} from '@pwsync/agent-protocol';
import { type Clock, systemClock } from '@pwsync/node-kit/clock';
import type { Logger } from '@pwsync/node-kit/log';
import type { TrustVerdict } from './socket-trust';

/** A refusal from the agent: a stable code and the data that goes with it. */
export class AgentCallError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown,
  ) {
    super(message);
    this.name = 'AgentCallError';
  }
}

/** The connection dropped before the agent answered: the outcome is not known. */
export class ConnectionLostError extends Error {
  constructor() {
    super('The connection to the agent was lost before it answered');
    this.name = 'ConnectionLostError';
  }
}

export type UnreachableReason = 'notRunning' | 'untrusted' | 'versionMismatch' | 'handshakeFailed';

export interface AgentClientEvents {
  connecting: [];
  connected: [InitializeResult];
  unreachable: [UnreachableReason];
  disconnected: [];
  notification: [{ [N in NotificationName]: { name: N; params: NotificationParams<N> } }[NotificationName]];
}

export interface AgentClientOptions {
  socketPath: string;
  clientVersion: string;
  logger: Logger;
  checkTrust: (socketPath: string) => Promise<TrustVerdict>;
  /** Waits between reconnection attempts and for the handshake. */
  clock?: Clock;
  /** Delays between reconnection attempts; the last one repeats. */
  retryDelaysMs?: readonly number[];
  connect?: (socketPath: string) => net.Socket;
}

const DEFAULT_RETRY_DELAYS = [250, 500, 1000, 2000, 5000];
const HANDSHAKE_TIMEOUT_MS = 5000;

export class AgentClient extends EventEmitter<AgentClientEvents> {
  private connection: MessageConnection | undefined;
  private socket: net.Socket | undefined;
  private retryHandle: unknown;
  private attempt = 0;
  private stopped = true;
  private readonly clock: Clock;

  constructor(private readonly options: AgentClientOptions) {
    super();
    this.clock = options.clock ?? systemClock;
  }

  get connected(): boolean {
    return this.connection !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connectOnce();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryHandle !== undefined) this.clock.clearTimeout(this.retryHandle);
    this.retryHandle = undefined;
    this.teardown();
  }

  /** Try again at once (the person asked, or the system woke up). */
  retryNow(): void {
    if (this.stopped || this.connection) return;
    if (this.retryHandle !== undefined) this.clock.clearTimeout(this.retryHandle);
    this.retryHandle = undefined;
    void this.connectOnce();
  }

  async request<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const connection = this.connection;
    if (!connection) throw new ConnectionLostError();
    let raw: unknown;
    try {
      raw = await connection.sendRequest(method, params);
    } catch (error) {
      // vscode-jsonrpc rejects calls in flight with its own codes (-32099..-32096) when
      // the connection ends; those are a lost connection, not an answer from the agent.
      if (error instanceof ResponseError && (error.code < -32099 || error.code > -32096)) {
        throw new AgentCallError(error.code, error.message, error.data);
      }
      throw new ConnectionLostError();
    }
    const checked = (Methods[method].result as z.ZodType).safeParse(raw);
    if (!checked.success) {
      this.options.logger.warn('the agent sent a result that does not match the protocol', { method });
      throw new AgentCallError(ErrorCode.internalError, 'Malformed result from the agent', null);
    }
    return checked.data as MethodResult<M>;
  }

  private async connectOnce(): Promise<void> {
    this.emit('connecting');
    const verdict = await this.options.checkTrust(this.options.socketPath);
    if (this.stopped) return;
    if (!verdict.trusted) {
      if (verdict.reason === 'untrusted') this.options.logger.warn('refused an untrusted agent socket', { detail: verdict.detail });
      this.emit('unreachable', verdict.reason === 'missing' ? 'notRunning' : 'untrusted');
      return this.scheduleRetry();
    }
    const socket = (this.options.connect ?? net.createConnection)(this.options.socketPath);
    this.socket = socket;
    const opened = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (this.stopped) return void socket.destroy();
    if (!opened) {
      socket.destroy();
      this.socket = undefined;
      this.emit('unreachable', 'notRunning');
      return this.scheduleRetry();
    }
    socket.on('error', () => undefined);
    const { connection } = createProtocolConnection(socket, {
      accepts: ['response', 'notification'],
      events: { refused: (reason, code) => this.options.logger.warn('refused a message from the agent', { reason, code }) },
    });
    for (const name of Object.keys(Notifications) as NotificationName[]) {
      connection.onNotification(name, (params: unknown) => {
        const checked = Notifications[name].params.safeParse(params);
        if (!checked.success) {
          this.options.logger.warn('ignored a push that does not match the protocol', { name });
          return;
        }
        this.emit('notification', { name, params: checked.data } as AgentClientEvents['notification'][0]);
      });
    }
    connection.listen();
    socket.once('close', () => this.closed(connection));
    this.connection = connection;
    try {
      const init = await withTimeout(this.request('initialize', { protocolVersion: PROTOCOL_VERSION, client: { name: 'pwsync', version: this.options.clientVersion } }), HANDSHAKE_TIMEOUT_MS, this.clock);
      this.attempt = 0;
      this.options.logger.info('connected to the agent', { agentVersion: init.agent.version, protocol: init.protocolVersion, backend: init.backend });
      this.emit('connected', init);
    } catch (error) {
      const reason: UnreachableReason = error instanceof AgentCallError && error.code === ErrorCode.unsupportedVersion ? 'versionMismatch' : 'handshakeFailed';
      this.options.logger.warn('the handshake with the agent failed', { reason, code: error instanceof AgentCallError ? error.code : null });
      this.teardown();
      this.emit('unreachable', reason);
      this.scheduleRetry();
    }
  }

  private closed(connection: MessageConnection): void {
    if (this.connection !== connection) return;
    this.teardown();
    this.options.logger.warn('the agent connection closed');
    this.emit('disconnected');
    this.scheduleRetry();
  }

  private teardown(): void {
    const connection = this.connection;
    this.connection = undefined;
    connection?.dispose();
    this.socket?.destroy();
    this.socket = undefined;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryHandle !== undefined) return;
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
    const delay = delays[Math.min(this.attempt, delays.length - 1)] ?? 1000;
    this.attempt += 1;
    this.retryHandle = this.clock.setTimeout(() => {
      this.retryHandle = undefined;
      void this.connectOnce();
    }, delay);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error('failed'));
      },
    );
  });
}
