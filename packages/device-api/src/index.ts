/**
 * The device API between the directory and the agents on every computer
 * (docs/directory.md): one zod source for both sides. The directory builds its
 * answers from these types and checks what devices send with them; the agent checks
 * every answer it receives with them before using any of it, hashes included: a hash
 * of the wrong shape or outside the costs @pwsync/passwords accepts is refused here,
 * before anything hashes with it.
 */
import { z } from 'zod';
import { ChangeId, FailureReason, SyncStep } from '@pwsync/agent-protocol';
import { PBKDF2_MAX_ITERATIONS, PBKDF2_MIN_ITERATIONS, SHA512_CRYPT_MAX_ROUNDS, SHA512_CRYPT_MIN_ROUNDS, hashProblem, parseCryptHash, parsePbkdf2Hash } from '@pwsync/passwords';

/** sha512-crypt, for Linux's /etc/shadow: `$6$[rounds=N$]salt$digest`, N from 5,000 to 1,000,000. */
export const Sha512CryptHash = z
  .string()
  .max(200)
  .refine((hash) => parseCryptHash(hash)?.kind === 'sha512-crypt' && hashProblem(hash) === undefined, {
    message: `must be a $6$ hash with ${SHA512_CRYPT_MIN_ROUNDS} to ${SHA512_CRYPT_MAX_ROUNDS} rounds`,
  });

/** PBKDF2-SHA512 in ShadowHashData's shape, for macOS (and Windows' check of a typed password). */
export const Pbkdf2Hash = z
  .string()
  .max(300)
  .refine((hash) => parsePbkdf2Hash(hash) !== undefined && hashProblem(hash) === undefined, {
    message: `must be a $pbkdf2-sha512$ hash with ${PBKDF2_MIN_ITERATIONS} to ${PBKDF2_MAX_ITERATIONS} iterations`,
  });

/**
 * The hashes a change carries to one device: never a password, and only the one its
 * platform verifies with (PLATFORM_HASH). An agent keeps only the one it uses.
 */
export const ChangeHashes = z
  .strictObject({ sha512crypt: Sha512CryptHash.optional(), pbkdf2: Pbkdf2Hash.optional() })
  .refine((hashes) => hashes.sha512crypt !== undefined || hashes.pbkdf2 !== undefined, { message: 'a change carries a hash' });
export type ChangeHashes = z.infer<typeof ChangeHashes>;
export type HashName = keyof ChangeHashes;

export const Platform = z.enum(['darwin', 'linux', 'win32']);
export type Platform = z.infer<typeof Platform>;

/**
 * The one hash each platform's agent verifies with, and so the only one it is sent:
 * Linux writes the crypt hash to /etc/shadow (and checks a typed password with it);
 * macOS checks the typed new password against PBKDF2 before the OS changes anything;
 * Windows does the same before NetUserChangePassword (docs/windows-agent.md).
 */
export const PLATFORM_HASH = { darwin: 'pbkdf2', linux: 'sha512crypt', win32: 'pbkdf2' } as const satisfies Record<Platform, HashName>;

/**
 * `POST /api/v1/device/enrol` (no bearer): a device exchanges an enrolment code an
 * administrator made (delivered to it by MDM) for its own token, once.
 */
export const DeviceEnrolment = z.object({
  code: z.string().min(16).max(200),
  deviceName: z.string().min(1).max(200),
  platform: Platform,
});
export type DeviceEnrolment = z.infer<typeof DeviceEnrolment>;

export const EnrolmentAnswer = z.object({ deviceId: z.string().min(1), deviceToken: z.string().min(1) });
export type EnrolmentAnswer = z.infer<typeof EnrolmentAnswer>;

/** `GET /api/v1/device/checkin`, and the data of every event on the device's stream. */
export const CheckinAnswer = z.object({
  user: z.object({ userName: z.string(), active: z.boolean(), syncEnabled: z.boolean() }),
  device: z.object({ deviceId: z.string(), syncEnabled: z.boolean() }),
  change: z
    .object({ id: ChangeId, createdAt: z.iso.datetime(), provider: z.string().min(1).max(200), hashes: ChangeHashes })
    .nullable(),
  serverTime: z.string(),
});
export type CheckinAnswer = z.infer<typeof CheckinAnswer>;

