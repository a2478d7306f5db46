/**
 * The one contract between the tray app's main process and its renderer: every
 * call and push, once, with the schema of what crosses it (their names and channels
 * are in contract-names.ts, which holds no schema). Main and the browser demo's
 * server answer calls only from this table; the preload and the HTTP bridge expose
 * exactly these as `window.pwsync`, whose type is derived from the tables. The
 * renderer imports types from this file, and from contract-names.ts the names.
 */
import { z } from 'zod';
import { BackendName, ChangeId, FailureReason, NotAllowedData, Password, PendingChange, Platform, StepState, SyncResult, SyncStep } from '@pwsync/agent-protocol/schemas';
import { BRIDGE_ERROR_CODES, EVENT_CHANNELS, type EventName, INVOKE_CHANNELS, type InvokeName, type ListenerName } from './contract-names';

export {
  BRIDGE_ERROR_CODES,
  EVENT_CHANNELS,
  EVENT_NAMES,
  type EventName,
  INVOKE_CHANNELS,
  INVOKE_NAMES,
  type InvokeName,
  listenerName,
  type ListenerName,
} from './contract-names';

export const ProblemCode = z.enum([
  'previousPasswordWrong',
  'newPasswordMismatch',
  'lockedOut',
  'changeNotFound',
  'stepFailed',
  'connectionLost',
  'outcomeUnknown',
  'passwordNotAccepted',
  'notAllowed',
  'syncAlreadyRunning',
  'internal',
]);
export type ProblemCode = z.infer<typeof ProblemCode>;

export const Problem = z.strictObject({
  code: ProblemCode,
  attemptsLeft: z.number().int().min(0).optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  lockedUntil: z.string().optional(),
  step: SyncStep.optional(),
  completedSteps: z.array(SyncStep).optional(),
  retrySafe: z.boolean().optional(),
  remedy: z.enum(['retry', 'newKeychain', 'contactSupport', 'restart']).optional(),
  field: z.enum(['newPassword', 'previousPassword']).optional(),
  /** stepFailed and notAllowed: why, in the agent's words, when it said (never a secret: see the protocol's FailureReason). */
  failureReason: FailureReason.optional(),
  /** notAllowed: whose rule it is — the organization's policy, this kind of computer, or another system that manages the account. */
  notAllowedReason: NotAllowedData.shape.reason.optional(),
});
export type Problem = z.infer<typeof Problem>;

export const UnreachableReason = z.enum(['notRunning', 'untrusted', 'versionMismatch', 'handshakeFailed']);
export type UnreachableReason = z.infer<typeof UnreachableReason>;

export const PolicyView = z.strictObject({
  organization: z.string().nullable(),
  supportUrl: z.string().nullable(),
  supportContact: z.string().nullable(),
  /** Whether the person may start over with a new keychain when the previous password is forgotten. */
  newKeychainOffered: z.boolean(),
  /** The language the administrator chose, or null to follow the system. */
  language: z.string().nullable(),
  /** Fields of the policy file that could not be used (the defaults apply instead). */
  problems: z.array(z.strictObject({ field: z.string(), problem: z.enum(['invalid', 'unknown']) })),
});
export type PolicyView = z.infer<typeof PolicyView>;

