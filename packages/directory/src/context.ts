/**
 * What every route shares: the store, the push hub, the settings, the credentials'
 * digests, and the one place that turns a committed write into pushes (a transaction's
 * announcements, through fan-out.ts), so no route can forget to tell devices, at this
 * instance or any other.
 */
import type { Logger } from '@pwsync/node-kit/log';
import { type CheckinAnswer, PLATFORM_HASH } from '@pwsync/device-api';
import type { AuditLog } from './console/audit';
import { EventHub } from './event-hub';
import { FanOut } from './fan-out';
import type { Limits } from './limits';
import { ReportLimiter } from './report-limiter';
import type { Announcement, DeviceRow, DeviceState, Store } from './store';

/** Check-in times written in one transaction at most (flushCheckIns). */
const CHECK_IN_CHUNK = 250;

export interface DirectoryOptions {
  /** The identity provider's name as people know it; goes into every change. */
  provider: string;
  /** PBKDF2-SHA512 rounds for the macOS (and Windows) hash; 100,000 like macOS, fewer in tests. */
  pbkdf2Iterations: number;
  /** sha512-crypt rounds for the Linux hash (docs/directory.md says why 100,000). */
  cryptRounds: number;
  /** How long a change's hashes are kept for a device that has not synced it yet. */
  hashRetentionMs: number;
  heartbeatMs: number;
}

export interface Credentials {
  /** SHA-256 of the SCIM bearer token (the identity provider's). */
  scim: Buffer;
  /** SHA-256 of the admin bearer token. */
  admin: Buffer;
}

export class DirectoryContext {
  readonly hub: EventHub;
  readonly reports: ReportLimiter;
  readonly fanOut: FanOut;
  /** The base of every URL the directory hands out (SCIM's Location and meta.location); set once listening. */
  publicUrl = '';
  /** Where every change through the admin API or the console is recorded (console/audit.ts); set when the server starts. */
  audit: AuditLog | undefined;
  /** Who follows what happens to a person (the console's live pages): told a user's id after each announced write, check-in or stream change. */
  private readonly watchers = new Set<(userId: string) => void>();
  private scrubQueued = false;
  private scrubbing: Promise<void> | undefined;
  private scrubAgain = false;
  /** Check-in times not yet written: one transaction every few seconds, not an fsync per check-in. */
  private readonly checkIns = new Map<string, string>();

  constructor(
    readonly store: Store,
    readonly options: DirectoryOptions,
    readonly limits: Limits,
    readonly logger: Logger,
    readonly credentials: Credentials,
    readonly now: () => Date = () => new Date(),
  ) {
    this.hub = new EventHub({ heartbeatMs: options.heartbeatMs, perDevice: limits.streamsPerDevice, maxStreams: limits.maxStreams, reconnectsPerSecond: limits.reconnectsPerSecond, logger });
    this.reports = new ReportLimiter(limits.reportBurst, limits.reportIntervalMs, () => this.now().getTime());
    this.fanOut = new FanOut(store, {
      refreshUser: (userId, online) => this.userChanged(userId, online),
      // The console's live pages hear of every announcement, from any instance, whether or not this instance holds a stream of that person.
      announced: (announced) => this.tellWatchers(announced),
      deviceGone: (deviceId) => {
        this.hub.disconnect(deviceId);
        this.forgetDevice(deviceId);
      },
      isOnline: (deviceId) => this.hub.isOnline(deviceId),
    }, logger);
  }

  /**
   * The device's check-in answer: the user's newest change if it was made after the
   * device enrolled, still holds the hash for this device's platform, and the device
   * has not reported it synced; none while the user is inactive or sync is off for
   * either. The change carries that one hash and no other.
   */
  answerOf({ device, user, newest }: DeviceState): CheckinAnswer {
    const userOn = user.active === 1 && user.sync_enabled === 1;
    const offered = userOn && device.sync_enabled === 1 && newest && newest.seq > device.min_change_seq ? newest : undefined;
    const hashName = PLATFORM_HASH[device.platform];
    const hash = offered?.[hashName];
    const pending = offered && hash && !offered.synced ? offered : undefined;
    return {
      user: { userName: user.user_name, active: user.active === 1, syncEnabled: user.sync_enabled === 1 },
      device: { deviceId: device.id, syncEnabled: device.sync_enabled === 1 },
      change: pending ? { id: pending.id, createdAt: pending.created_at, provider: pending.provider, hashes: { [hashName]: hash } } : null,
      serverTime: this.now().toISOString(),
    };
  }

  /**
   * Every device of the user connected here whose answer changed hears of it: one read
   * for all of them. Called by the fan-out (fan-out.ts), one at a time per user; routes
   * announce instead (tx.announce), inside their transaction.
   */
  private async userChanged(userId: string, online: string[]): Promise<string[]> {
    const states = (await this.store.q.deviceStatesOfUser(userId)).filter((s) => online.includes(s.device.id));
    for (const state of states) if (this.hub.isOnline(state.device.id)) this.hub.push(state.device.id, this.answerOf(state));
    // Streams of devices that no longer exist (removed, or their user deleted).
    return online.filter((id) => !states.some((s) => s.device.id === id));
  }

