/**
 * The agent protocol's messages, as zod schemas. Both sides validate every message
 * they receive against these, and docs/protocol/schemas.json is generated from them,
 * so the code and the documentation cannot drift apart. Params are strict (a call
 * with a field the agent does not know is refused); results, pushes and error data
 * are not (a newer agent's added fields are dropped, so minor versions stay compatible).
 */
import { z } from 'zod';

/** The steps of a sync, in the order the agent runs them (docs/architecture.md, "The sync"). */
export const SyncStep = z.enum(['verifyNew', 'verifyPrevious', 'account', 'keychain', 'fileVault', 'report']);
export type SyncStep = z.infer<typeof SyncStep>;
export const SYNC_STEPS: readonly SyncStep[] = SyncStep.options;

/** What a syncProgress push says of a step. A step not yet heard of is the receiver's to show (the tray app calls it pending). */
export const StepState = z.enum(['running', 'done', 'failed', 'skipped']);
export type StepState = z.infer<typeof StepState>;

export const Platform = z.enum(['darwin', 'linux', 'win32']);
export type Platform = z.infer<typeof Platform>;

export const BackendName = z.enum(['sandbox', 'linux', 'darwin', 'win32']);
export type BackendName = z.infer<typeof BackendName>;

export const ChangeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a change id is 1-64 letters, digits, - or _');
const Timestamp = z.iso.datetime();
const ShortText = z.string().min(1).max(200);

/**
 * A password as it travels from the tray app to the agent. The agent checks the
 * UTF-8 byte length and forbidden characters itself and answers passwordNotAccepted;
 * the schema only bounds the size so a huge string is refused early.
 */
export const Password = z.string().min(1).max(4096);

export const PendingChange = z.object({
  id: ChangeId,
  createdAt: Timestamp,
  /** The identity provider's name as the person knows it, e.g. "Okta". */
  provider: ShortText,
  /** confirm: the person confirms with both passwords (macOS); applied: the agent applied it (Windows, Linux). */
  mode: z.enum(['confirm', 'applied']),
});
export type PendingChange = z.infer<typeof PendingChange>;

export const SyncOutcome = z.enum(['synced', 'failed', 'interrupted']);
export type SyncOutcome = z.infer<typeof SyncOutcome>;

/** The longest failure reason the agent sends; it cuts a longer one short. */
export const FAILURE_REASON_MAX = 300;

/**
 * Why a step failed, in the backend's own words (English, for support: "The login
 * keychain is not on the previous password"). Never a password, a hash or a program's
 * output: the agent drops a reason that holds any of them. Since protocol 1.1.
 */
export const FailureReason = z.string().min(1).max(FAILURE_REASON_MAX);

export const SyncResult = z.object({
  changeId: ChangeId,
  outcome: SyncOutcome,
  finishedAt: Timestamp,
  completedSteps: z.array(SyncStep),
  failedStep: SyncStep.nullable(),
  errorCode: z.number().int().nullable(),
  /** With outcome failed, when the backend said why (see FailureReason). */
  failureReason: FailureReason.optional(),
});
export type SyncResult = z.infer<typeof SyncResult>;

export const DirectoryState = z.object({
  /** online: holding the push channel; offline: the directory cannot be reached; none: no directory configured. */
  state: z.enum(['online', 'offline', 'none']),
  lastCheckIn: Timestamp.nullable(),
  /** The person's account at the identity provider, as the directory last said. */
  account: z.enum(['active', 'deactivated', 'unknown']),
  /** False when an administrator turned password sync off for this person or this device. */
  syncEnabled: z.boolean(),
  /**
   * The person's account at the identity provider, as the directory named it at the last
   * check-in ("alex@example.com"); absent before the first one. Since protocol 1.2.
   */
  userName: z.string().min(1).max(256).optional(),
});

