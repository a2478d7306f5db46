/**
 * Every read the console makes of people, devices, changes and results, in one place:
 * when devices become machines that bind people (issue 13) or the hashes move to their
 * own table (issue 17), the console adapts here alone. Each query is paged and walks an
 * index (docs/directory.md, "The support console"; test/bench/run.ts measures them
 * against a bare indexed query). Written once for both engines, on the store's kysely.
 *
 * A device's state for the console follows its check-in answer (context.ts, answerOf):
 * a change is pending for a device while it is the person's newest, was made after the
 * device enrolled, still holds the hash for the device's platform, and the device has not
 * reported it synced.
 */
import { sql } from 'kysely';
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

export interface PendingRow {
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
  /** The keyset of the fleet's pages: (change_created_at, change_seq, device_rowid). */
  change_seq: number;
  device_rowid: number;
}

/** Where a fleet page ended: the last row's keyset. */
export interface FleetKey {
  createdAt: string;
  changeSeq: number;
  deviceRowid: number;
}

export type PersonRow = UserRow & { user_name_key: string };

/** Above every character: `term < prefix || END` closes the prefix's range (bytewise, as both engines compare these terms). */
const PREFIX_END = '\u{10FFFF}';
const PERSON = ['id', 'user_name', 'user_name_key', 'external_id', 'active', 'sync_enabled', 'profile', 'version', 'created', 'last_modified', 'resend_check'] as const;
const RESULT = ['change_id', 'outcome', 'failed_step', 'reason', 'at', 'received_at'] as const;

/** After every timestamp: all pending devices, whenever their change was made. */
const EVERY_CHANGE = '9999-12-31T23:59:59.999Z';

const PENDING_COLUMNS = sql.raw(`u.user_name, d.id AS device_id, d.device_name, d.platform, d.last_check_in, c.id AS change_id, c.created_at AS change_created_at,
  r.outcome, r.failed_step, r.reason, c.seq AS change_seq, d.rowid AS device_rowid`);
/** Oldest change first, then each change's devices in enrolment order: the keyset FleetKey pages by. */
const PENDING_ORDER = sql.raw('ORDER BY c.created_at, c.seq, d.rowid');

/**
 * The devices with a change pending made before `before`: from the changes that still
 * hold a hash — the rows of change_hashes, few: a change's hashes go once its devices
 * synced, and only the person's newest holds any, since a new change erases the
 * previous one's in its transaction (store-queries.ts, addChange) — to the devices it
 * was made for that are on and have not reported it synced. CROSS JOIN: SQLite then
 * starts from change_hashes and never reorders; PostgreSQL plans it as the inner join
 * it is. The sort is over those few rows.
 */
function pendingFrom(before: string) {
  return sql`FROM change_hashes h
    CROSS JOIN changes c
    CROSS JOIN users u
    CROSS JOIN devices d
    LEFT JOIN results r ON r.seq = (SELECT MAX(r2.seq) FROM results r2 WHERE r2.device_id = d.id AND r2.change_id = c.id)
    WHERE c.id = h.change_id AND c.created_at < ${before}
      AND u.id = c.user_id AND d.user_id = c.user_id AND d.min_change_seq < c.seq
      AND u.active = 1 AND u.sync_enabled = 1 AND d.sync_enabled = 1
      AND ((d.platform = 'linux' AND h.sha512crypt IS NOT NULL) OR (d.platform <> 'linux' AND h.pbkdf2 IS NOT NULL))
      AND (r.outcome IS NULL OR r.outcome <> 'synced')`;
}

export type DeviceReads = ReturnType<typeof deviceReads>;

