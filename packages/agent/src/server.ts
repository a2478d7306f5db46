/**
 * The agent's protocol server: one Unix socket (or named pipe) per user. Every
 * connection must shake hands first; every request's params and every result are
 * validated against the protocol's schemas; pushes go to every connection of the
 * user that has shaken hands. A bad message costs only the connection that sent it.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import { AgentError } from './agent-error';
import type { AgentService } from './agent-service';
import { ensureSafeFolder, trustedOwners } from './folder-safety';
import { bindSocket, listenPrivately } from './socket-file';
import type { Logger } from '@pwsync/node-kit/log';
import { createProtocolConnection } from '@pwsync/agent-protocol';
import { ErrorCode } from '@pwsync/agent-protocol';
import { type MethodName, Methods, type NotificationName, Notifications } from '@pwsync/agent-protocol';
import type { InitializeResult } from '@pwsync/agent-protocol';
import { isCompatible, PROTOCOL_VERSION } from '@pwsync/agent-protocol';

export interface AgentServerOptions {
  socketPath: string;
  service: AgentService;
  logger: Logger;
  demo: boolean;
  /** The user the socket is for: a root agent hands the socket file to them (see docs/agent-protocol.md, "Trust"). */
  socketOwner?: { uid: number; gid: number };
}

/** The socket file as the agent made it: whoever can open it is, for the agent, the person it serves. */
const SOCKET_MODE = 0o600;

interface Session {
  id: number;
  socket: net.Socket;
  connection: MessageConnection;
  initialized: boolean;
}

export class AgentServer {
  private readonly server: net.Server;
  private readonly sessions = new Set<Session>();
  private nextId = 1;
  private readonly detach: Array<() => void> = [];
  /** The socket file's identity once listening, to know it is still ours. */
  private socketFile: { dev: number; ino: number; uid: number } | undefined;
  private closing = false;

