/**
 * Every read the console makes of people, devices, changes and results, in one place:
 * when devices become machines that bind people (issue 13) or the store moves behind
 * its async engines (issue 17), the console adapts here alone. Each query is paged and
 * walks an index (docs/directory.md, "The support console"; test/bench/run.ts measures
 * them against a bare indexed query).
 *
 * A device's state for the console follows the check-in answer (context.ts,
 * answerFor): a change is pending for a device while it is the person's newest, was made
 * after the device enrolled, still holds the hash for the device's platform, and the
 * device has not reported it synced.
 */
import { PLATFORM_HASH } from '@pwsync/device-api';
import type { DeviceState } from '@pwsync/console-contract';
import type { DirectoryContext } from '../context';
import type { ChangeRow, DeviceRow, UserRow } from '../store';

export interface ResultWithReason {
  change_id: string;
  outcome: 'synced' | 'failed';
  failed_step: string | null;
  reason: string | null;
  at: string;
  received_at: string | null;
}

export interface DeviceFacts {
  device: DeviceRow;
  state: DeviceState;
  online: boolean;
  lastCheckIn: string | null;
  /** The change pending for this device, if any. */
  pending: ChangeRow | undefined;
  /** Its newest result for the pending change, or with none pending its newest result. */
  result: ResultWithReason | undefined;
}

export interface HistoryResultRow extends ResultWithReason {
  device_id: string;
  device_name: string;
}

export interface StaleRow {
  user_name: string;
  device_id: string;
  device_name: string;
  platform: DeviceRow['platform'];
  last_check_in: string | null;
  change_id: string;
  change_created_at: string;
  outcome: string | null;
  failed_step: string | null;
  reason: string | null;
}

const PERSON_SEARCH_END = '\u{10FFFF}';

export type DeviceReads = ReturnType<typeof deviceReads>;

