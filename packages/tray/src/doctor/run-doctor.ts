/**
 * `pwsync doctor [--json] [--socket PATH] [--demo] [--policy FILE]`: what support
 * asks for first, in one run (docs/doctor.md). Everything printed is built from
 * data that holds no secret and then passed through redaction anyway.
 *
 * With --demo it reads what npm start says about the demo it runs (demo.json in the
 * demo's runtime folder): the socket, the policy the demo's tray app uses and its log,
 * so the report is about that demo and not about an installed app's defaults.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { demoRuntimeDir, type MacDiagnostics, type Platform, PROTOCOL_VERSION, systemSocketPath } from '@pwsync/agent-protocol';
import { type DemoRun, readDemoState } from '@pwsync/agent-protocol/demo-state';
import { hostPlatform } from '../core/create-core';
import { appLogFile } from '../core/log-paths';
import { isoTime, systemClock, type Clock } from '@pwsync/node-kit/clock';
import { silentLogger } from '@pwsync/node-kit/log';
import type { LoadedPolicy } from '../core/policy';
import { macFacts, policyLines } from '../core/diagnostics';
import { demoPolicy, loadPolicy, loadSystemPolicy, policySources } from '../core/policy-loader';
import { redactText, redactValue } from '@pwsync/node-kit/redact';
import { existingFile, latestSupportCode, type LoggedSupportCode } from './app-log';
import { EXIT_CODES, probeAgent, type ProbeResult, type Verdict } from './probe';

export const USAGE = `Usage: pwsync doctor [--json] [--socket PATH] [--demo] [--policy FILE]

Checks the pwsync agent this computer's tray app talks to, and prints what support
needs: versions, platform, the agent's state, the policy in effect, where the logs
are, and the support code of the app's latest diagnostics report. It never prints a
password.

  --json          one JSON object instead of text (for scripts and support tools)
  --socket PATH   the agent's socket (default: this user's system socket)
  --demo          check the demo npm start runs: its socket (trusted in your own
                  folder, as demo mode does), its policy and its log
  --policy FILE   read this policy file instead of the one the app uses (on macOS
                  a profile's managed preferences still apply over the system's)
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
  /** With --demo: the demo npm start runs here, as its record in the demo's folder says. */
  demo: null | { folder: string; state: 'running' | 'stopped' | 'none' | 'unreadable'; pid: number | null; startedAt: string | null };
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
    /** The darwin backend's findings (protocol 1.3): what the Mac's password depends on; null from another backend or an older agent. */
    mac: MacDiagnostics | null;
  };
  policy: { source: string; values: LoadedPolicy['policy']; sources: LoadedPolicy['fieldSources']; problems: LoadedPolicy['problems'] };
  /** The app's log file, or null when there is none yet; the agent's, in words. */
  logs: { app: string | null; agent: string };
  /** The code of the app's latest diagnostics report, from its log: the one Help shows while the state stays the same. */
  supportCode: LoggedSupportCode | null;
  nextStep: string | null;
}

const OPTIONS = {
  json: { type: 'boolean' },
  socket: { type: 'string' },
  demo: { type: 'boolean' },
  policy: { type: 'string' },
  help: { type: 'boolean' },
} as const;

type Options = { json?: boolean; socket?: string; demo?: boolean; policy?: string; help?: boolean };

/** The options, or what is wrong with them, naming the option. */
export function parseDoctorArgs(argv: string[]): { ok: true; values: Options } | { ok: false; problem: string } {
  const { values, tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') return { ok: false, problem: `unexpected argument ${token.value}` };
    if (token.kind !== 'option') continue;
    const option = (OPTIONS as Record<string, { type: 'boolean' | 'string' }>)[token.name];
    if (!option) return { ok: false, problem: `unknown option ${token.rawName}` };
    // "--socket --json" would take "--json" for the path.
    if (option.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) return { ok: false, problem: `${token.rawName} needs a value` };
    if (option.type === 'boolean' && token.value !== undefined) return { ok: false, problem: `${token.rawName} takes no value` };
  }
  return { ok: true, values: values as Options };
}