  constructor(private readonly options: AgentServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (error) => options.logger.error('socket server error', { err: error.message }));
    this.relay('changeAdded', (change) => ({ change }));
    this.relay('changeRemoved', (changeId, reason) => ({ changeId, reason }));
    this.relay('statusChanged', (status) => ({ status }));
    this.relay('syncProgress', (progress) => progress);
  }

  async listen(): Promise<void> {
    const { socketPath } = this.options;
    if (process.platform === 'win32') {
      await listenPrivately(this.server, socketPath);
    } else {
      // The folder of a system socket: root's, and no one else may write in it.
      await ensureSafeFolder(path.dirname(socketPath), { purpose: 'socket folder', owners: trustedOwners(), createMode: 0o755 });
      await bindSocket(this.server, socketPath, this.options.socketOwner);
      const stats = await fs.lstat(socketPath);
      this.socketFile = { dev: stats.dev, ino: stats.ino, uid: stats.uid };
    }
    this.options.logger.info('listening', { socket: socketPath });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const undo of this.detach) undo();
    for (const session of this.sessions) {
      session.connection.dispose();
      session.socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Only our own socket file: never one another agent made at this path since.
    if (this.socketFile) {
      const stats = await fs.lstat(this.options.socketPath).catch(() => undefined);
      if (stats && stats.dev === this.socketFile.dev && stats.ino === this.socketFile.ino) await fs.rm(this.options.socketPath, { force: true });
      this.socketFile = undefined;
    }
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  private relay<E extends 'changeAdded' | 'changeRemoved' | 'statusChanged' | 'syncProgress'>(
    event: E,
    toParams: (...args: never[]) => unknown,
  ): void {
    const listener = (...args: unknown[]): void => {
      const params = (toParams as (...a: unknown[]) => unknown)(...args);
      this.broadcast(event, params);
    };
    this.options.service.on(event, listener as never);
    this.detach.push(() => this.options.service.off(event, listener as never));
  }

  private broadcast(name: NotificationName, params: unknown): void {
    const checked = Notifications[name].params.safeParse(params);
    if (!checked.success) {
      this.options.logger.error('refused to send a push that does not match its schema', { notification: name });
      return;
    }
    for (const session of this.sessions) {
      if (session.initialized) void session.connection.sendNotification(name, checked.data).catch(() => undefined);
    }
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    // Nothing is read from the connection until the socket file is known to be private still.
    void this.stillPrivate().then((ok) => {
      // A client that left while it was checked, or an agent that is stopping, needs no session.
      if (ok && !socket.destroyed && !this.closing) this.serve(socket);
      else socket.destroy();
    });
  }

  /**
   * The person owns their socket file and so can widen its mode. A connection that
   * arrives while it is open to others may come from another user: it is refused, and
   * the mode set back to 0600 (docs/agent-protocol.md, "Trust").
   */
  private async stillPrivate(): Promise<boolean> {
    const expected = this.socketFile;
    if (!expected) return true;
    const { socketPath, logger } = this.options;
    const stats = await fs.lstat(socketPath).catch(() => undefined);
    if (!stats || stats.dev !== expected.dev || stats.ino !== expected.ino || !stats.isSocket()) {
      logger.warn('refused a connection: the socket file was removed or replaced', { socket: socketPath });
      return false;
    }
    if ((stats.mode & 0o7777) === SOCKET_MODE && stats.uid === expected.uid) return true;
    logger.warn('refused a connection: the socket had been opened to others; set it back to 0600', { socket: socketPath, mode: (stats.mode & 0o7777).toString(8) });
    await fs.chmod(socketPath, SOCKET_MODE).catch(() => undefined);
    return false;
  }

  private serve(socket: net.Socket): void {
    const { logger } = this.options;
    const id = this.nextId++;
    const { connection } = createProtocolConnection(socket, {
      accepts: ['request', 'notification'],
      events: { refused: (reason, code) => logger.warn('refused a message', { connection: id, code, reason }) },
    });
    const session: Session = { id, socket, connection, initialized: false };
    this.sessions.add(session);
    for (const name of Object.keys(Methods) as MethodName[]) {
      connection.onRequest(name, (params: unknown) => this.handle(session, name, params));
    }
    // Any other method: the library's own answer would quote the method's name back.
    connection.onRequest(() => {
      if (!session.initialized) throw new ResponseError(ErrorCode.notInitialized, 'Call initialize first');
      throw new ResponseError(ErrorCode.methodNotFound, 'Method not found');
    });
    socket.on('close', () => {
      this.sessions.delete(session);
      connection.dispose();
      logger.debug('client disconnected', { connection: id });
    });
    connection.listen();
    logger.debug('client connected', { connection: id });
  }

  private async handle(session: Session, name: MethodName, params: unknown): Promise<unknown> {
    // Before anything else, as the protocol promises: no call but initialize is looked at before the handshake.
    if (name !== 'initialize' && !session.initialized) {
      throw new ResponseError(ErrorCode.notInitialized, 'Call initialize first');
    }
    const spec = Methods[name];
    const parsed = (spec.params as z.ZodType).safeParse(params ?? {});
    if (!parsed.success) {
      // Only paths and issue codes: a value could be a password.
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), code: issue.code }));
      throw new ResponseError(ErrorCode.invalidParams, `Invalid params for ${name}`, { issues });
    }
    try {
      const result = await this.dispatch(session, name, parsed.data);
      const checked = (spec.result as z.ZodType).safeParse(result);
      if (!checked.success) {
        this.options.logger.error('a result did not match its schema', { method: name });
        throw new ResponseError(ErrorCode.internalError, 'Internal error');
      }
      return checked.data;
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      if (error instanceof AgentError) throw new ResponseError(error.code, error.message, error.data);
      this.options.logger.error('a request failed', { method: name, err: error instanceof Error ? error.name : 'unknown' });
      throw new ResponseError(ErrorCode.internalError, 'Internal error');
    }
  }

  private async dispatch(session: Session, name: MethodName, params: unknown): Promise<unknown> {
    const { service } = this.options;
    switch (name) {
      case 'initialize':
        return this.initialize(session, params as { protocolVersion: string });
      case 'status':
        return service.status();
      case 'checkIn':
        return service.checkIn();
      case 'confirmChange': {
        const p = params as { changeId: string; previousPassword: string; newPassword: string };
        return { result: await service.confirm(p.changeId, p.previousPassword, p.newPassword) };
      }
      case 'startOver': {
        const p = params as { changeId: string; newPassword: string };
        return { result: await service.startOver(p.changeId, p.newPassword) };
      }
      case 'diagnostics':
        return service.diagnostics();
    }
  }

  private initialize(session: Session, params: { protocolVersion: string }): InitializeResult {
    if (!isCompatible(PROTOCOL_VERSION, params.protocolVersion)) {
      throw new AgentError(
        ErrorCode.unsupportedVersion,
        `This agent speaks protocol ${PROTOCOL_VERSION}; the app speaks ${params.protocolVersion}`,
        { agentVersion: PROTOCOL_VERSION, clientVersion: params.protocolVersion },
      );
    }
    session.initialized = true;
    const { service } = this.options;
    return {
      protocolVersion: PROTOCOL_VERSION,
      agent: { name: 'pwsync-agent', version: service.version },
      platform: service.backend.platform,
      backend: service.backend.name,
      user: service.user,
      demo: this.options.demo,
      capabilities: { confirmChange: service.backend.mode === 'confirm', newKeychain: service.status().policy.newKeychainAllowed, diagnostics: true },
    };
  }
}