/** The agent the tray app is connected to, as its handshake described it. */
export const AgentInfo = z.strictObject({
  version: z.string(),
  platform: Platform,
  backend: BackendName,
  user: z.string(),
  newKeychainAllowed: z.boolean(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

/** The directory as the agent sees it: reachable, the person's account, and whether sync is on. */
export const DirectoryView = z.strictObject({
  state: z.enum(['online', 'offline', 'none']),
  account: z.enum(['active', 'deactivated', 'unknown']),
  syncEnabled: z.boolean(),
  /** The person's account at the identity provider ("alex@example.com"), once the directory named it. */
  userName: z.string().nullable(),
});
export type DirectoryView = z.infer<typeof DirectoryView>;

/** Each step as the window shows it: pending until the agent's first push about it (the wire's states have no `pending`). */
export const ProgressEntry = z.strictObject({ step: SyncStep, state: z.enum(['pending', ...StepState.options]) });
export type ProgressEntry = z.infer<typeof ProgressEntry>;

/** Wrong tries, as the agent last counted them: how many are left before a wait, and until when it waits. */
export const AttemptsView = z.strictObject({
  left: z.number().int().min(0),
  lockedUntil: z.string().nullable(),
});
export type AttemptsView = z.infer<typeof AttemptsView>;

/** What holds in every phase: where the app runs, the policy, and what the agent last said about itself and the directory. */
const sharedFields = {
  /**
   * The system whose password the window talks about: the agent's, as its handshake
   * said (the same computer, except in the demo, whose practice agent plays a Mac
   * wherever it runs); the one the app runs on until an agent has answered. The confirm
   * flow's words, the walkthrough that opens first and the informed screen follow it.
   */
  platform: Platform,
  policy: PolicyView,
  /** The tray app runs against a demo agent: the screen says so. */
  demo: z.boolean(),
  /** Null while no agent is connected. */
  agent: AgentInfo.nullable(),
  /** The identity provider's name as people know it ("Okta"). */
  provider: z.string(),
  directory: DirectoryView,
  lastCheckIn: z.string().nullable(),
  /** How the agent's last sync ended, as it last said (the status view shows it in every phase). */
  lastResult: SyncResult.nullable(),
  /** Demo mode can make a password change as the identity provider would. */
  simulationAvailable: z.boolean(),
  /** Null until the agent has said. */
  attempts: AttemptsView.nullable(),
  /**
   * The system does not show the tray app's notifications (none on this desktop, or
   * they are turned off for pwsync): the window says how to allow them, and the tray
   * icon alone tells that something waits.
   */
  notificationsBlocked: z.boolean(),
};
export const SharedState = z.strictObject(sharedFields);
export type SharedState = z.infer<typeof SharedState>;

/** A change the person confirms with both passwords (macOS). */
const ChangeToConfirm = PendingChange.extend({ mode: z.literal('confirm') });
/** A change the agent applied itself (Windows, Linux): the person is told, and on Linux may re-key. */
const AppliedChange = PendingChange.extend({ mode: z.literal('applied') });

/**
 * The tray app's state (DESIGN.md, "The tray app's states"): a phase, and only what
 * that phase's screen needs besides the shared part. The core decides the phase; the
 * tray, the notifications and the window draw it, and never work it out again.
 */
export const AppState = z.discriminatedUnion('phase', [
  /** First contact with the agent under way. */
  z.strictObject({ phase: z.literal('connecting'), ...sharedFields }),
  /** No agent, or one we do not trust. */
  z.strictObject({ phase: z.literal('unreachable'), ...sharedFields, reason: UnreachableReason }),
  /** In sync, nothing to do. */
  z.strictObject({ phase: z.literal('idle'), ...sharedFields }),
  /**
   * A change waits for the person's confirmation. `replaced`: the change it replaced while
   * that one waited (the person changed their password at the provider again), until a
   * confirmation is sent: the window says the newest password is now the one to type.
   */
  z.strictObject({ phase: z.literal('pending'), ...sharedFields, change: ChangeToConfirm, replaced: ChangeId.nullable() }),
  /**
   * The agent is running the sync of `change`, step by step. `stalled`: the agent has said
   * nothing for longer than its step usually takes (tray-core.ts, STALL_AFTER_MS).
   */
  z.strictObject({ phase: z.literal('confirming'), ...sharedFields, change: PendingChange, progress: z.array(ProgressEntry), stalled: z.boolean() }),
  /** The last change went through; `startedOver`: without the previous password, with a new login keychain. */
  z.strictObject({ phase: z.literal('synced'), ...sharedFields, result: SyncResult, startedOver: z.boolean() }),
  /** Something needs the person: `problem`; `change` is the change that waits meanwhile (the one the problem is about, unless a newer one replaced it or it went away). */
  z.strictObject({ phase: z.literal('attention'), ...sharedFields, problem: Problem, change: PendingChange.nullable() }),
  /** Windows and Linux: the agent applied the change itself. */
  z.strictObject({ phase: z.literal('informed'), ...sharedFields, change: AppliedChange }),
]);
export type AppState = z.infer<typeof AppState>;
export type Phase = AppState['phase'];
/** The state of one phase: `StateOf<'pending'>` has its change. */
export type StateOf<P extends Phase> = Extract<AppState, { phase: P }>;
/** What a phase has besides the shared part: `{ phase: 'pending'; change }`, one member per phase. */
export type PhaseFields = AppState extends infer S ? (S extends unknown ? Omit<S, keyof SharedState> : never) : never;

export const ConfirmRequest = z.strictObject({
  changeId: ChangeId,
  newPassword: Password,
  previousPassword: Password,
});
export type ConfirmRequest = z.infer<typeof ConfirmRequest>;

export const ConfirmOutcome = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), result: SyncResult }),
  z.strictObject({ ok: z.literal(false), problem: Problem }),
]);
export type ConfirmOutcome = z.infer<typeof ConfirmOutcome>;

