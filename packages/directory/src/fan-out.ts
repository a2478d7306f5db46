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
  /** Pushes the current answer to each of the user's devices connected here. */
  refreshUser(userId: string): Promise<void>;
  /** The device is gone (removed, or its user deleted): its streams here end. */
  deviceGone(deviceId: string): void;
  /** Devices with a stream open here. */
  onlineDevices(): string[];
  isOnline(deviceId: string): boolean;
}

interface Chain {
  tail: Promise<void>;
  /** A refresh queued behind the running one, not started yet: new asks join it. */
  queued: Promise<void> | undefined;
}

export class FanOut {
  private readonly chains = new Map<string, Chain>();
  /** Counts deliveries, so a stream being opened can tell whether it may have missed one. */
  generation = 0;

  constructor(
    private readonly store: Store,
    private readonly target: FanOutTarget,
    private readonly logger: Logger,
  ) {
    store.onAnnounced((announced) => this.deliver(announced));
  }

  async deliver(announced: Announcement[]): Promise<void> {
    this.generation += 1;
    const users = new Set<string>();
    for (const what of announced) {
      if ('userId' in what) users.add(what.userId);
      else if ('deviceId' in what) {
        const owner = await this.ownerOf(what.deviceId);
        if (owner) users.add(owner);
      } else for (const deviceId of this.target.onlineDevices()) {
        const owner = await this.ownerOf(deviceId);
        if (owner) users.add(owner);
      }
    }
    await Promise.all([...users].map((userId) => this.refreshUser(userId)));
  }

  /** The device's user; a device that no longer exists is disconnected here. */
  private async ownerOf(deviceId: string): Promise<string | undefined> {
    try {
      const device = await this.store.q.deviceById(deviceId);
      if (!device) this.target.deviceGone(deviceId);
      return device?.user_id;
    } catch (error) {
      this.logger.error('could not read a changed device', { deviceId, err: { name: (error as Error).name, code: (error as { code?: string }).code } });
      return undefined;
    }
  }

  /** Refreshes the user's devices here, after any refresh of theirs already running. */
  refreshUser(userId: string): Promise<void> {
    let chain = this.chains.get(userId);
    if (!chain) this.chains.set(userId, (chain = { tail: Promise.resolve(), queued: undefined }));
    if (chain.queued) return chain.queued;
    const current = chain;
    const run = current.tail
      .then(() => {
        current.queued = undefined;
        return this.target.refreshUser(userId);
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
