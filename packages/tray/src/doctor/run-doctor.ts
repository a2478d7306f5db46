/**
 * `pwsync doctor [--json] [--socket PATH] [--demo] [--policy FILE]`: what support
 * asks for first, in one run (docs/doctor.md). Everything printed is built from
 * data that holds no secret and then passed through redaction anyway.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { demoRuntimeDir, type Platform, PROTOCOL_VERSION, systemSocketPath } from '@pwsync/agent-protocol';
import { hostPlatform } from '../core/create-core';
import { appLogFile } from '../core/log-paths';
import { isoTime, systemClock, type Clock } from '@pwsync/node-kit/clock';
import { silentLogger } from '@pwsync/node-kit/log';
import type { LoadedPolicy } from '../core/policy';
import { policyLines } from '../core/diagnostics';
import { loadSystemPolicy, policySources } from '../core/policy-loader';
import { redactText, redactValue } from '@pwsync/node-kit/redact';
import { EXIT_CODES, probeAgent, type ProbeResult, type Verdict } from './probe';

export const USAGE = `Usage: pwsync doctor [--json] [--socket PATH] [--demo] [--policy FILE]

Checks the pwsync agent this computer's tray app talks to, and prints what support
needs: versions, platform, the agent's state, the policy in effect, and where the
logs are. It never prints a password.

  --json          one JSON object instead of text (for scripts and support tools)
  --socket PATH   the agent's socket (default: this user's system socket)
  --demo          trust a development socket in your own folder, as demo mode does
  --policy FILE   read this policy file instead of the system one (on macOS a
                  profile's managed preferences still apply over it)
  --help          this text

Exit codes: 0 healthy, 1 doctor failed, 2 usage, 3 no socket, 4 socket not trusted,
5 agent not answering, 6 protocol version mismatch (docs/doctor.md).`;

export interface DoctorIo {
  write(text: string): void;
  env: NodeJS.ProcessEnv;
  appVersion: string;
  platform?: Platform;
  /** When the report says it was made. */
  clock?: Pick<Clock, 'now'>;
}

export interface DoctorReport {
  verdict: Verdict;
  exitCode: number;
  generatedAt: string;
  app: { version: string; platform: Platform; osRelease: string; protocolVersion: string };
  socket: ProbeResult['socket'];
  agent: null | {
    version: string;
    protocolVersion: string;
    backend: string;
    user: string;
    demo: boolean;
    uptimeSeconds: number | null;
    directory: { state: string; lastCheckIn: string | null } | null;
    pendingChange: { id: string; provider: string; createdAt: string; mode: string } | null;
    attempts: { left: number; lockedUntil: string | null } | null;
    lastResults: Array<{ changeId: string; outcome: string; finishedAt: string; failedStep: string | null; failureReason: string | null }>;
  };
  policy: { source: string; values: LoadedPolicy['policy']; sources: LoadedPolicy['fieldSources']; problems: LoadedPolicy['problems'] };
  logs: { app: string; agent: string };
  nextStep: string | null;
}

export async function runDoctor(argv: string[], io: DoctorIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        socket: { type: 'string' },
        demo: { type: 'boolean' },
        policy: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch {
    io.write(`${USAGE}\n`);
    return EXIT_CODES.usage;
  }
  if (values.help) {
    io.write(`${USAGE}\n`);
    return 0;
  }
  const platform = io.platform ?? hostPlatform();
  const demo = values.demo === true;
  const user = os.userInfo();
  const socketPath = values.socket ?? io.env.PWSYNC_SOCKET ?? (demo ? `${demoRuntimeDir(io.env, user.uid)}/agent.sock` : systemSocketPath(platform, user.username, user.uid));

  const probe = await probeAgent({ socketPath, demo, clientVersion: io.appVersion, platform });
  const policy = await loadSystemPolicy(policySources(platform, { env: io.env, username: user.username, file: values.policy }), silentLogger);
  const report = buildReport(probe, policy, io, platform);
  io.write(values.json ? `${JSON.stringify(redactValue(report), null, 2)}\n` : `${redactText(formatReport(report))}\n`);
  return report.exitCode;
}

const NEXT_STEPS: Record<Verdict, string | null> = {
  healthy: null,
  socketMissing: 'The pwsync agent is not running for this user. Restart the computer; if this stays, reinstall the pwsync agent.',
  socketUntrusted: 'The socket is not set up the way the agent sets it up, so the app will not send a password to it. Reinstall the pwsync agent, or (for a demo agent) run with --demo.',
  agentUnreachable: 'The socket is there but the agent does not answer. Restart the pwsync agent service, or the computer.',
  versionMismatch: 'The app and the agent speak different protocol versions. Update both to the same release.',
};