export const StartOverRequest = z.strictObject({
  changeId: ChangeId,
  newPassword: Password,
  acknowledged: z.literal(true),
});
export type StartOverRequest = z.infer<typeof StartOverRequest>;

/** What support reads: redacted by construction, never a secret. */
export const DiagnosticsReport = z.strictObject({
  supportCode: z.string().regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/),
  generatedAt: z.string(),
  text: z.string().max(64 * 1024),
});
export type DiagnosticsReport = z.infer<typeof DiagnosticsReport>;

const Ok = z.strictObject({ ok: z.boolean() });
const NoArgs = z.tuple([]);

/** Renderer → main calls: each name's argument and result schemas (its channel is in contract-names.ts). */
export const Invokes = withChannels(INVOKE_CHANNELS, {
  getState: { args: NoArgs, result: AppState },
  confirmChange: { args: z.tuple([ConfirmRequest]), result: ConfirmOutcome },
  startOver: { args: z.tuple([StartOverRequest]), result: ConfirmOutcome },
  checkIn: { args: NoArgs, result: Ok },
  dismissProblem: { args: NoArgs, result: Ok },
  getDiagnostics: { args: NoArgs, result: DiagnosticsReport },
  /** Puts the diagnostics text on the clipboard (main process; the browser demo's page does it itself). */
  copyDiagnostics: { args: NoArgs, result: Ok },
  /** Opens the support URL from policy in the browser (an allowlisted https address only). */
  openSupport: { args: NoArgs, result: Ok },
  /**
   * Escape or Done: hides the window (a no-op in the browser demo, which cannot hide its
   * tab). A result the person has now seen gives way to the resting screen.
   */
  closeWindow: { args: NoArgs, result: Ok },
  /** Demo mode only: a real SCIM PATCH to the demo's directory, as Okta would send it. */
  simulateChange: { args: NoArgs, result: Ok },
});

export const View = z.enum(['main', 'status', 'support']);
export type View = z.infer<typeof View>;

/** Main → renderer pushes: each name's payload schema. */
export const Events = withChannels(EVENT_CHANNELS, {
  /** Each new state, as the core decided it. */
  stateChanged: { payload: AppState },
  /** The tray asked for a particular view ("Sync status and help…" opens the help). */
  showView: { payload: View },
});

export type InvokeArgs<K extends InvokeName> = z.input<(typeof Invokes)[K]['args']>;
export type InvokeResult<K extends InvokeName> = z.output<(typeof Invokes)[K]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof Events)[E]['payload']>;

/**
 * What `window.pwsync` is, in Electron (from the preload) and in the browser demo
 * alike, derived from the two tables: a function per call, taking its arguments and
 * resolving to its result, and per push an `on…` function that calls the listener
 * with each payload and returns the function that stops it.
 */
export type PwsyncBridge = { [K in InvokeName]: (...args: InvokeArgs<K>) => Promise<InvokeResult<K>> } & {
  [E in EventName as ListenerName<E>]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

/** A stable error code returned instead of a raw exception when a call is refused. */
export const BridgeErrorCode = z.enum(BRIDGE_ERROR_CODES);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCode>;

/** The table `entries`, each given its channel; the compiler says which name is missing from it, or extra. */
function withChannels<Channels extends Record<string, string>, Entries extends { [N in keyof Channels]: object }>(
  channels: Channels,
  entries: Entries & Record<Exclude<keyof Entries, keyof Channels>, never>,
): { [N in keyof Channels]: Entries[N] & { channel: Channels[N] } } {
  const named = Object.entries(entries).map(([name, entry]) => [name, { channel: channels[name], ...entry }]);
  return Object.fromEntries(named) as { [N in keyof Channels]: Entries[N] & { channel: Channels[N] } };
}
