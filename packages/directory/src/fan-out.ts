/**
 * From "this changed" to events on the streams this instance holds. Announcements come
 * from the store once a transaction commits, from this instance or (on PostgreSQL) from
 * any other; they carry ids only, and the answer is read from the database, so an
 * instance that missed one is current again with the next read.
 *
 * Ordered per person: every refresh of a user's devices runs after the previous one of
 * that user has finished, and refreshes asked for while one waits to start are one
 * refresh, since it reads after all of them committed. A device thus never gets an older
 * answer after a newer one, whichever instance the changes were made at.
 */
import type { Logger } from '@pwsync/node-kit/log';
import type { Announcement, Store } from './store';

export interface FanOutTarget {
  /**
   * Pushes the current answer to each of the user's devices connected here (`online`);
   * returns those that no longer exist.
   */
  refreshUser(userId: string, online: string[]): Promise<string[]>;
  /** The device is gone (removed, or its user deleted): its streams here end. */
  deviceGone(deviceId: string): void;
  isOnline(deviceId: string): boolean;
}

interface Chain {
  tail: Promise<void>;
  /** A refresh queued behind the running one, not started yet: new asks join it. */
  queued: Promise<void> | undefined;
}

export class FanOut {
  private readonly chains = new Map<string, Chain>();
  /** The devices with a stream here, by user: an instance reads nothing for a user it holds no stream of. */
  private readonly here = new Map<string, Set<string>>();
  private readonly owners = new Map<string, string>();
  /** Counts deliveries, so a stream being opened can tell whether it may have missed one. */
  generation = 0;

  constructor(
    store: Store,
    private readonly target: FanOutTarget,
    private readonly logger: Logger,
  ) {
    store.onAnnounced((announced) => this.deliver(announced));
  }

  /** A stream of the device opened here. */
  attached(deviceId: string, userId: string): void {
    this.owners.set(deviceId, userId);
    let devices = this.here.get(userId);
    if (!devices) this.here.set(userId, (devices = new Set()));
    devices.add(deviceId);
  }

  /** The user's devices with a stream open here now (forgetting those whose streams closed). */
  private onlineOf(userId: string): string[] {
    const devices = this.here.get(userId);
    if (!devices) return [];
    for (const deviceId of devices) {
      if (this.target.isOnline(deviceId)) continue;
      devices.delete(deviceId);
      this.owners.delete(deviceId);
    }
    if (devices.size === 0) this.here.delete(userId);
    return [...devices];
  }

  async deliver(announced: Announcement[]): Promise<void> {
    this.generation += 1;
    const users = new Set<string>();
    for (const what of announced) {
      if ('userId' in what) users.add(what.userId);
      else if ('deviceId' in what) {
        // Only a device's own answer changed (or it is gone): nothing to do unless it streams here.
        const owner = this.owners.get(what.deviceId);
        if (owner && this.target.isOnline(what.deviceId)) users.add(owner);
      } else for (const userId of this.here.keys()) users.add(userId);
    }
    await Promise.all([...users].map((userId) => this.refreshUser(userId)));
  }

  /** Refreshes the user's devices here, after any refresh of theirs already running. */
  refreshUser(userId: string): Promise<void> {
    if (this.onlineOf(userId).length === 0) return Promise.resolve();
    let chain = this.chains.get(userId);
    if (!chain) this.chains.set(userId, (chain = { tail: Promise.resolve(), queued: undefined }));
    if (chain.queued) return chain.queued;
    const current = chain;
    const run = current.tail
      .then(async () => {
        current.queued = undefined;
        const online = this.onlineOf(userId);
        if (online.length === 0) return;
        for (const gone of await this.target.refreshUser(userId, online)) this.target.deviceGone(gone);
      })
      .catch((error: unknown) => {
        this.logger.error('could not send a change to the devices', { userId, err: { name: (error as Error).name, code: (error as { code?: string }).code } });
      });
    current.queued = run;
    current.tail = run;
    void run.then(() => {
      if (this.chains.get(userId) === current && current.tail === run) this.chains.delete(userId);
    });
    return run;
  }
}