export function deviceReads(ctx: DirectoryContext) {
  const { q } = ctx.store;
  // The store's query layer, outside transactions (these are reads).
  const db = q.db.withTables<{ person_search: { term: string; user_id: string } }>();

  async function facts(device: DeviceRow, user: UserRow): Promise<DeviceFacts> {
    const base = { device, online: ctx.hub.isOnline(device.id), lastCheckIn: ctx.lastCheckIn(device) };
    const on = user.active === 1 && user.sync_enabled === 1 && device.sync_enabled === 1;
    const latest = await q.changeForDevice(user.id, device.min_change_seq);
    const pending = latest && latest[PLATFORM_HASH[device.platform]] ? latest : undefined;
    const forPending = pending ? await resultFor(device.id, pending.id) : undefined;
    if (pending && forPending?.outcome === 'synced') return { ...base, state: on ? 'synced' : 'off', pending: undefined, result: forPending };
    if (!on) return { ...base, state: 'off', pending: undefined, result: forPending ?? (await lastResult(device.id)) };
    if (!pending) return { ...base, state: 'synced', pending: undefined, result: await lastResult(device.id) };
    return { ...base, state: forPending?.outcome === 'failed' ? 'failed' : 'waiting', pending, result: forPending };
  }

  const resultFor = (deviceId: string, changeId: string) =>
    db.selectFrom('results').select(RESULT).where('device_id', '=', deviceId).where('change_id', '=', changeId).orderBy('seq', 'desc').limit(1).executeTakeFirst() as Promise<ResultWithReason | undefined>;
  const lastResult = (deviceId: string) => db.selectFrom('results').select(RESULT).where('device_id', '=', deviceId).orderBy('seq', 'desc').limit(1).executeTakeFirst() as Promise<ResultWithReason | undefined>;
  const count = async (query: { executeTakeFirstOrThrow(): Promise<{ n: unknown }> }) => Number((await query.executeTakeFirstOrThrow()).n);

  return {
    userByName: (userName: string) => q.userByName(userName.toLowerCase()),
    userById: (id: string) => q.userById(id),
    device: (id: string) => q.deviceById(id),

    /** People in userName order after `afterKey`; with a prefix, those with a userName, name or email starting with it. */
    people(prefix: string, afterKey: string, limit: number): Promise<PersonRow[]> {
      const term = prefix.toLowerCase();
      let query = db.selectFrom('users as u').select(PERSON.map((c) => `u.${c}` as const)).where('u.user_name_key', '>', afterKey);
      if (term !== '') {
        query = query.where(({ exists, selectFrom }) =>
          exists(selectFrom('person_search as s').select('s.user_id').whereRef('s.user_id', '=', 'u.id').where('s.term', '>=', term).where('s.term', '<', term + PREFIX_END)),
        );
      }
      return query.orderBy('u.user_name_key').limit(limit).execute() as Promise<PersonRow[]>;
    },

    deviceCount: (userId: string) => count(db.selectFrom('devices').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId)),

    async devicesOf(user: UserRow): Promise<DeviceFacts[]> {
      return Promise.all((await q.devicesOfUser(user.id)).map((d) => facts(d, user)));
    },

    recentChanges: (userId: string, limit: number) =>
      db.selectFrom('changes').select(['id', 'created_at', 'provider']).where('user_id', '=', userId).orderBy('seq', 'desc').limit(limit).execute(),

    recentResults: (userId: string, limit: number) =>
      db
        .selectFrom('devices as d')
        .innerJoin('results as r', 'r.device_id', 'd.id')
        .select(['r.device_id', 'd.device_name', 'r.change_id', 'r.outcome', 'r.failed_step', 'r.reason', 'r.at', 'r.received_at'])
        .where('d.user_id', '=', userId)
        .orderBy('r.seq', 'desc')
        .limit(limit)
        .execute() as Promise<HistoryResultRow[]>,

    /** All devices, and those off (the device's sync, or its person's: inactive or sync off), through partial indexes. */
    async fleetCounts(): Promise<{ devices: number; off: number }> {
      // Literals, not parameters: a partial index is used only where the query says what its WHERE says.
      const n = async (query: ReturnType<typeof sql<{ n: unknown }>>) => Number((await query.execute(db)).rows[0]?.n ?? 0);
      const [devices, devicesOff, ofPeopleOff] = await Promise.all([
        n(sql`SELECT COUNT(*) AS n FROM devices`),
        n(sql`SELECT COUNT(*) AS n FROM devices WHERE sync_enabled = 0`),
        n(sql`SELECT COUNT(*) AS n FROM users u CROSS JOIN devices d WHERE (u.active = 0 OR u.sync_enabled = 0) AND d.user_id = u.id AND d.sync_enabled = 1`),
      ]);
      return { devices, off: devicesOff + ofPeopleOff };
    },

    /** How many devices have a change pending, and how many of those last reported it failed: counted in the database. */
    async pendingCounts(): Promise<{ waiting: number; failed: number }> {
      const rows = await sql<{ n: unknown; failed: unknown }>`SELECT COUNT(*) AS n, SUM(CASE WHEN r.outcome = 'failed' THEN 1 ELSE 0 END) AS failed ${pendingFrom(EVERY_CHANGE)}`.execute(db);
      const n = Number(rows.rows[0]?.n ?? 0);
      const failed = Number(rows.rows[0]?.failed ?? 0);
      return { waiting: n - failed, failed };
    },

    /**
     * Devices with a change pending that was made before `before`, oldest change first,
     * after the keyset `after` (the last row of the previous page): a page walks the index.
     */
    async pendingPage(before: string, after: FleetKey | undefined, limit: number): Promise<PendingRow[]> {
      const keyset = after
        ? sql`AND (c.created_at > ${after.createdAt} OR (c.created_at = ${after.createdAt} AND (c.seq > ${after.changeSeq} OR (c.seq = ${after.changeSeq} AND d.rowid > ${after.deviceRowid}))))`
        : sql``;
      const rows = await sql<PendingRow>`SELECT ${PENDING_COLUMNS} ${pendingFrom(before)} ${keyset} ${PENDING_ORDER} LIMIT ${limit}`.execute(db);
      return rows.rows;
    },

    /** Every device with a change pending that was made before `before`, oldest first (the CSV export). */
    async pendingBefore(before: string): Promise<PendingRow[]> {
      const rows = await sql<PendingRow>`SELECT ${PENDING_COLUMNS} ${pendingFrom(before)} ${PENDING_ORDER}`.execute(db);
      return rows.rows;
    },
  };
}
