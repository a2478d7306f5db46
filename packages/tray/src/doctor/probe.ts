/**
 * What `pwsync doctor` finds out about the agent, step by step, stopping at the
 * first thing that is wrong: the socket exists, it is trusted (the same check the
 * tray app makes before it sends a password), the agent answers, and it speaks
 * this app's protocol version. Then what the agent says about itself. Only the
 * core's own client is used, so the doctor sees exactly what the tray app sees.
 */
import { promises as fs } from 'node:fs';
import { type Diagnostics, type InitializeResult, isCompatible, PROTOCOL_VERSION } from '@pwsync/agent-protocol';
import { AgentClient, type UnreachableReason } from '../core/agent-client';
import { silentLogger } from '@pwsync/node-kit/log';
import { checkSocketTrust, type TrustVerdict } from '../core/socket-trust';

export type Verdict = 'healthy' | 'socketMissing' | 'socketUntrusted' | 'agentUnreachable' | 'versionMismatch';

/** Documented in docs/doctor.md; scripts depend on them, so they never change meaning. */
export const EXIT_CODES: Record<Verdict | 'internalError' | 'usage', number> = {
  healthy: 0,
  internalError: 1,
  usage: 2,
  socketMissing: 3,
  socketUntrusted: 4,
  agentUnreachable: 5,
  versionMismatch: 6,
};

export interface SocketFindings {
  path: string;
  exists: boolean;
  trusted: boolean | null;
  trustKind: 'system' | 'demo' | null;
  /** Why it is not trusted, in words. */
  trustDetail: string | null;
  /** The agent answered (its handshake, or a refusal of this app's protocol version); null when not tried. */
  reachable: boolean | null;
  /** What was seen instead of an answer, or what the answer was, in words. */
  reachDetail: string | null;
  protocolVersion: string | null;
}

export interface ProbeResult {
  verdict: Verdict;
  socket: SocketFindings;
  init: InitializeResult | null;
  diagnostics: Diagnostics | null;
}

export interface ProbeOptions {
  socketPath: string;
  demo: boolean;
  clientVersion: string;
  platform?: NodeJS.Platform;
  timeoutMs?: number;
}

export async function probeAgent(options: ProbeOptions): Promise<ProbeResult> {
  const socket: SocketFindings = {
    path: options.socketPath,
    exists: false,
    trusted: null,
    trustKind: null,
    trustDetail: null,
    reachable: null,
    reachDetail: null,
    protocolVersion: null,
  };
  const result = (verdict: Verdict, init: InitializeResult | null = null, diagnostics: Diagnostics | null = null): ProbeResult => ({
    verdict,
    socket,
    init,
    diagnostics,
  });
  const platform = options.platform ?? process.platform;
  // A named pipe has no file to look at; its ACL is the agent's to set.
  socket.exists = platform === 'win32' ? true : await fs.lstat(options.socketPath).then(() => true, () => false);
  if (!socket.exists) return result('socketMissing');

  const verdict: TrustVerdict = await checkSocketTrust(options.socketPath, { demo: options.demo, platform });
  socket.trusted = verdict.trusted;
  if (!verdict.trusted) {
    socket.trustDetail = verdict.detail;
    return result(verdict.reason === 'missing' ? 'socketMissing' : 'socketUntrusted');
  }
  socket.trustKind = verdict.kind;

  const client = new AgentClient({
    socketPath: options.socketPath,
    clientVersion: options.clientVersion,
    logger: silentLogger,
    checkTrust: async () => verdict,
    // One attempt: the doctor reports, it does not wait for the agent to come back.
    retryDelaysMs: [3_600_000],
  });
  try {
    const outcome = await firstOutcome(client, options.timeoutMs ?? 8000);
    if (outcome.kind === 'unreachable') {
      // "Reachable" only when the agent answered, so the report never says yes above an
      // agent it could not reach: a refused version is an answer, a socket that takes the
      // connection and then says nothing (or nothing the protocol knows) is not.
      socket.reachable = outcome.reason === 'versionMismatch';
      socket.reachDetail = REACH_DETAIL[outcome.reason];
      return result(outcome.reason === 'versionMismatch' ? 'versionMismatch' : 'agentUnreachable');
    }
    socket.reachable = true;
    socket.protocolVersion = outcome.init.protocolVersion;
    if (!isCompatible(PROTOCOL_VERSION, outcome.init.protocolVersion)) {
      socket.reachDetail = `the agent answered with protocol ${outcome.init.protocolVersion}, which this app (${PROTOCOL_VERSION}) does not speak`;
      return result('versionMismatch', outcome.init);
    }
    const diagnostics = outcome.init.capabilities.diagnostics ? await client.request('diagnostics', {}).catch(() => null) : null;
    return result('healthy', outcome.init, diagnostics);
  } finally {
    client.stop();
  }
}

const REACH_DETAIL: Record<UnreachableReason, string> = {
  notRunning: 'nothing accepts connections on the socket',
  untrusted: 'the socket is not trusted',
  handshakeFailed: 'the socket takes connections, but no agent answered the handshake',
  versionMismatch: `the agent answered, and refused this app's protocol version ${PROTOCOL_VERSION}`,
};

type Outcome = { kind: 'connected'; init: InitializeResult } | { kind: 'unreachable'; reason: UnreachableReason };

function firstOutcome(client: AgentClient, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'unreachable', reason: 'handshakeFailed' }), timeoutMs);
    client.once('connected', (init) => {
      clearTimeout(timer);
      resolve({ kind: 'connected', init });
    });
    client.once('unreachable', (reason) => {
      clearTimeout(timer);
      resolve({ kind: 'unreachable', reason });
    });
    client.start();
  });
}