export function buildReport(probe: ProbeResult, policy: LoadedPolicy, io: DoctorIo, platform: Platform): DoctorReport {
  const { init, diagnostics } = probe;
  return {
    verdict: probe.verdict,
    exitCode: EXIT_CODES[probe.verdict],
    generatedAt: isoTime(io.clock ?? systemClock),
    app: { version: io.appVersion, platform, osRelease: os.release(), protocolVersion: PROTOCOL_VERSION },
    socket: probe.socket,
    agent: init && {
      version: init.agent.version,
      protocolVersion: init.protocolVersion,
      backend: init.backend,
      user: init.user,
      demo: init.demo,
      uptimeSeconds: diagnostics?.uptimeSeconds ?? null,
      directory: diagnostics ? { state: diagnostics.directory.state, lastCheckIn: diagnostics.directory.lastCheckIn } : null,
      pendingChange: diagnostics?.pendingChange
        ? { id: diagnostics.pendingChange.id, provider: diagnostics.pendingChange.provider, createdAt: diagnostics.pendingChange.createdAt, mode: diagnostics.pendingChange.mode }
        : null,
      attempts: diagnostics ? { left: diagnostics.attempts.left, lockedUntil: diagnostics.attempts.lockedUntil } : null,
      lastResults: (diagnostics?.history ?? [])
        .slice(0, 5)
        .map((r) => ({ changeId: r.changeId, outcome: r.outcome, finishedAt: r.finishedAt, failedStep: r.failedStep, failureReason: r.failureReason ?? null })),
    },
    policy: { source: policy.source, values: policy.policy, sources: policy.fieldSources, problems: policy.problems },
    logs: { app: appLogFile(platform, io.env), agent: "the agent service's own log (docs/deployment.md, Logs)" },
    nextStep: NEXT_STEPS[probe.verdict],
  };
}

const yesNo = (value: boolean | null) => (value === null ? 'not checked' : value ? 'yes' : 'no');

export function formatReport(report: DoctorReport): string {
  const { socket, agent, policy } = report;
  const lines = [
    `pwsync doctor, ${report.generatedAt}`,
    '',
    `App:        pwsync ${report.app.version} on ${report.app.platform} (${report.app.osRelease}), protocol ${report.app.protocolVersion}`,
    `Socket:     ${socket.path}`,
    `  exists:     ${yesNo(socket.exists)}`,
    `  trusted:    ${yesNo(socket.trusted)}${socket.trustKind ? ` (${socket.trustKind === 'demo' ? 'a demo socket' : 'the system socket'})` : ''}${socket.trustDetail ? ` (${socket.trustDetail})` : ''}`,
    `  reachable:  ${yesNo(socket.reachable)}`,
    `  protocol:   ${socket.protocolVersion ?? 'not known'}`,
  ];
  if (agent) {
    lines.push(
      `Agent:      ${agent.version}, ${agent.backend} backend, user ${agent.user}${agent.demo ? ', demo' : ''}`,
      `  up for:     ${agent.uptimeSeconds ?? '?'} s`,
      `  directory:  ${agent.directory ? `${agent.directory.state}, last check-in ${agent.directory.lastCheckIn ?? 'never'}` : 'not known'}`,
      `  pending:    ${agent.pendingChange ? `${agent.pendingChange.id} from ${agent.pendingChange.provider} since ${agent.pendingChange.createdAt} (${agent.pendingChange.mode})` : 'none'}`,
      `  attempts:   ${agent.attempts ? `${agent.attempts.left} left${agent.attempts.lockedUntil ? `, locked until ${agent.attempts.lockedUntil}` : ''}` : 'not known'}`,
      `  last results:${agent.lastResults.length === 0 ? ' none' : ''}`,
      ...agent.lastResults.map((r) => `    ${r.finishedAt} ${r.changeId} ${r.outcome}${r.failedStep ? ` at ${r.failedStep}` : ''}${r.failureReason ? `: ${r.failureReason}` : ''}`),
    );
  } else {
    lines.push('Agent:      not reached');
  }
  lines.push(`Policy:     from ${policy.source}`);
  lines.push(...policyLines({ policy: policy.values, source: policy.source, fieldSources: policy.sources, problems: policy.problems }, '  '));
  lines.push('Logs:', `  app:    ${report.logs.app}`, `  agent:  ${report.logs.agent}`, '');
  lines.push(`Result:     ${report.verdict} (exit ${report.exitCode})`);
  if (report.nextStep) lines.push(`Next step:  ${report.nextStep}`);
  return lines.join('\n');
}