export function deviceReads(ctx: DirectoryContext) {
  const { db, q } = ctx.store;
  const s = {
    peopleAll: db.prepare<[string, number], UserRow>('SELECT * FROM users WHERE user_name_key > ? ORDER BY user_name_key LIMIT ?'),
    // The people with a search term starting with the prefix, in userName order, after the cursor.
    peopleMatching: db.prepare<[string, string, string, number], UserRow>(
      `SELECT u.* FROM users u WHERE u.user_name_key > ?
       AND EXISTS (SELECT 1 FROM person_search s WHERE s.user_id = u.id AND s.term >= ? AND s.term < ?)
       ORDER BY u.user_name_key LIMIT ?`,
    ),
    peopleMatchingIds: db.prepare<[string, string], { user_id: string }>('SELECT DISTINCT user_id FROM person_search WHERE term >= ? AND term < ? LIMIT 2001'),
    deviceCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM devices WHERE user_id = ?'),
    resultFor: db.prepare<[string, string], ResultWithReason>(
      'SELECT change_id, outcome, failed_step, reason, at, received_at FROM results WHERE device_id = ? AND change_id = ? ORDER BY seq DESC LIMIT 1',
    ),
    lastResult: db.prepare<[string], ResultWithReason>('SELECT change_id, outcome, failed_step, reason, at, received_at FROM results WHERE device_id = ? ORDER BY seq DESC LIMIT 1'),
    recentChanges: db.prepare<[string, number], ChangeRow>('SELECT * FROM changes WHERE user_id = ? ORDER BY seq DESC LIMIT ?'),
    recentResults: db.prepare<[string, number], HistoryResultRow>(
      `SELECT r.device_id, d.device_name, r.change_id, r.outcome, r.failed_step, r.reason, r.at, r.received_at
       FROM devices d JOIN results r ON r.device_id = d.id WHERE d.user_id = ? ORDER BY r.seq DESC LIMIT ?`,
    ),
    deviceTotal: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM devices'),
    devicesOffCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM devices WHERE sync_enabled = 0'),
    // Devices still on whose person is off (inactive or sync off): through the partial index of people off.
    devicesOfPeopleOffCount: db.prepare<[], { n: number }>(
      'SELECT COUNT(*) AS n FROM users u INDEXED BY users_off JOIN devices d ON d.user_id = u.id WHERE (u.active = 0 OR u.sync_enabled = 0) AND d.sync_enabled = 1',
    ),
    // Every device with a change pending, through the changes that still hold a hash (few: a change's hashes go once its devices synced).
    pending: db.prepare<[string], StaleRow>(
      `SELECT u.user_name, d.id AS device_id, d.device_name, d.platform, d.last_check_in, c.id AS change_id, c.created_at AS change_created_at,
              r.outcome, r.failed_step, r.reason
       FROM changes c INDEXED BY changes_open
       JOIN users u ON u.id = c.user_id
       JOIN devices d ON d.user_id = c.user_id AND d.min_change_seq < c.seq
       LEFT JOIN results r ON r.seq = (SELECT MAX(seq) FROM results WHERE device_id = d.id AND change_id = c.id)
       WHERE (c.sha512crypt IS NOT NULL OR c.pbkdf2 IS NOT NULL) AND c.created_at < ?
         AND c.seq = (SELECT MAX(seq) FROM changes WHERE user_id = c.user_id)
         AND u.active = 1 AND u.sync_enabled = 1 AND d.sync_enabled = 1
         AND ((d.platform = 'linux' AND c.sha512crypt IS NOT NULL) OR (d.platform <> 'linux' AND c.pbkdf2 IS NOT NULL))
         AND (r.outcome IS NULL OR r.outcome <> 'synced')
       ORDER BY c.created_at, d.id`,
    ),
  };

  function facts(device: DeviceRow, user: UserRow): DeviceFacts {
    const base = { device, online: ctx.hub.isOnline(device.id), lastCheckIn: ctx.lastCheckIn(device) };
    const on = user.active === 1 && user.sync_enabled === 1 && device.sync_enabled === 1;
    const latest = q.changeForDevice.get(user.id, device.min_change_seq);
    const pending = latest && latest[PLATFORM_HASH[device.platform]] ? latest : undefined;
    const forPending = pending && s.resultFor.get(device.id, pending.id);
    if (pending && forPending?.outcome === 'synced') return { ...base, state: on ? 'synced' : 'off', pending: undefined, result: forPending };
    if (!on) return { ...base, state: 'off', pending: undefined, result: forPending ?? s.lastResult.get(device.id) };
    if (!pending) return { ...base, state: 'synced', pending: undefined, result: s.lastResult.get(device.id) };
    return { ...base, state: forPending?.outcome === 'failed' ? 'failed' : 'waiting', pending, result: forPending };
  }

  return {
    userByName: (userName: string) => q.userByName.get(userName.toLowerCase()),
    userById: (id: string) => q.userById.get(id),
    device: (id: string) => q.deviceById.get(id),
    /** People in userName order after `afterKey`; with a prefix, those with a userName, name or email starting with it. */
    people(prefix: string, afterKey: string, limit: number): UserRow[] {
      const term = prefix.toLowerCase();
      if (term === '') return s.peopleAll.all(afterKey, limit);
      return s.peopleMatching.all(afterKey, term, term + PERSON_SEARCH_END, limit);
    },
    deviceCount: (userId: string) => s.deviceCount.get(userId)!.n,
    devicesOf: (user: UserRow): DeviceFacts[] => q.devicesOfUser.all(user.id).map((d) => facts(d, user)),
    recentChanges: (userId: string, limit: number) => s.recentChanges.all(userId, limit),
    recentResults: (userId: string, limit: number) => s.recentResults.all(userId, limit),
    /** Counts of the whole fleet: all devices, those off, and every pending one (split waiting / failed by the caller). */
    fleetCounts() {
      return {
        devices: s.deviceTotal.get()!.n,
        off: s.devicesOffCount.get()!.n + s.devicesOfPeopleOffCount.get()!.n,
      };
    },
    /** Devices with a change pending made before `before`, oldest change first. */
    pendingBefore: (before: string): IterableIterator<StaleRow> => s.pending.iterate(before),
  };
}
