/**
 * The support console's messages, as zod schemas: what the directory answers and what
 * the console's page sends. The directory validates every request body and query with
 * these and builds its answers from their types; the page parses every answer with
 * them. Pure zod (no Node), so the page bundles it.
 *
 * Answers are not strict (a newer directory may add fields; the page drops them);
 * request bodies are (a field the directory does not know is refused, so a typo is
 * never silently ignored in a change).
 */
import { z } from 'zod';
import { Platform, SyncStep } from '@pwsync/agent-protocol/schemas';

export { Platform, SyncStep };

const Timestamp = z.iso.datetime({ offset: true });
const UserName = z.string().min(1).max(256);

/** support: look, turn sync off and on, copy a walkthrough. admin: also enrolment codes, devices, console accounts, the audit log. */
export const Role = z.enum(['support', 'admin']);
export type Role = z.infer<typeof Role>;
export const ROLES = Role.options;

/** What a role may do beyond looking; the directory checks each route against this. */
export function roleAllows(role: Role, needed: Role): boolean {
  return needed === 'support' || role === 'admin';
}

/**
 * The walkthrough situations, with the tray app's keys (packages/tray/renderer/src/support/walkthroughs.tsx)
 * and the words of docs/support-guide.md ("The walkthroughs"). `forgotPrevious` is never
 * picked from state (the directory cannot know what a person remembers) but support may
 * open it.
 */
export const Situation = z.enum(['oneMacOnline', 'oneMacOffline', 'severalMacsOnline', 'severalMacsSomeOffline', 'forgotPrevious', 'windows', 'linux']);
export type Situation = z.infer<typeof Situation>;
export const SITUATIONS = Situation.options;

// ─── Errors ──────────────────────────────────────────────────────────────────────────