  /**
   * Opens the device's event stream with the answer read when its request was
   * authenticated. A change committed after that read could have been announced before
   * the stream was attached (the fan-out's generation moved since `readAt`, taken before
   * that read): then the device's answer is read once more and pushed if it differs.
   */
  async openStream(state: DeviceState & { readAt: number }, attach: (answer: CheckinAnswer) => void): Promise<void> {
    attach(this.answerOf(state));
    if (!this.hub.isOnline(state.device.id)) return;
    this.fanOut.attached(state.device.id, state.user.id);
    if (this.fanOut.generation !== state.readAt) await this.fanOut.refreshUser(state.user.id);
  }

  /** A device checked in now; written with the others by flushCheckIns(). */
  recordCheckIn(deviceId: string, userId?: string): void {
    this.checkIns.set(deviceId, this.now().toISOString());
    if (userId !== undefined) this.personTouched(userId);
  }

  /** Follows every person's changes (the console's live pages); returns the unsubscribe. */
  watchPeople(watcher: (userId: string) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private tellWatchers(announced: Announcement[]): void {
    if (this.watchers.size === 0) return;
    for (const what of announced) {
      if ('userId' in what) this.personTouched(what.userId);
      else if ('deviceId' in what) {
        // A device's own result or setting: whose it is comes from the database (once, and only while someone watches).
        void this.store.q.deviceById(what.deviceId).then(
          (device) => device && this.personTouched(device.user_id),
          () => undefined,
        );
      }
    }
  }

  /**
   * Something about this person or one of their devices changed (announced writes come
   * through the fan-out; check-ins and streams opened or closed here come directly): the
   * watchers hear of it in this tick.
   */
  personTouched(userId: string): void {
    for (const watcher of this.watchers) {
      try {
        watcher(userId);
      } catch (error) {
        this.logger.error('a watcher of a person failed', { err: { name: (error as Error).name } });
      }
    }
  }

  /** The device's last check-in, written or not. */
  lastCheckIn(device: Pick<DeviceRow, 'id' | 'last_check_in'>): string | null {
    return this.checkIns.get(device.id) ?? device.last_check_in;
  }

  forgetDevice(deviceId: string): void {
    this.checkIns.delete(deviceId);
    this.reports.forget(deviceId);
  }

  /**
   * Writes the check-in times gathered since the last flush, a few hundred at a time. A
   * check-in time lost to a power cut costs nothing (the next check-in sets it again),
   * so it does not pay for an fsync of its own: with one per check-in the disk, not the
   * network, would bound how many devices a directory serves. Nor does it need a
   * serializable transaction on PostgreSQL: it reads nothing, and one statement is atomic
   * by itself, so it never collides with the requests' transactions. Times that could
   * not be written are kept for the next flush (unless a newer one came meanwhile).
   */
  async flushCheckIns(): Promise<void> {
    if (this.checkIns.size === 0) return;
    const pending = [...this.checkIns];
    this.checkIns.clear();
    for (let i = 0; i < pending.length; i += CHECK_IN_CHUNK) {
      // The event loop's turn between them: on SQLite a transaction runs on the loop, and 10,000 check-ins in one held it over a second.
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const chunk = pending.slice(i, i + CHECK_IN_CHUNK);
      try {
        if (this.store.engine === 'postgres') await this.store.q.checkedIn(chunk);
        else await this.store.transaction((tx) => tx.checkedIn(chunk));
      } catch (error) {
        for (const [deviceId, at] of pending.slice(i)) if (!this.checkIns.has(deviceId)) this.checkIns.set(deviceId, at);
        throw error;
      }
    }
  }

  /**
   * After a transaction erased hashes: clear them out of the engine's storage too (the
   * WAL on SQLite, a rewrite of `change_hashes` on PostgreSQL), soon, and one at a time:
   * erasures that come while one runs are cleared by one more run after it.
   */
  hashesErased(): void {
    if (this.scrubbing) {
      this.scrubAgain = true;
      return;
    }
    if (this.scrubQueued) return;
    this.scrubQueued = true;
    setImmediate(() => {
      this.scrubQueued = false;
      this.scrubbing = this.store
        .scrub()
        .catch((error: unknown) => {
          this.logger.error('could not clear erased hashes out of the database\'s storage', { err: { name: (error as Error).name, code: (error as { code?: string }).code } });
        })
        .finally(() => {
          this.scrubbing = undefined;
          if (this.scrubAgain) {
            this.scrubAgain = false;
            this.hashesErased();
          }
        });
    });
  }

  /**
   * Erases every hash older than the retention time (docs/directory.md says why 30
   * days), and tells the devices that were still offered those changes.
   */
  async eraseExpiredHashes(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.options.hashRetentionMs).toISOString();
    const users = await this.store.transaction(async (tx) => {
      const erased = await tx.eraseHashesBefore(cutoff);
      for (const userId of new Set(erased)) tx.announce({ userId });
      return erased;
    });
    if (users.length === 0) return 0;
    this.hashesErased();
    this.logger.info('erased the hashes of changes past their retention time', { changes: users.length });
    return users.length;
  }
}
