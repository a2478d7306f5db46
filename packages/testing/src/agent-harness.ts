/** A real agent (service + server) on a real socket in a temporary folder, in this process. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { AgentService, type AgentPolicy } from '@pwsync/agent/agent-service';
import type { BackendDiagnostics, PlatformBackend } from '@pwsync/agent/backends/backend';
import { SandboxBackend } from '@pwsync/agent/backends/sandbox';
import { hashesFor, newChangeId } from '@pwsync/agent/demo-seed';
import { createLogger } from '@pwsync/node-kit/logger';
import type { AgentStatus, PendingChange } from '@pwsync/agent-protocol';
import { AgentServer } from '@pwsync/agent/server';
import { makeTempDir } from './processes';
import { seedAccount } from './seed';

export const USER = os.userInfo().username;

export interface Harness {
  dir: string;
  socketPath: string;
  stateDir: string;
  change: PendingChange;
  service: AgentService;
  server: AgentServer;
  logs: () => string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
  sandboxFile(part: 'account' | 'keychain' | 'filevault'): string;
  /** The identity provider changes the password again: a newer change to `next` replaces the one waiting. */
  newerChange(next: string): Promise<PendingChange>;
}

export interface HarnessOptions {
  /** What the backend reports for support (the darwin backend's `mac`, say), answered by the sandbox backend here. */
  backendDiagnostics?: BackendDiagnostics;
}

export async function startHarness(passwords: { previous: string; next: string }, policy?: AgentPolicy, options: HarnessOptions = {}): Promise<Harness> {
  const dir = makeTempDir();
  const socketPath = path.join(dir, 'agent.sock');
  const stateDir = path.join(dir, 'state');
  const change = await seedAccount(stateDir, USER, passwords.previous, passwords.next);
  let logText = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ name: 'pwsync-agent', level: 'debug', destination });
  const make = async () => {
    const sandbox = new SandboxBackend(stateDir);
    const facts = options.backendDiagnostics;
    const backend: PlatformBackend = facts ? Object.assign(sandbox, { diagnostics: () => Promise.resolve(facts) }) : sandbox;
    const service = new AgentService({ stateDir, user: USER, backend, logger, version: '0.1.0', policy });
    await service.load();
    const server = new AgentServer({ socketPath, service, logger, demo: true });
    await server.listen();
    return { service, server };
  };
  let current = await make();
  const harness: Harness = {
    dir,
    socketPath,
    stateDir,
    change,
    get service() {
      return current.service;
    },
    get server() {
      return current.server;
    },
    logs: () => logText,
    restart: async () => {
      await current.server.close();
      current = await make();
    },
    stop: () => current.server.close(),
    remove: async () => {
      await current.server.close().catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
    sandboxFile: (part) => path.join(SandboxBackend.folder(stateDir, USER), `${part}.json`),
    async newerChange(next) {
      const newer: PendingChange = { id: newChangeId(), createdAt: new Date().toISOString(), provider: 'Okta', mode: 'confirm' };
      await current.service.receiveChange(newer, await hashesFor(next, 1000));
      return newer;
    },
  };
  return harness;
}

/** The agent's status once `predicate` holds: at once, or at the status change that makes it true (rejects after `timeoutMs`). */
export function statusUntil(h: Harness, predicate: (s: AgentStatus) => boolean, timeoutMs = 3000): Promise<AgentStatus> {
  return new Promise((resolve, reject) => {
    if (predicate(h.service.status())) return resolve(h.service.status());
    const timer = setTimeout(() => reject(new Error(`never: ${JSON.stringify(h.service.status())}`)), timeoutMs);
    const listener = (s: AgentStatus) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      h.service.off('statusChanged', listener);
      resolve(s);
    };
    h.service.on('statusChanged', listener);
  });
}