/** Stable error codes; `detail` is an English sentence for the log, the page shows its own words per code. */
export const ErrorCode = z.enum([
  /** No session, or it ended (idle or absolute): sign in again. */
  'signedOut',
  /** Signed in, but the role may not do this. */
  'forbidden',
  /** A change without the session's CSRF token (or from another origin). */
  'csrf',
  'notFound',
  /** The body or query is not what the route takes; `fields` names the fields at fault (never their values). */
  'invalid',
  /** Too many sign-in tries for this account or from this address; `retryAfterSeconds` says when. */
  'tooManyTries',
  /** Wrong user name or password (one answer for both). */
  'badCredentials',
  /** The identity provider's answer could not be used (state, nonce, code or claims). */
  'signInFailed',
  /** The person signed in at the identity provider, but no role mapping gives them a console role. */
  'noRole',
  /** Taken already (a console account's user name). */
  'conflict',
  /** The automation token was sent to the console: it works for /api/v1 only. */
  'tokenNotAccepted',
  'unavailable',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ConsoleError = z.object({
  code: ErrorCode,
  detail: z.string(),
  fields: z.array(z.string()).optional(),
  retryAfterSeconds: z.number().int().optional(),
});
export type ConsoleError = z.infer<typeof ConsoleError>;

// ─── Sign-in and the session ─────────────────────────────────────────────────────────

/** How one may sign in here: shown on the sign-in page before anyone is known. */
export const SignInMethods = z.object({
  /** Through the organisation's identity provider (OpenID Connect); `name` is what the button says, e.g. "Okta". */
  oidc: z.object({ name: z.string() }).nullable(),
  /** Console accounts with a password kept by the directory. */
  local: z.boolean(),
});
export type SignInMethods = z.infer<typeof SignInMethods>;

export const LocalSignIn = z.strictObject({ userName: UserName, password: z.string().min(1).max(1024) });
export type LocalSignIn = z.infer<typeof LocalSignIn>;

export const Session = z.object({
  account: z.object({
    id: z.string(),
    userName: z.string(),
    displayName: z.string(),
    role: Role,
    via: z.enum(['oidc', 'local']),
  }),
  /** Sent back in the `x-csrf-token` header of every change (POST, PATCH, DELETE). */
  csrfToken: z.string(),
  /** The session ends at the first of these: idle since the last request, or its absolute lifetime. */
  idleExpiresAt: Timestamp,
  expiresAt: Timestamp,
});
export type Session = z.infer<typeof Session>;

export const CSRF_HEADER = 'x-csrf-token';

// ─── People ──────────────────────────────────────────────────────────────────────────

export const PeopleQuery = z.strictObject({
  /** Prefix of the userName, a name (given, family, formatted, display) or an email; case-insensitive. Empty lists everyone. */
  q: z.string().max(256).default(''),
  /** From the previous page's `next`. */
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type PeopleQuery = z.input<typeof PeopleQuery>;

export const PersonSummary = z.object({
  userName: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  active: z.boolean(),
  syncEnabled: z.boolean(),
  devices: z.number().int(),
});
export type PersonSummary = z.infer<typeof PersonSummary>;

export const PeoplePage = z.object({ people: z.array(PersonSummary), next: z.string().nullable() });
export type PeoplePage = z.infer<typeof PeoplePage>;

/**
 * Where one device stands with the person's pending change:
 * synced (nothing pending for it), waiting (pending, no result from it yet), failed (its
 * last result for the pending change failed), off (sync is off for the device or the
 * person, or the person's account is deactivated).
 */
export const DeviceState = z.enum(['synced', 'waiting', 'failed', 'off']);
export type DeviceState = z.infer<typeof DeviceState>;
export const DEVICE_STATES = DeviceState.options;

export const DeviceResultView = z.object({
  changeId: z.string(),
  outcome: z.enum(['synced', 'failed']),
  failedStep: SyncStep.nullable(),
  /** The safe reason the agent reported (English, never a password or hash), when it gave one. */
  reason: z.string().nullable(),
  /** The device's own clock. */
  at: Timestamp,
  /** The directory's clock. */
  receivedAt: Timestamp.nullable(),
});
export type DeviceResultView = z.infer<typeof DeviceResultView>;

export const DeviceView = z.object({
  deviceId: z.string(),
  deviceName: z.string(),
  platform: Platform,
  syncEnabled: z.boolean(),
  /** Holding its event stream now (on this directory instance or another sharing the database). */
  online: z.boolean(),
  lastCheckIn: Timestamp.nullable(),
  enrolledAt: Timestamp,
  state: DeviceState,
  /** The device's newest result for the pending change (or, with none pending, for the change it last reported). */
  result: DeviceResultView.nullable(),
});
export type DeviceView = z.infer<typeof DeviceView>;

export const PendingChangeView = z.object({
  changeId: z.string(),
  createdAt: Timestamp,
  provider: z.string(),
  /** Seconds since the change was made, by the directory's clock when it answered. */
  ageSeconds: z.number().int().min(0),
});
export type PendingChangeView = z.infer<typeof PendingChangeView>;

export const HistoryEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('change'), at: Timestamp, changeId: z.string(), provider: z.string() }),
  z.object({
    kind: z.literal('result'),
    at: Timestamp,
    deviceId: z.string(),
    deviceName: z.string(),
    changeId: z.string(),
    outcome: z.enum(['synced', 'failed']),
    failedStep: SyncStep.nullable(),
    reason: z.string().nullable(),
  }),
  z.object({ kind: z.literal('console'), at: Timestamp, action: z.string(), actor: z.string(), deviceId: z.string().nullable() }),
]);
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const PersonPage = z.object({
  person: z.object({
    userName: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    active: z.boolean(),
    syncEnabled: z.boolean(),
  }),
  /** The person's newest change, while any device it was made for has not synced it; else null. */
  pendingChange: PendingChangeView.nullable(),
  devices: z.array(DeviceView),
  /** Newest first, at most 50. */
  history: z.array(HistoryEntry),
  /** The walkthrough for this person's situation, picked from the devices' state; null without devices. */
  situation: Situation.nullable(),
  serverTime: Timestamp,
});
export type PersonPage = z.infer<typeof PersonPage>;

export const SyncToggle = z.strictObject({ syncEnabled: z.boolean() });
export type SyncToggle = z.infer<typeof SyncToggle>;

export const PersonSyncAnswer = z.object({
  userName: z.string(),
  syncEnabled: z.boolean(),
  /** Devices that held their event stream and were told at once. */
  devicesTold: z.number().int(),
});
export type PersonSyncAnswer = z.infer<typeof PersonSyncAnswer>;

export const DeviceSyncAnswer = z.object({ deviceId: z.string(), syncEnabled: z.boolean(), told: z.boolean() });
export type DeviceSyncAnswer = z.infer<typeof DeviceSyncAnswer>;

// ─── The fleet ───────────────────────────────────────────────────────────────────────

