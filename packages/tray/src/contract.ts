/**
 * The one contract between the tray app's main process and its renderer: every
 * channel, once, with the schema of what crosses it. Main registers handlers only
 * from this table; the preload exposes exactly these as `window.pwsync`; the browser
 * demo and the end-to-end tests provide the same bridge. The renderer imports types
 * from this file and nothing else from electron/.
 */
import { z } from 'zod';
import { ChangeId, PendingChange, Password, StepState, SyncResult, SyncStep, BackendName, Platform } from '@pwsync/agent-protocol/schemas';

export const Phase = z.enum([
  'connecting', // first contact with the agent under way
  'unreachable', // no agent, or one we do not trust
  'idle', // in sync, nothing to do
  'pending', // a change waits for the person's confirmation
  'confirming', // the agent is running the sync
  'synced', // the last change went through
  'attention', // something needs the person: see `problem`
  'informed', // Windows/Linux: the agent applied the change itself
]);
export type Phase = z.infer<typeof Phase>;

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

export const AppState = z.strictObject({
  phase: Phase,
  /** The system the tray app runs on: the walkthroughs and the informed screen depend on it. */
  platform: Platform,
  policy: PolicyView,
  /** The tray app runs against a demo agent: the screen says so. */
  demo: z.boolean(),
  agent: z
    .strictObject({
      version: z.string(),
      platform: Platform,
      backend: BackendName,
      user: z.string(),
      newKeychainAllowed: z.boolean(),
    })
    .nullable(),
  unreachable: UnreachableReason.nullable(),
  /** The identity provider's name as people know it ("Okta"). */
  provider: z.string(),
  pendingChange: PendingChange.nullable(),
  /** Each step as the window shows it: pending until the agent's first push about it. */
  progress: z.array(z.strictObject({ step: SyncStep, state: z.enum(['pending', ...StepState.options]) })),
  lastResult: SyncResult.nullable(),
  lastCheckIn: z.string().nullable(),
  /** The directory as the agent sees it: reachable, the person's account, and whether sync is on. */
  directory: z.strictObject({
    state: z.enum(['online', 'offline', 'none']),
    account: z.enum(['active', 'deactivated', 'unknown']),
    syncEnabled: z.boolean(),
  }),
  /** Demo mode can make a password change as the identity provider would. */
  simulationAvailable: z.boolean(),
  problem: Problem.nullable(),
});
export type AppState = z.infer<typeof AppState>;

/**
 * The window's first screen drawn by its host (the "first paint" module, built from
 * the renderer into dist/first-paint/): given the page's index.html, the state and
 * the system's languages in order of preference, the page with that screen already
 * in it, focused field and all, ready for the page's script to hydrate; or null
 * where the page draws itself (a screen that shows times or counts down). It throws
 * only on a bug; hosts then serve the plain page.
 */
export type FirstPaintPage = (template: string, state: AppState, systemLanguages: readonly string[]) => string | null;

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

/** Renderer → main calls. Each has a channel, an argument schema and a result schema. */
export const Invokes = {
  getState: { channel: 'pwsync:get-state', args: NoArgs, result: AppState },
  confirmChange: { channel: 'pwsync:confirm-change', args: z.tuple([ConfirmRequest]), result: ConfirmOutcome },
  startOver: { channel: 'pwsync:start-over', args: z.tuple([StartOverRequest]), result: ConfirmOutcome },
  checkIn: { channel: 'pwsync:check-in', args: NoArgs, result: Ok },
  dismissProblem: { channel: 'pwsync:dismiss-problem', args: NoArgs, result: Ok },
  getDiagnostics: { channel: 'pwsync:get-diagnostics', args: NoArgs, result: DiagnosticsReport },
  /** Puts the diagnostics text on the clipboard (main process; the browser demo's page does it itself). */
  copyDiagnostics: { channel: 'pwsync:copy-diagnostics', args: NoArgs, result: Ok },
  /** Opens the support URL from policy in the browser (an allowlisted https address only). */
  openSupport: { channel: 'pwsync:open-support', args: NoArgs, result: Ok },
  /** Escape or Done: hides the window (a no-op in the browser demo). */
  closeWindow: { channel: 'pwsync:close-window', args: NoArgs, result: Ok },
  /** Demo mode only: a real SCIM PATCH to the demo's directory, as Okta would send it. */
  simulateChange: { channel: 'pwsync:simulate-change', args: NoArgs, result: Ok },
} as const;
export type InvokeName = keyof typeof Invokes;

/** Main → renderer pushes. */
export const View = z.enum(['main', 'status', 'support']);
export type View = z.infer<typeof View>;

export const Events = {
  stateChanged: { channel: 'pwsync:state-changed', payload: AppState },
  /** The tray asked for a particular view ("Sync status and help…" opens the help). */
  showView: { channel: 'pwsync:show-view', payload: View },
} as const;

/** What `window.pwsync` is, in Electron (from the preload) and in the browser demo alike. */
export interface PwsyncBridge {
  getState(): Promise<AppState>;
  confirmChange(request: ConfirmRequest): Promise<ConfirmOutcome>;
  startOver(request: StartOverRequest): Promise<ConfirmOutcome>;
  checkIn(): Promise<{ ok: boolean }>;
  dismissProblem(): Promise<{ ok: boolean }>;
  getDiagnostics(): Promise<DiagnosticsReport>;
  copyDiagnostics(): Promise<{ ok: boolean }>;
  openSupport(): Promise<{ ok: boolean }>;
  closeWindow(): Promise<{ ok: boolean }>;
  simulateChange(): Promise<{ ok: boolean }>;
  /** Calls the listener with each new state; returns the function that stops it. */
  onStateChanged(listener: (state: AppState) => void): () => void;
  /** Calls the listener when the tray asks for a view; returns the function that stops it. */
  onShowView(listener: (view: View) => void): () => void;
}

/** A stable error code returned instead of a raw exception when a call is refused. */
export const BridgeErrorCode = z.enum(['forbiddenSender', 'invalidPayload', 'internal']);
