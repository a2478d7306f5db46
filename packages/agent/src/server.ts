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
  /** Unix mode of the socket file; 0600 so only its owner can connect. */
  socketMode?: number;
  /** The user the socket is for: a root agent hands the socket file to them (see docs/agent-protocol.md, "Trust"). */
  socketOwner?: { uid: number; gid: number };
}

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
    if (process.platform !== 'win32') {
      // The folder of a system socket: root's, and no one else may write in it.
      await fs.mkdir(path.dirname(socketPath), { recursive: true, mode: 0o755 });
      // A socket file left by a killed agent makes listen fail with EADDRINUSE.
      await fs.rm(socketPath, { force: true });
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') {
      await fs.chmod(socketPath, this.options.socketMode ?? 0o600);
      const owner = this.options.socketOwner;
      if (owner) await fs.chown(socketPath, owner.uid, owner.gid);
    }
    this.options.logger.info('listening', { socket: socketPath });
  }

  async close(): Promise<void> {
    for (const undo of this.detach) undo();
    for (const session of this.sessions) {
      session.connection.dispose();
      session.socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (process.platform !== 'win32') await fs.rm(this.options.socketPath, { force: true });
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
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sessions.delete(session);
      connection.dispose();
      logger.debug('client disconnected', { connection: id });
    });
    connection.listen();
    logger.debug('client connected', { connection: id });
  }

  private async handle(session: Session, name: MethodName, params: unknown): Promise<unknown> {
    const spec = Methods[name];
    const parsed = (spec.params as z.ZodType).safeParse(params ?? {});
    if (!parsed.success) {
      // Only paths and issue codes: a value could be a password.
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), code: issue.code }));
      throw new ResponseError(ErrorCode.invalidParams, `Invalid params for ${name}`, { issues });
    }
    if (name !== 'initialize' && !session.initialized) {
      throw new ResponseError(ErrorCode.notInitialized, 'Call initialize first');
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