export const FleetQuery = z.strictObject({
  /** Devices whose pending change is older than this many hours. */
  staleHours: z.coerce.number().int().min(0).max(24 * 365).default(24),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type FleetQuery = z.input<typeof FleetQuery>;

export const FleetDevice = z.object({
  userName: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  platform: Platform,
  online: z.boolean(),
  lastCheckIn: Timestamp.nullable(),
  state: DeviceState,
  changeId: z.string(),
  changeCreatedAt: Timestamp,
  failedStep: SyncStep.nullable(),
  reason: z.string().nullable(),
});
export type FleetDevice = z.infer<typeof FleetDevice>;

export const FleetPage = z.object({
  /** Every device by state, and how many hold their stream now. */
  counts: z.object({
    devices: z.number().int(),
    online: z.number().int(),
    synced: z.number().int(),
    waiting: z.number().int(),
    failed: z.number().int(),
    off: z.number().int(),
  }),
  staleHours: z.number().int(),
  /** Devices not synced for more than staleHours: their pending change is older, oldest first. */
  stale: z.array(FleetDevice),
  next: z.string().nullable(),
  serverTime: Timestamp,
});
export type FleetPage = z.infer<typeof FleetPage>;

/** The CSV export's columns, in order (the same rows as `stale`, every page). */
export const FLEET_CSV_COLUMNS = ['userName', 'deviceName', 'deviceId', 'platform', 'state', 'online', 'lastCheckIn', 'changeId', 'changeCreatedAt', 'failedStep', 'reason'] as const;

// ─── Enrolment codes and devices (admin) ─────────────────────────────────────────────

export const CodeCreate = z.strictObject({
  /** The person the code enrols for; omitted, a machine code (the computer binds its people later). */
  userName: UserName.optional(),
  label: z.string().max(200).default(''),
  uses: z.number().int().min(1).max(1000).default(1),
  /** At most 90 days ahead; 7 days by default. */
  expiresAt: Timestamp.optional(),
});
export type CodeCreate = z.input<typeof CodeCreate>;

export const CodeState = z.enum(['usable', 'usedUp', 'expired', 'revoked']);
export type CodeState = z.infer<typeof CodeState>;

export const CodeView = z.object({
  id: z.string(),
  userName: z.string().nullable(),
  label: z.string(),
  uses: z.number().int(),
  usesLeft: z.number().int(),
  expiresAt: Timestamp,
  createdAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  state: CodeState,
});
export type CodeView = z.infer<typeof CodeView>;

/** The code itself is in this answer only: the directory keeps its hash. */
export const CodeCreated = CodeView.extend({ code: z.string() });
export type CodeCreated = z.infer<typeof CodeCreated>;

export const CodeList = z.object({ codes: z.array(CodeView) });
export type CodeList = z.infer<typeof CodeList>;

// ─── Console accounts (admin) ────────────────────────────────────────────────────────

export const AccountView = z.object({
  id: z.string(),
  userName: z.string(),
  displayName: z.string(),
  role: Role,
  /** local: a password kept here; oidc: made at its first sign-in, its role from the mapping each time. */
  via: z.enum(['oidc', 'local']),
  disabled: z.boolean(),
  createdAt: Timestamp,
  lastSignInAt: Timestamp.nullable(),
});
export type AccountView = z.infer<typeof AccountView>;

export const AccountList = z.object({ accounts: z.array(AccountView) });
export type AccountList = z.infer<typeof AccountList>;

/** A password of 12 to 1024 characters: length is what makes a password hard to guess. */
export const AccountPassword = z.string().min(12).max(1024);

export const AccountCreate = z.strictObject({
  userName: z.string().min(1).max(128).regex(/^[^\s]+$/, 'no spaces'),
  displayName: z.string().min(1).max(200),
  role: Role,
  password: AccountPassword,
});
export type AccountCreate = z.infer<typeof AccountCreate>;

export const AccountUpdate = z.strictObject({
  displayName: z.string().min(1).max(200).optional(),
  role: Role.optional(),
  disabled: z.boolean().optional(),
  password: AccountPassword.optional(),
});
export type AccountUpdate = z.infer<typeof AccountUpdate>;

// ─── The audit log (admin) ───────────────────────────────────────────────────────────

/** Every change made through the console or the admin API. */
export const AuditAction = z.enum([
  'signIn',
  'signInRefused',
  'signOut',
  'personSyncSet',
  'deviceSyncSet',
  'deviceRemoved',
  'codeCreated',
  'codeRevoked',
  'accountCreated',
  'accountUpdated',
  'accountRemoved',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: z.string(),
  at: Timestamp,
  /** Who: a console account (by user name, with how they signed in), or the automation (admin) token. */
  actor: z.object({ kind: z.enum(['console', 'adminToken']), accountId: z.string().nullable(), name: z.string() }),
  action: AuditAction,
  /** What it was done to: a userName, a device id, a code id or a console account's user name. */
  target: z.string().nullable(),
  /** Plain facts of the change (syncEnabled, uses, role…); never a secret, token, code or hash. */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** From where: the client's address (through a named proxy, the forwarded one). */
  from: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.strictObject({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditPage = z.object({ entries: z.array(AuditEntry), next: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const AUDIT_CSV_COLUMNS = ['at', 'actorKind', 'actor', 'action', 'target', 'details', 'from'] as const;
