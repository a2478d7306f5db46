/**
 * What the console shows, built from device-reads.ts: the people found as one types, a
 * person's page (their devices' state, the pending change, the history, the
 * walkthrough), and the fleet view with its CSV. Shapes are the contract's.
 */
import {
  type DeviceView,
  FLEET_CSV_COLUMNS,
  type FleetDevice,
  type FleetPage,
  type HistoryEntry,
  type PeoplePage,
  type PersonPage,
  type PersonSummary,
  type SyncStep,
  pickSituation,
} from '@pwsync/console-contract';
import type { DirectoryContext } from '../context';
import type { UserRow } from '../store';
import type { AuditLog } from './audit';
import { csvRow } from './csv';
import type { DeviceFacts, DeviceReads, FleetKey, PendingRow, PersonRow } from './device-reads';

const HISTORY = 50;

interface Profile {
  displayName?: string;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  emails?: Array<{ value?: string; primary?: boolean }>;
}

function profileOf(user: UserRow): Profile {
  try {
    return JSON.parse(user.profile) as Profile;
  } catch {
    return {};
  }
}

export function nameOf(user: UserRow): string | null {
  const p = profileOf(user);
  const parts = [p.name?.givenName, p.name?.familyName].filter(Boolean).join(' ');
  return p.displayName || p.name?.formatted || parts || null;
}

export function emailOf(user: UserRow): string | null {
  const emails = profileOf(user).emails ?? [];
  return (emails.find((e) => e.primary) ?? emails[0])?.value ?? null;
}

/** A cursor is the last userName key shown, opaque to the page. */
const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
const decodeCursor = (cursor: string | undefined) => (cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : '');

export async function findPeople(reads: DeviceReads, q: string, cursor: string | undefined, limit: number): Promise<PeoplePage> {
  const rows: PersonRow[] = await reads.people(q.trim(), decodeCursor(cursor), limit + 1);
  const shown = rows.slice(0, limit);
  const people: PersonSummary[] = await Promise.all(
    shown.map(async (u) => ({
      userName: u.user_name,
      name: nameOf(u),
      email: emailOf(u),
      active: u.active === 1,
      syncEnabled: u.sync_enabled === 1,
      devices: await reads.deviceCount(u.id),
    })),
  );
  return { people, next: rows.length > limit ? encodeCursor(shown[shown.length - 1]!.user_name_key) : null };
}

function deviceView(f: DeviceFacts): DeviceView {
  return {
    deviceId: f.device.id,
    deviceName: f.device.device_name,
    platform: f.device.platform,
    syncEnabled: f.device.sync_enabled === 1,
    online: f.online,
    lastCheckIn: f.lastCheckIn,
    enrolledAt: f.device.created_at,
    state: f.state,
    result: f.result
      ? {
          changeId: f.result.change_id,
          outcome: f.result.outcome,
          failedStep: f.result.failed_step as SyncStep | null,
          reason: f.result.reason,
          at: f.result.at,
          receivedAt: f.result.received_at,
        }
      : null,
  };
}

export async function personPage(ctx: DirectoryContext, reads: DeviceReads, audit: AuditLog, user: UserRow): Promise<PersonPage> {
  const now = ctx.now();
  const [facts, changes, results] = await Promise.all([reads.devicesOf(user), reads.recentChanges(user.id, 10), reads.recentResults(user.id, HISTORY)]);
  const devices = facts.map(deviceView);
  const pending = facts.find((f) => f.pending)?.pending;
  const history: HistoryEntry[] = [
    ...changes.map((c): HistoryEntry => ({ kind: 'change', at: c.created_at, changeId: c.id, provider: c.provider })),
    ...results.map(
      (r): HistoryEntry => ({
        kind: 'result',
        at: r.received_at ?? r.at,
        deviceId: r.device_id,
        deviceName: r.device_name,
        changeId: r.change_id,
        outcome: r.outcome,
        failedStep: r.failed_step as SyncStep | null,
        reason: r.reason,
      }),
    ),
    ...(await audit.ofTargets([user.user_name, ...devices.map((d) => d.deviceId)], 20)).map(
      (e): HistoryEntry => ({ kind: 'console', at: e.at, action: e.action, actor: e.actor.name, deviceId: e.target !== user.user_name ? e.target : null }),
    ),
  ]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, HISTORY);
  return {
    person: { userName: user.user_name, name: nameOf(user), email: emailOf(user), active: user.active === 1, syncEnabled: user.sync_enabled === 1 },
    pendingChange: pending
      ? { changeId: pending.id, createdAt: pending.created_at, provider: pending.provider, ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(pending.created_at)) / 1000)) }
      : null,
    devices,
    history,
    situation: pickSituation(devices),
    serverTime: now.toISOString(),
  };
}

