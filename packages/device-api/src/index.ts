/**
 * The device API between the directory and the agents on every computer
 * (docs/directory.md): one zod source for both sides. The directory builds its
 * answers from these types and checks what devices send with them; the agent checks
 * every answer it receives with them before using any of it.
 */
import { z } from 'zod';
import { ChangeId, SyncStep } from '@pwsync/agent-protocol';

/** The hashes a change carries: one per platform verifier, never a password. */
export const ChangeHashes = z.strictObject({
  /** sha512-crypt, for Linux's /etc/shadow. */
  sha512crypt: z.string().startsWith('$6$'),
  /** PBKDF2-SHA512 in ShadowHashData's shape, for macOS. */
  pbkdf2: z.string().startsWith('$pbkdf2-sha512$'),
});
export type ChangeHashes = z.infer<typeof ChangeHashes>;

export const Platform = z.enum(['darwin', 'linux', 'win32']);
export type Platform = z.infer<typeof Platform>;

/** `POST /api/v1/devices` (admin): enrols a device for a user. */
export const Enrolment = z.object({
  userName: z.string().min(1).max(256),
  deviceName: z.string().min(1).max(200),
  platform: Platform,
});
export type Enrolment = z.infer<typeof Enrolment>;

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

/** `POST /api/v1/device/results`: what a device did with a change. */
export const DeviceResult = z.object({
  changeId: z.string().min(1).max(100),
  outcome: z.enum(['synced', 'failed']),
  failedStep: SyncStep.nullable().default(null),
  at: z.iso.datetime({ offset: true }),
});
export type DeviceResult = z.input<typeof DeviceResult>;

/** The event names on `GET /api/v1/device/events` (Server-Sent Events). */
export const DeviceEvent = { hello: 'hello', changed: 'changed' } as const;

export const DEVICE_API = {
  checkin: '/api/v1/device/checkin',
  events: '/api/v1/device/events',
  results: '/api/v1/device/results',
  devices: '/api/v1/devices',
} as const;