export async function runDoctor(argv: string[], io: DoctorIo): Promise<number> {
  const parsed = parseDoctorArgs(argv);
  if (!parsed.ok) {
    io.write(`pwsync doctor: ${parsed.problem}\n\n${USAGE}\n`);
    return EXIT_CODES.usage;
  }
  const { values } = parsed;
  if (values.help) {
    io.write(`${USAGE}\n`);
    return 0;
  }
  const platform = io.platform ?? hostPlatform();
  const demo = values.demo === true;
  const user = os.userInfo();
  const demoFolder = demoRuntimeDir(io.env, user.uid);
  const demoRun = demo ? readDemoState(demoFolder) : null;
  const running = demoRun?.kind === 'running' ? demoRun.demo : null;
  const socketPath =
    values.socket ?? io.env.PWSYNC_SOCKET ?? (demo ? (running?.socketPath ?? `${demoFolder}/agent.sock`) : systemSocketPath(platform, user.username, user.uid));

  const probe = await probeAgent({ socketPath, demo, clientVersion: io.appVersion, platform });
  const policy = await policyInUse(values.policy, demo, running, platform, io.env, user.username);
  // The demo's tray app logs where npm start tells it to; without a running demo there is no demo log.
  const appLog = demo ? (running?.appLog ? await existingFile(running.appLog) : null) : await existingFile(appLogFile(platform, io.env));
  const supportCode = appLog ? await latestSupportCode(appLog) : null;
  const report = buildReport(probe, policy, io, platform, { demo, demoRun, demoFolder, appLog, supportCode });
  io.write(values.json ? `${JSON.stringify(redactValue(report), null, 2)}\n` : `${redactText(formatReport(report))}\n`);
  return report.exitCode;
}

/** The policy the app being checked uses: the file named here, else the demo's (its file, or its own stand-in), else the system's. */
function policyInUse(
  file: string | undefined,
  demo: boolean,
  running: { policy?: { file: string } | { identityProvider: string } | null } | null,
  platform: Platform,
  env: NodeJS.ProcessEnv,
  username: string,
): Promise<LoadedPolicy> {
  // The system's policy is its file with the configuration profiles' managed preferences over it, as the app reads it.
  if (!demo) return loadSystemPolicy(policySources(platform, { env, username, file }), silentLogger);
  if (file) return loadPolicy(file, silentLogger);
  const source = running?.policy;
  if (source && 'file' in source) return loadPolicy(source.file, silentLogger);
  // npm start's tray app plays an administrator with the demo's own policy unless given a file.
  return Promise.resolve(demoPolicy(source?.identityProvider));
}

/** What only a demo check adds: the demo's record, its log and the code logged there. */
export interface Findings {
  demo: boolean;
  demoRun: DemoRun | null;
  demoFolder: string;
  appLog: string | null;
  supportCode: LoggedSupportCode | null;
}

const NEXT_STEPS: Record<Verdict, string | null> = {
  healthy: null,
  socketMissing: 'The pwsync agent is not running for this user. Restart the computer; if this stays, reinstall the pwsync agent.',
  socketUntrusted: 'The socket is not set up the way the agent sets it up, so the app will not send a password to it. Reinstall the pwsync agent, or (for a demo agent) run with --demo.',
  agentUnreachable: 'The socket is there but the agent does not answer. Restart the pwsync agent service, or the computer.',
  versionMismatch: 'The app and the agent speak different protocol versions. Update both to the same release.',
};

/** On a Mac the agent is a LaunchDaemon from the pwsync package (docs/install.md, macOS; docs/support-guide.md). */
const MAC_NEXT_STEPS: Record<Verdict, string | null> = {
  healthy: null,
  socketMissing:
    'The pwsync agent is not running for this user. An administrator runs sudo /usr/local/libexec/pwsync/audit and reads /Library/Logs/pwsync/pwsync-agent.log; if it stays, reinstall the pwsync package.',
  socketUntrusted: 'The socket is not set up the way the agent sets it up, so the app will not send a password to it. Reinstall the pwsync package, or (for a demo agent) run with --demo.',
  agentUnreachable: 'The socket is there but the agent does not answer. An administrator restarts it with sudo launchctl kickstart -k system/org.pwsync.agent, or restart the Mac.',
  versionMismatch: NEXT_STEPS.versionMismatch,
};

/** The demo has no service, package or restart to offer: npm start is what starts its agent. */
const DEMO_NEXT_STEPS: Record<Verdict, string | null> = {
  healthy: null,
  socketMissing: "No demo agent is running for this user. Start the demo with npm start (in pwsync's source folder), then run this again.",
  socketUntrusted: "The socket is not set up the way npm start sets up the demo's, so the app will not send a password to it. Stop the demo (Ctrl-C in its terminal) and run npm start again.",
  agentUnreachable: "The demo's socket is there, but its agent does not answer. Stop the demo (Ctrl-C in its terminal) and run npm start again.",
  versionMismatch: 'The demo agent and this doctor speak different protocol versions, so they come from different builds. Stop the demo, then run npm start again: it builds both.',
};

function demoView(findings: Findings): DoctorReport['demo'] {
  const run = findings.demoRun;
  if (!findings.demo || !run) return null;
  const known = run.kind === 'running' || run.kind === 'stale' ? run.demo : null;
  const state = run.kind === 'running' ? 'running' : run.kind === 'stale' ? 'stopped' : run.kind;
  return { folder: known?.folder ?? findings.demoFolder, state, pid: known?.pid ?? null, startedAt: known?.startedAt ?? null };
}