/** `POST /api/v1/device/results`: what a device did with a change; `at` is the device's own clock. */
export const DeviceResult = z.object({
  changeId: z.string().min(1).max(100),
  outcome: z.enum(['synced', 'failed']),
  failedStep: SyncStep.nullable().default(null),
  /** With outcome failed: why, in the agent backend's safe words (never a password, hash or program output), for support's console. */
  reason: FailureReason.nullable().default(null),
  at: z.iso.datetime({ offset: true }),
});
export type DeviceResult = z.input<typeof DeviceResult>;

/**
 * A computer as a whole: one agent serving every person on it. `POST
 * /api/v1/machine/enrol` (no bearer) exchanges an enrolment code for the machine's
 * token, once. A code made for one userName enrols a machine that may bind only that
 * user; a code made `forAnyUser` (an MDM delivers one to many computers) enrols a
 * machine that may bind any active user.
 */
export const MachineEnrolment = z.object({
  code: z.string().min(16).max(200),
  machineName: z.string().min(1).max(200),
  platform: Platform,
});
export type MachineEnrolment = z.infer<typeof MachineEnrolment>;

export const MachineEnrolmentAnswer = z.object({
  machineId: z.string().min(1),
  machineToken: z.string().min(1),
  /** The one user this machine may bind (a code made for one userName), or null: any active user. */
  userName: z.string().nullable(),
});
export type MachineEnrolmentAnswer = z.infer<typeof MachineEnrolmentAnswer>;

/** A local account's name, as the machine's agent serves it. */
export const LocalAccount = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/);

/**
 * `PUT /api/v1/machine/people/{localAccount}` (machine token): the machine serves this
 * local account as a directory user, by the administrator's mapping rule: exactly
 * `userName`, or `localPart`: the one user whose userName is that name or begins with
 * it and "@" (refused when two users share it). The answer is a device of that user's
 * (the check-in, events and results endpoints take its token), offered only changes
 * made after it was first bound. Binding the account again to the same user gives the
 * same device a new token (the old one stops working); to another user, a new device.
 */
export const PersonBinding = z
  .object({
    userName: z.string().min(1).max(256).optional(),
    localPart: LocalAccount.optional(),
  })
  .refine((b) => (b.userName === undefined) !== (b.localPart === undefined), { message: 'give userName or localPart, not both' });
export type PersonBinding = z.infer<typeof PersonBinding>;

export const BindingAnswer = z.object({
  localAccount: LocalAccount,
  userName: z.string(),
  deviceId: z.string().min(1),
  deviceToken: z.string().min(1),
});
export type BindingAnswer = z.infer<typeof BindingAnswer>;

/** `GET /api/v1/machine` (machine token): what the directory knows of this machine and the people it binds. */
export const MachineAnswer = z.object({
  machineId: z.string(),
  machineName: z.string(),
  platform: Platform,
  userName: z.string().nullable(),
  people: z.array(z.object({ localAccount: z.string(), userName: z.string(), deviceId: z.string(), active: z.boolean(), syncEnabled: z.boolean() })),
  serverTime: z.string(),
});
export type MachineAnswer = z.infer<typeof MachineAnswer>;

/** The event names on `GET /api/v1/device/events` (Server-Sent Events). */
export const DeviceEvent = { hello: 'hello', changed: 'changed' } as const;

export const DEVICE_API = {
  enrol: '/api/v1/device/enrol',
  checkin: '/api/v1/device/checkin',
  events: '/api/v1/device/events',
  results: '/api/v1/device/results',
  machineEnrol: '/api/v1/machine/enrol',
  machine: '/api/v1/machine',
  /** `PUT` binds, `DELETE` unbinds (204); append the local account's name. */
  machinePeople: '/api/v1/machine/people/',
} as const;
