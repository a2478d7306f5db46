/**
 * The diagnostics support asks for: versions, platform, agent state, policy in effect,
 * history, and a short support code that also goes to the log, so a report and the
 * log lines around it can be matched. Built from data that holds no secret, then
 * passed through redaction anyway.
 *
 * The support code is derived from the report's facts (a hash of its redacted text
 * without the lines that change by the minute: when it was made, the agent's uptime,
 * its last check-in), not drawn at random or stored. So every report of the same state
 * carries the same code, wherever it is read (Help, the copied text, the log, `pwsync
 * doctor`), and a new code means the state changed. Nothing has to be kept in step for
 * that: a code someone reads out on the phone matches the report support receives as
 * long as the two describe the same state.
 */
import { createHash } from 'node:crypto';
import type { Diagnostics as AgentDiagnostics, MacDiagnostics, PendingChange, SyncStep } from '@pwsync/agent-protocol';
import type { AppState, DiagnosticsReport } from '../contract';
import { waitingChange } from './app-state';
import type { HistoryEntry } from './history';
import { DEFAULT_SOURCE, type LoadedPolicy } from './policy';
import { redactText } from '@pwsync/node-kit/redact';

/** The log line that carries a report's code, as the core writes it and `pwsync doctor` finds it. */
export const DIAGNOSTICS_LOGGED = 'diagnostics generated';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud on the phone

/** Eight characters of the alphabet (32 = 5 bits each) from the first 40 bits of the facts' SHA-256. */
export function supportCode(facts: string): string {
  let bits = createHash('sha256').update(facts, 'utf8').digest().readUIntBE(0, 5);
  let chars = '';
  for (let i = 0; i < 8; i += 1) {
    chars = CODE_ALPHABET[bits % 32] + chars;
    bits = Math.floor(bits / 32);
  }
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
}

/** A line of the report that changes while the state it describes does not: shown, but not part of the code. */
interface Changing {
  changing: string;
}
type Line = string | Changing;

export interface DiagnosticsInput {
  appVersion: string;
  state: AppState;
  agent: AgentDiagnostics | null;
  policy: LoadedPolicy;
  history: HistoryEntry[];
  now: Date;
  logLocation?: string | null;
}

export function buildDiagnostics(input: DiagnosticsInput): DiagnosticsReport {
  const { state, agent, policy } = input;
  const lines: Line[] = [
    { changing: `Generated: ${input.now.toISOString()}` },
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
      { changing: `Up for: ${agent.uptimeSeconds} s` },
      `Directory: ${agent.directory.state}`,
      // Never checked in is a fact of the state; the time of the latest check-in is not.
      agent.directory.lastCheckIn ? { changing: `Last check-in: ${agent.directory.lastCheckIn}` } : 'Last check-in: never',
      `Attempts left: ${agent.attempts.left}${agent.attempts.lockedUntil ? `, locked until ${agent.attempts.lockedUntil}` : ''}`,
      `Journal: ${agent.journal.changeId ? `change ${agent.journal.changeId}, done [${agent.journal.completedSteps.join(', ')}]${agent.journal.interruptedStep ? `, cut short at ${agent.journal.interruptedStep}` : ''}` : 'empty'}`,
      `New keychain allowed by the agent: ${agent.policy.newKeychainAllowed ? 'yes' : 'no'}`,
    );
    for (const result of agent.history.slice(0, 10)) {
      lines.push(`  ${result.finishedAt} ${result.changeId} ${result.outcome}${failedAt(result.failedStep, result.failureReason)} [${result.completedSteps.join(', ')}]`);
    }
    if (agent.mac) {
      const { facts, note } = macFacts(agent.mac);
      lines.push('', '[Mac]', ...facts.map(([label, value]) => `${label}: ${value}`), ...(note ? [`Note: ${note}`] : []));
    }
  }
  lines.push('', '[Policy]', `Source: ${policy.source}`, ...policyLines(policy));
  lines.push('', '[History on this computer]');
  if (input.history.length === 0) lines.push('none');
  for (const entry of input.history.slice(0, 20)) {
    lines.push(`${entry.at} ${entry.changeId} ${entry.outcome}${entry.failedStep ? ` at ${entry.failedStep}` : ''}${entry.errorCode ? ` (${entry.errorCode})` : ''}`);
  }
  // Redacted before hashing: the code is derived from what support receives.
  const facts = redactText(lines.filter((line): line is string => typeof line === 'string').join('\n'));
  const code = supportCode(facts);
  const text = [`pwsync diagnostics — support code ${code}`, ...lines.map((line) => (typeof line === 'string' ? line : line.changing))].join('\n');
  return { supportCode: code, generatedAt: input.now.toISOString(), text: redactText(text) };
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

const NOT_KNOWN = 'not known';

/**
 * What a Mac's password depends on, in support's words (docs/support-guide.md, "A Mac
 * account without a SecureToken"), for the diagnostics report and `pwsync doctor`. Worded
 * so that no "token: value" pair appears, which the redaction would take for a secret.
 */
export function macFacts(mac: MacDiagnostics): { facts: Array<[string, string]>; note: string | null } {
  const account = mac.accountKind === null ? NOT_KNOWN : mac.accountKind === 'local' ? 'local' : 'Active Directory mobile account (pwsync leaves it alone)';
  const fileVault =
    mac.fileVault === null
      ? NOT_KNOWN
      : mac.fileVault === 'off'
        ? 'off'
        : `on, ${mac.fileVaultUser === null ? 'not known whether it unlocks for this person' : mac.fileVaultUser ? 'unlocks for this person' : 'does not unlock for this person'}`;
  const sso = mac.platformSSO;
  const device = sso.device === null ? `device ${NOT_KNOWN}` : sso.device === 'none' ? 'device not set up' : sso.device === 'registered' ? 'device registered' : 'device not registered';
  const user = sso.user === null ? `user ${NOT_KNOWN}` : sso.user === 'present' ? 'manages this person (pwsync leaves the account alone)' : 'not for this person';
  const token = mac.bootstrapToken;
  const bootstrap =
    token.supportedOnServer === null && token.escrowedToServer === null
      ? NOT_KNOWN
      : token.escrowedToServer
        ? 'its token is escrowed to the MDM'
        : token.supportedOnServer === false
          ? 'the MDM does not support a bootstrap token'
          : 'its token is not escrowed to the MDM (the MDM supports it)';
  return {
    facts: [
      ['account', account],
      ['SecureToken', mac.secureToken === null ? NOT_KNOWN : mac.secureToken ? 'yes' : 'no'],
      ['FileVault', fileVault],
      ['Platform SSO', `${device}, ${user}${sso.loginType ? ` (${sso.loginType})` : ''}`],
      ['bootstrap', bootstrap],
    ],
    note:
      mac.secureToken === false && mac.fileVault === 'on'
        ? 'no SecureToken, so this person cannot unlock FileVault at start-up (support guide: "A Mac account without a SecureToken")'
        : null,
  };
}
