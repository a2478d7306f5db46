/**
 * What every route shares: the store, the push hub, the settings, and the one place
 * that turns a committed write into pushes, so no route can forget to tell devices.
 */
import type { Logger } from '@pwsync/node-kit/log';
import { EventHub, type CheckinAnswer } from './event-hub';
import type { DeviceRow, Store, UserRow } from './store';

export interface DirectoryOptions {
  /** The identity provider's name as people know it; goes into every change. */
  provider: string;
  /** PBKDF2-SHA512 rounds for the macOS hash; 100,000 like macOS, fewer in tests. */
  pbkdf2Iterations: number;
  heartbeatMs: number;
}

export class DirectoryContext {
  readonly hub: EventHub;

  constructor(
    readonly store: Store,
    readonly options: DirectoryOptions,
    readonly logger: Logger,
    /** SHA-256 of the SCIM/admin bearer token. */
    readonly adminDigest: Buffer,
  ) {
    this.hub = new EventHub(options.heartbeatMs);
  }

  /**
   * The device's check-in answer: the user's newest change unless this device has
   * reported it synced; none while the user is inactive or sync is off for either.
   */
  answerFor(device: DeviceRow, user: UserRow): CheckinAnswer {
    const { q } = this.store;
    const userOn = user.active === 1 && user.sync_enabled === 1;
    const latest = userOn && device.sync_enabled === 1 ? q.latestChange.get(user.id) : undefined;
    const pending = latest && latest.sha512crypt && latest.pbkdf2 && !q.synced.get(device.id, latest.id) ? latest : undefined;
    return {
      user: { userName: user.user_name, active: user.active === 1, syncEnabled: user.sync_enabled === 1 },
      device: { deviceId: device.id, syncEnabled: device.sync_enabled === 1 },
      change: pending
        ? { id: pending.id, createdAt: pending.created_at, provider: pending.provider, hashes: { sha512crypt: pending.sha512crypt!, pbkdf2: pending.pbkdf2! } }
        : null,
      serverTime: new Date().toISOString(),
    };
  }

  /** After a committed write to a user: every connected device of theirs whose answer changed hears of it. */
  userChanged(userId: string): void {
    const user = this.store.q.userById.get(userId);
    if (!user) return;
    for (const device of this.store.q.devicesOfUser.all(userId)) {
      if (this.hub.isOnline(device.id)) this.hub.push(device.id, this.answerFor(device, user));
    }
  }

  deviceChanged(deviceId: string): void {
    const device = this.store.q.deviceById.get(deviceId);
    const user = device && this.store.q.userById.get(device.user_id);
    if (device && user && this.hub.isOnline(device.id)) this.hub.push(device.id, this.answerFor(device, user));
  }
}