const NO_FINDINGS: Findings = { demo: false, demoRun: null, demoFolder: '', appLog: null, supportCode: null };

export function buildReport(probe: ProbeResult, policy: LoadedPolicy, io: DoctorIo, platform: Platform, findings: Findings = NO_FINDINGS): DoctorReport {
  const { init, diagnostics } = probe;
  return {
    verdict: probe.verdict,
    exitCode: EXIT_CODES[probe.verdict],
    generatedAt: isoTime(io.clock ?? systemClock),
    app: { version: io.appVersion, platform, osRelease: os.release(), protocolVersion: PROTOCOL_VERSION },
    socket: probe.socket,
    demo: demoView(findings),
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
      mac: diagnostics?.mac ?? null,
    },
    policy: { source: policy.source, values: policy.policy, sources: policy.fieldSources, problems: policy.problems },
    logs: {
      app: findings.appLog,
      agent: findings.demo ? "none: the demo's agent keeps no log file" : "the agent service's own log (docs/deployment.md, Logs)",
    },
    supportCode: findings.supportCode,
    nextStep: (findings.demo ? DEMO_NEXT_STEPS : platform === 'darwin' ? MAC_NEXT_STEPS : NEXT_STEPS)[probe.verdict],
  };
}

const yesNo = (value: boolean | null) => (value === null ? 'not checked' : value ? 'yes' : 'no');

function demoLine(demo: NonNullable<DoctorReport['demo']>): string {
  const record = `${demo.folder}/demo.json`;
  switch (demo.state) {
    case 'running':
      return `npm start, process ${demo.pid}, since ${demo.startedAt}, in ${demo.folder}`;
    case 'stopped':
      return `none running: the one that wrote ${record} (process ${demo.pid}) has stopped`;
    case 'none':
      return `none running (there is no ${record})`;
    case 'unreadable':
      return `not known: ${record} cannot be read`;
  }
}

export function formatReport(report: DoctorReport): string {
  const { socket, agent, policy } = report;
  const lines = [
    `pwsync doctor, ${report.generatedAt}`,
    '',
    `App:        pwsync ${report.app.version} on ${report.app.platform} (${report.app.osRelease}), protocol ${report.app.protocolVersion}`,
    ...(report.demo ? [`Demo:       ${demoLine(report.demo)}`] : []),
    `Socket:     ${socket.path}`,
    `  exists:     ${yesNo(socket.exists)}`,
    `  trusted:    ${yesNo(socket.trusted)}${socket.trustKind ? ` (${socket.trustKind === 'demo' ? 'a demo socket' : 'the system socket'})` : ''}${socket.trustDetail ? ` (${socket.trustDetail})` : ''}`,
    `  reachable:  ${yesNo(socket.reachable)}${socket.reachDetail ? ` (${socket.reachDetail})` : ''}`,
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
      ...(agent.mac ? macLines(agent.mac) : []),
    );
  } else if (socket.reachable) {
    // It answered, but only to refuse this app's protocol version: nothing more was asked.
    lines.push('Agent:      answered, but refused this protocol version; nothing more was asked');
  } else {
    lines.push('Agent:      not reached');
  }
  lines.push(`Policy:     from ${policy.source}`);
  lines.push(...policyLines({ policy: policy.values, source: policy.source, fieldSources: policy.sources, problems: policy.problems }, '  '));
  lines.push('Logs:', `  app:    ${report.logs.app ?? 'none yet'}`, `  agent:  ${report.logs.agent}`);
  lines.push(`Support:    ${supportLine(report)}`, '');
  lines.push(`Result:     ${report.verdict} (exit ${report.exitCode})`);
  if (report.nextStep) lines.push(`Next step:  ${report.nextStep}`);
  return lines.join('\n');
}

function supportLine(report: DoctorReport): string {
  if (report.supportCode) return `code ${report.supportCode.code}, of the app's latest diagnostics report (made ${report.supportCode.madeAt})`;
  if (report.logs.app) return "no code yet: the app's log holds no diagnostics report. Open Help in pwsync to make one, then run this again.";
  return 'no code yet: there is no app log to read it from';
}

/** The Mac's findings as the doctor prints them: the words are the diagnostics report's (core/diagnostics.ts). */
export function macLines(mac: MacDiagnostics): string[] {
  const { facts, note } = macFacts(mac);
  return ['Mac:', ...facts.map(([label, value]) => `  ${`${label}:`.padEnd(18)}${value}`), ...(note ? [`  ${'note:'.padEnd(18)}${note}`] : [])];
}