function fleetDevice(ctx: DirectoryContext, row: PendingRow): FleetDevice {
  return {
    userName: row.user_name,
    deviceId: row.device_id,
    deviceName: row.device_name,
    platform: row.platform,
    online: ctx.hub.isOnline(row.device_id),
    lastCheckIn: ctx.lastCheckIn({ id: row.device_id, last_check_in: row.last_check_in }),
    state: row.outcome === 'failed' ? 'failed' : 'waiting',
    changeId: row.change_id,
    changeCreatedAt: row.change_created_at,
    failedStep: row.outcome === 'failed' ? (row.failed_step as SyncStep | null) : null,
    reason: row.outcome === 'failed' ? row.reason : null,
  };
}

const fleetCursor = (row: PendingRow) => Buffer.from(JSON.stringify([row.change_created_at, Number(row.change_seq), Number(row.device_rowid)]), 'utf8').toString('base64url');

function readFleetCursor(cursor: string | undefined): FleetKey | undefined {
  if (!cursor) return undefined;
  try {
    const [createdAt, changeSeq, deviceRowid] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt === 'string' && Number.isSafeInteger(changeSeq) && Number.isSafeInteger(deviceRowid)) return { createdAt, changeSeq: changeSeq as number, deviceRowid: deviceRowid as number };
  } catch {
    // an unreadable cursor starts from the beginning
  }
  return undefined;
}

/**
 * The fleet's counts, read at most every few seconds per instance: they cost a read of
 * each device with a change pending (test/bench/console-bench.ts measures how much), and
 * several people watching the fleet should not each pay it. A page's rows are always fresh.
 */
export class FleetCounts {
  private last: { at: number; value: Promise<{ waiting: number; failed: number; devices: number; off: number }> } | undefined;
  constructor(
    private readonly reads: DeviceReads,
    private readonly now: () => number,
    readonly maxAgeMs = 5_000,
  ) {}

  get(): Promise<{ waiting: number; failed: number; devices: number; off: number }> {
    const now = this.now();
    if (!this.last || now - this.last.at >= this.maxAgeMs || now < this.last.at) {
      const value = Promise.all([this.reads.pendingCounts(), this.reads.fleetCounts()]).then(([pending, all]) => ({ ...pending, ...all }));
      this.last = { at: now, value };
      value.catch(() => (this.last = undefined));
    }
    return this.last.value;
  }
}

/**
 * The fleet: counts by state over every device, and the page of devices whose pending
 * change is older than `staleHours`, oldest first, a page at a time (a keyset over the
 * changes that still hold a hash).
 */
export async function fleetPage(ctx: DirectoryContext, reads: DeviceReads, counts: FleetCounts, staleHours: number, cursor: string | undefined, limit: number): Promise<FleetPage> {
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - staleHours * 3600_000).toISOString();
  const [rows, { waiting, failed, devices, off }] = await Promise.all([reads.pendingPage(cutoff, readFleetCursor(cursor), limit + 1), counts.get()]);
  const shown = rows.slice(0, limit);
  return {
    counts: { devices, online: ctx.hub.onlineCount(), synced: Math.max(0, devices - off - waiting - failed), waiting, failed, off },
    staleHours,
    stale: shown.map((row) => fleetDevice(ctx, row)),
    next: rows.length > limit ? fleetCursor(shown[shown.length - 1]!) : null,
    serverTime: now.toISOString(),
  };
}

/** Every stale device the fleet view lists for this staleHours, as CSV rows. */
export async function* fleetCsv(ctx: DirectoryContext, reads: DeviceReads, staleHours: number): AsyncGenerator<string> {
  const now = ctx.now();
  const cutoff = new Date(now.getTime() - staleHours * 3600_000).toISOString();
  const rows = await reads.pendingBefore(cutoff);
  yield csvRow(FLEET_CSV_COLUMNS);
  for (const row of rows) {
    const d = fleetDevice(ctx, row);
    yield csvRow(FLEET_CSV_COLUMNS.map((c) => d[c]));
  }
}
