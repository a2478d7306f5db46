/**
 * The diagnostics support asks for: versions, platform, agent state, policy in effect,
 * history, and a short support code that also goes to the log, so a report and the
 * log lines around it can be matched. Built from data that holds no secret, then
 * passed through redaction anyway.
 */
import { randomBytes } from 'node:crypto';
import type { Diagnostics as AgentDiagnostics, PendingChange, SyncStep } from '@pwsync/agent-protocol';
import type { AppState, DiagnosticsReport } from '../contract';
import { waitingChange } from './app-state';
import type { HistoryEntry } from './history';
import { DEFAULT_SOURCE, type LoadedPolicy } from './policy';
import { redactText } from '@pwsync/node-kit/redact';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud on the phone

export function supportCode(bytes = randomBytes(8)): string {
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
}

export interface DiagnosticsInput {
  appVersion: string;
  state: AppState;
  agent: AgentDiagnostics | null;
  policy: LoadedPolicy;
  history: HistoryEntry[];
  now: Date;
  code?: string;
  logLocation?: string | null;
}

export function buildDiagnostics(input: DiagnosticsInput): DiagnosticsReport {
  const code = input.code ?? supportCode();
  const { state, agent, policy } = input;
  const lines: string[] = [
    `pwsync diagnostics — support code ${code}`,
    `Generated: ${input.now.toISOString()}`,
    '',
    '[App]',
    `Version: ${input.appVersion}`,
    `Platform: ${state.platform}`,
    `Demo mode: ${state.demo ? 'yes' : 'no'}`,
    `State: ${stateLine(state)}`,
    `Pending change: ${pendingLine(waitingChange(state))}`,
    `Log: ${input.logLocation ?? 'standard error'}`,
    '',
    '[Agent]',
  ];
  if (!agent) {
    lines.push(`Connected: no${state.phase === 'unreachable' ? ` (${state.reason})` : ''}`);
  } else {
    lines.push(
      'Connected: yes',
      `Version: ${agent.agent.version} (protocol ${agent.protocolVersion})`,
      `Backend: ${agent.backend} on ${agent.platform}`,
      `User: ${agent.user}`,
      `Up for: ${agent.uptimeSeconds} s`,
      `Directory: ${agent.directory.state}, last check-in ${agent.directory.lastCheckIn ?? 'never'}`,
      `Attempts left: ${agent.attempts.left}${agent.attempts.lockedUntil ? `, locked until ${agent.attempts.lockedUntil}` : ''}`,
      `Journal: ${agent.journal.changeId ? `change ${agent.journal.changeId}, done [${agent.journal.completedSteps.join(', ')}]${agent.journal.interruptedStep ? `, cut short at ${agent.journal.interruptedStep}` : ''}` : 'empty'}`,
      `New keychain allowed by the agent: ${agent.policy.newKeychainAllowed ? 'yes' : 'no'}`,
    );
    for (const result of agent.history.slice(0, 10)) {
      lines.push(`  ${result.finishedAt} ${result.changeId} ${result.outcome}${failedAt(result.failedStep, result.failureReason)} [${result.completedSteps.join(', ')}]`);
    }
  }
  lines.push('', '[Policy]', `Source: ${policy.source}`, ...policyLines(policy));
  lines.push('', '[History on this computer]');
  if (input.history.length === 0) lines.push('none');
  for (const entry of input.history.slice(0, 20)) {
    lines.push(`${entry.at} ${entry.changeId} ${entry.outcome}${entry.failedStep ? ` at ${entry.failedStep}` : ''}${entry.errorCode ? ` (${entry.errorCode})` : ''}`);
  }
  return { supportCode: code, generatedAt: input.now.toISOString(), text: redactText(lines.join('\n')) };
}

/** The phase, and what it is about where that helps support: the problem (with the agent's reason), or why the agent is out of reach. */
function stateLine(state: AppState): string {
  switch (state.phase) {
    case 'attention':
      return `attention (${state.problem.code}${failedAt(state.problem.step ?? null, state.problem.failureReason)})`;
    case 'unreachable':
      return `unreachable (${state.reason})`;
    default:
      return state.phase;
  }
}

function pendingLine(change: PendingChange | null | undefined): string {
  if (change === undefined) return 'not known (no agent connected)';
  if (change === null) return 'none';
  return `${change.id} from ${change.provider}, ${change.createdAt}`;
}

/** " at keychain: The login keychain is not on the previous password", or as much of it as is known. */
function failedAt(step: SyncStep | null, reason: string | undefined): string {
  return `${step ? ` at ${step}` : ''}${reason ? `: ${reason}` : ''}`;
}

/**
 * Each field with where its value came from, then what could not be used and where it
 * was: with a profile over a file, support must see which of the two set a value.
 */
export function policyLines(policy: LoadedPolicy, indent = ''): string[] {
  const lines = Object.entries(policy.policy).map(([field, value]) => {
    const from = policy.fieldSources[field as keyof LoadedPolicy['fieldSources']];
    return `${indent}${field}: ${JSON.stringify(value)} (${from === DEFAULT_SOURCE ? 'default' : `from ${from}`})`;
  });
  for (const problem of policy.problems) lines.push(`${indent}Not used: ${problem.field} (${problem.problem}) in ${problem.source}`);
  return lines;
}