export const AgentStatus = z.object({
  user: ShortText,
  backend: BackendName,
  directory: DirectoryState,
  pendingChange: PendingChange.nullable(),
  sync: z.object({
    running: z.boolean(),
    changeId: ChangeId.nullable(),
    step: SyncStep.nullable(),
  }),
  lastResult: SyncResult.nullable(),
  attempts: z.object({
    left: z.number().int().min(0),
    lockedUntil: Timestamp.nullable(),
  }),
  policy: z.object({
    newKeychainAllowed: z.boolean(),
  }),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

const Software = z.object({ name: ShortText, version: ShortText });

export const InitializeParams = z.strictObject({
  protocolVersion: z.string().min(1).max(20),
  // Params are strict all the way down.
  client: z.strictObject(Software.shape),
});
export const InitializeResult = z.object({
  protocolVersion: z.string(),
  agent: Software,
  platform: Platform,
  backend: BackendName,
  user: ShortText,
  /** True when the agent runs for a demo or development: the tray app says so on screen. */
  demo: z.boolean(),
  capabilities: z.object({
    confirmChange: z.boolean(),
    newKeychain: z.boolean(),
    diagnostics: z.boolean(),
  }),
});
export type InitializeResult = z.infer<typeof InitializeResult>;

export const Empty = z.strictObject({});

export const ConfirmChangeParams = z.strictObject({
  changeId: ChangeId,
  newPassword: Password,
  previousPassword: Password,
});
export const StartOverParams = z.strictObject({
  changeId: ChangeId,
  newPassword: Password,
  /** The person read and accepted that saved passwords in the old keychain stay behind. */
  acknowledged: z.literal(true),
});
export const SyncCallResult = z.object({ result: SyncResult });

export const CheckInResult = z.object({
  directory: DirectoryState,
  pendingChange: PendingChange.nullable(),
});

/** Null wherever the agent could not find out (a tool that failed, timed out or said something unknown). */
const Known = <T extends z.ZodType>(schema: T) => schema.nullable();

/**
 * What a Mac's password depends on, as the darwin backend finds it for support (read
 * only; never a secret or a tool's raw output). Since protocol 1.3.
 */
export const MacDiagnostics = z.object({
  /** local, or an Active Directory mobile account (which pwsync refuses). */
  accountKind: Known(z.enum(['local', 'mobile'])),
  /** `sysadminctl -secureTokenStatus USER`. */
  secureToken: Known(z.boolean()),
  /** `fdesetup isactive`. */
  fileVault: Known(z.enum(['on', 'off'])),
  /** Whether `fdesetup list` names the person (asked only when FileVault is on). */
  fileVaultUser: Known(z.boolean()),
  /** `app-sso platform -s`, run as the person: the device's registration and whether it holds a User Configuration. */
  platformSSO: z.object({
    device: Known(z.enum(['none', 'registered', 'notRegistered'])),
    user: Known(z.enum(['none', 'present'])),
    loginType: Known(z.string().max(60)),
  }),
  /** `profiles status -type bootstraptoken`. */
  bootstrapToken: z.object({
    supportedOnServer: Known(z.boolean()),
    escrowedToServer: Known(z.boolean()),
  }),
});
export type MacDiagnostics = z.infer<typeof MacDiagnostics>;

export const Diagnostics = z.object({
  agent: Software,
  protocolVersion: z.string(),
  platform: Platform,
  backend: BackendName,
  user: ShortText,
  uptimeSeconds: z.number().int().min(0),
  directory: DirectoryState,
  pendingChange: PendingChange.nullable(),
  journal: z.object({
    changeId: ChangeId.nullable(),
    completedSteps: z.array(SyncStep),
    interruptedStep: SyncStep.nullable(),
  }),
  history: z.array(SyncResult).max(50),
  attempts: AgentStatus.shape.attempts,
  policy: AgentStatus.shape.policy,
  /** With the darwin backend: the account, SecureToken, FileVault, Platform SSO and the bootstrap token. Since protocol 1.3. */
  mac: MacDiagnostics.optional(),
});
export type Diagnostics = z.infer<typeof Diagnostics>;

// Pushes from the agent.
export const ChangeAdded = z.object({ change: PendingChange });
export const ChangeRemoved = z.object({
  changeId: ChangeId,
  reason: z.enum(['synced', 'superseded', 'withdrawn']),
});
export const StatusChanged = z.object({ status: AgentStatus });
export const SyncProgress = z.object({
  changeId: ChangeId,
  step: SyncStep,
  state: StepState,
});
export type SyncProgress = z.infer<typeof SyncProgress>;

// The data each error code carries, so the UI can act on it.
export const AttemptsData = z.object({ attemptsLeft: z.number().int().min(0) });
export const LockedOutData = z.object({
  retryAfterSeconds: z.number().int().min(0),
  lockedUntil: Timestamp,
});
export const ChangeNotFoundData = z.object({
  changeId: z.string().max(64),
  supersededBy: ChangeId.nullable(),
});
export const StepFailedData = z.object({
  step: SyncStep,
  completedSteps: z.array(SyncStep),
  retrySafe: z.boolean(),
  remedy: z.enum(['retry', 'newKeychain', 'contactSupport', 'restart']),
  /** When the backend said why (see FailureReason). */
  failureReason: FailureReason.optional(),
});
export const VersionData = z.object({ agentVersion: z.string(), clientVersion: z.string().max(20) });
export const NotAllowedData = z.object({
  reason: z.enum(['policy', 'platform', 'managedAccount']),
  /**
   * Why, in the agent's words (English, for support: "Platform SSO manages this account's
   * password …"), made safe as a FailureReason is. Since protocol 1.2.
   */
  failureReason: FailureReason.optional(),
});
export const PasswordNotAcceptedData = z.object({
  field: z.enum(['newPassword', 'previousPassword']),
  reason: z.enum(['tooLong', 'forbiddenCharacter']),
});
