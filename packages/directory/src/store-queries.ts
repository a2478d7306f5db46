/**
 * Every query the directory makes, named, on kysely (the one query layer over both
 * engines). A Queries runs either on the store itself (each statement on its own) or
 * inside one transaction (`store.transaction(async (tx) => …)`, where `tx` is a
 * Queries bound to it). To add a query: a method here, written with kysely's builder
 * against store-tables.ts; `this.db` is there for one-off queries too.
 */
import { type Compilable, type CompiledQuery, type Kysely, sql } from 'kysely';
import { type ChangeHashes, PLATFORM_HASH } from '@pwsync/device-api';
import type { Engine } from './migrations/migration';
import type { ChangeRow, DeviceRow, EnrolmentCodeRow, MachineRow, ResultRow, Tables, UserRow } from './store-tables';
import { randomId } from './store-ids';

const USER = ['id', 'user_name', 'external_id', 'active', 'sync_enabled', 'profile', 'version', 'created', 'last_modified', 'resend_check'] as const;
const CHANGE = ['c.seq', 'c.id', 'c.user_id', 'c.created_at', 'c.provider', 'h.sha512crypt', 'h.pbkdf2'] as const;
const DEVICE = ['id', 'user_id', 'device_name', 'platform', 'sync_enabled', 'last_check_in', 'created_at', 'min_change_seq', 'machine_id', 'local_account'] as const;
const MACHINE = ['id', 'machine_name', 'platform', 'scope_user_id', 'enrolment_code_id', 'created_at', 'last_seen'] as const;
/** A device's state in one row: the device, its user (u_), the user's newest change (c_) with its hashes, and whether this device reported it synced. */
const STATE = [
  ...DEVICE.map((c) => `d.${c}` as const),
  'u.user_name as u_user_name', 'u.external_id as u_external_id', 'u.active as u_active', 'u.sync_enabled as u_sync_enabled', 'u.profile as u_profile',
  'u.version as u_version', 'u.created as u_created', 'u.last_modified as u_last_modified', 'u.resend_check as u_resend_check',
  'c.seq as c_seq', 'c.id as c_id', 'c.created_at as c_created_at', 'c.provider as c_provider', 'h.sha512crypt', 'h.pbkdf2',
] as const;
const CODE = ['id', 'user_id', 'label', 'uses_total', 'uses_left', 'expires_at', 'created_at', 'revoked_at'] as const;

/**
 * What a committed write tells the devices about: a user's or one device's answer may
 * have changed (a device that is gone is disconnected). `everyone`: any answer may have.
 */
export type Announcement = { userId: string } | { deviceId: string } | { everyone: true };

/**
 * What a device's answer is made of (context.ts, answerOf), read in one round trip: the
 * device, its user, and the user's newest change (whether or not it is for this device:
 * answerOf decides) with whether this device has reported it synced.
 */
export interface DeviceState {
  device: DeviceRow;
  user: UserRow;
  newest: (ChangeRow & { synced: boolean }) | undefined;
}

export interface NewUser {
  id: string;
  user_name: string;
  user_name_key: string;
  external_id: string | null;
  active: number;
  profile: string;
  created: string;
}

export interface UserUpdate {
  id: string;
  user_name: string;
  user_name_key: string;
  external_id: string | null;
  active: number;
  profile: string;
  last_modified: string;
}

/**
 * The statements every device request runs, compiled once per engine and run again with
 * new values. Building and compiling a kysely query is pure JavaScript on the event loop,
 * and for a device's state (a join of four tables) it was a quarter of an instance's busy
 * time while 5,000 devices reconnected (profiled, test/bench/capacity-bench.ts); compiled
 * once, only the values change. A value is first a marker (`slot(i)`), which the compiled
 * statement's parameters hold in its place.
 */
const COMPILED = new Map<string, CompiledQuery>();
const SLOT = '\u0000pwsync-slot:';
const slot = <T>(i: number): T => `${SLOT}${i}` as T;

export class Queries {
  constructor(
    readonly db: Kysely<Tables>,
    readonly engine: Engine,
    /** Inside a transaction: records what it tells devices about, delivered once it commits. */
    private readonly announced?: Announcement[],
    /** Run before each statement compiled once (which skips the db's plugins): the store's check that `store.q` is not used inside a transaction. */
    private readonly guard?: () => void,
  ) {}

  /** Runs the statement `build` makes, compiled the first time only (COMPILED), with `values` in its slots. */
  private async compiledOnce<Row>(key: string, build: (s: typeof slot) => Compilable<Row>, values: unknown[]): Promise<Row[]> {
    this.guard?.();
    const id = `${this.engine}:${key}`;
    let query = COMPILED.get(id) as CompiledQuery<Row> | undefined;
    if (!query) COMPILED.set(id, (query = build(slot).compile()));
    const parameters = query.parameters.map((p) => (typeof p === 'string' && p.startsWith(SLOT) ? values[Number(p.slice(SLOT.length))] : p));
    return (await this.db.executeQuery<Row>({ ...query, parameters })).rows;
  }

  /**
   * Tells every instance, once this transaction commits, that the answers of a user's
   * devices (or of one device) may have changed. Outside a transaction it is an error:
   * an announcement must commit or roll back with the write it is about.
   */
  announce(what: Announcement): void {
    if (!this.announced) throw new Error('announce() belongs inside store.transaction()');
    this.announced.push(what);
  }

  userById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').select(USER).where('id', '=', id).executeTakeFirst();
  }

  userByName(key: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').select(USER).where('user_name_key', '=', key).executeTakeFirst();
  }

  usersByExternalId(externalId: string): Promise<UserRow[]> {
    return this.db.selectFrom('users').select(USER).where('external_id', '=', externalId).orderBy('rowid').execute();
  }

  usersPage(limit: number, offset: number): Promise<UserRow[]> {
    return this.db.selectFrom('users').select(USER).orderBy('rowid').limit(limit).offset(offset).execute();
  }

  async userCount(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertUser(user: NewUser): Promise<void> {
    await this.db.insertInto('users').values({ ...user, sync_enabled: 1, version: 1, last_modified: user.created }).execute();
  }

  async updateUser(user: UserUpdate): Promise<void> {
    const { id, ...values } = user;
    await this.db
      .updateTable('users')
      .set({ ...values, version: (eb) => eb('version', '+', 1) })
      .where('id', '=', id)
      .execute();
  }

  async setResendCheck(userId: string, check: string): Promise<void> {
    await this.db.updateTable('users').set({ resend_check: check }).where('id', '=', userId).execute();
  }

  async setUserSync(userId: string, on: boolean): Promise<void> {
    await this.db.updateTable('users').set({ sync_enabled: on ? 1 : 0 }).where('id', '=', userId).execute();
  }

  async deleteUser(userId: string): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', userId).execute();
  }

  /** Changes with their hashes, where a device still needs one. */
  private changes() {
    return this.db.selectFrom('changes as c').leftJoin('change_hashes as h', 'h.change_id', 'c.id').select(CHANGE);
  }

  latestChange(userId: string): Promise<ChangeRow | undefined> {
    return this.changes().where('c.user_id', '=', userId).orderBy('c.seq', 'desc').limit(1).executeTakeFirst();
  }

  /** The user's newest change, if it was made after the device enrolled. */
  changeForDevice(userId: string, minSeq: number): Promise<ChangeRow | undefined> {
    return this.changes().where('c.user_id', '=', userId).where('c.seq', '>', minSeq).orderBy('c.seq', 'desc').limit(1).executeTakeFirst();
  }

  changeById(id: string): Promise<ChangeRow | undefined> {
    return this.changes().where('c.id', '=', id).executeTakeFirst();
  }

  async newestChangeSeq(): Promise<number> {
    const row = await this.db.selectFrom('changes').select((eb) => eb.fn.coalesce(eb.fn.max('seq'), sql<number>`0`).as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A new change supersedes the pending one: its hashes are erased in the same transaction. */
  async addChange(userId: string, provider: string, hashes: Partial<ChangeHashes>, createdAt: string): Promise<string> {
    const id = randomId('chg');
    await this.db
      .deleteFrom('change_hashes')
      .where('change_id', 'in', (eb) => eb.selectFrom('changes').select('id').where('user_id', '=', userId))
      .execute();
    await this.db.insertInto('changes').values({ id, user_id: userId, created_at: createdAt, provider }).execute();
    if (hashes.sha512crypt || hashes.pbkdf2) {
      await this.db
        .insertInto('change_hashes')
        .values({ change_id: id, sha512crypt: hashes.sha512crypt ?? null, pbkdf2: hashes.pbkdf2 ?? null })
        .execute();
    }
    return id;
  }

  /**
   * Erases each of the change's hashes that no device still needs: the crypt hash once
   * every Linux device it was made for has reported it synced, PBKDF2 once every Mac
   * and Windows computer has. True if it erased one.
   */
  async eraseUnneededHashes(change: ChangeRow): Promise<boolean> {
    const awaiting = await this.db
      .selectFrom('devices as d')
      .select('d.platform')
      .distinct()
      .where('d.user_id', '=', change.user_id)
      .where('d.min_change_seq', '<', change.seq)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('results as r').select('r.seq').whereRef('r.device_id', '=', 'd.id').where('r.change_id', '=', change.id).where('r.outcome', '=', 'synced'))),
      )
      .execute();
    const needed = new Set(awaiting.map((d) => PLATFORM_HASH[d.platform]));
    let erased = 0n;
    const hashes = this.db.updateTable('change_hashes').where('change_id', '=', change.id);
    if (!needed.has('sha512crypt')) erased += (await hashes.set({ sha512crypt: null }).where('sha512crypt', 'is not', null).executeTakeFirst()).numUpdatedRows;
    if (!needed.has('pbkdf2')) erased += (await hashes.set({ pbkdf2: null }).where('pbkdf2', 'is not', null).executeTakeFirst()).numUpdatedRows;
    // A row with no hash left goes: the table holds only hashes still needed.
    await this.db.deleteFrom('change_hashes').where('change_id', '=', change.id).where('sha512crypt', 'is', null).where('pbkdf2', 'is', null).execute();
    return erased > 0n;
  }

  /** Erases the hashes of every change made before `cutoff`; the users whose changes they were. */
  async eraseHashesBefore(cutoff: string): Promise<string[]> {
    const expired = await this.db
      .selectFrom('change_hashes as h')
      .innerJoin('changes as c', 'c.id', 'h.change_id')
      .select('c.user_id')
      .where('c.created_at', '<', cutoff)
      .execute();
    if (expired.length === 0) return [];
    await this.db
      .deleteFrom('change_hashes')
      .where('change_id', 'in', (eb) => eb.selectFrom('changes').select('id').where('created_at', '<', cutoff))
      .execute();
    return expired.map((e) => e.user_id);
  }

  async insertDevice(device: Omit<DeviceRow, 'sync_enabled' | 'last_check_in' | 'machine_id' | 'local_account'> & { token_hash: Buffer; enrolment_code_id: string | null; machine_id?: string; local_account?: string }): Promise<void> {
    await this.db.insertInto('devices').values({ machine_id: null, local_account: null, ...device, sync_enabled: 1 }).execute();
  }

  async setDeviceToken(id: string, tokenHash: Buffer): Promise<void> {
    await this.db.updateTable('devices').set({ token_hash: tokenHash }).where('id', '=', id).execute();
  }

  async insertMachine(machine: Omit<MachineRow, 'last_seen'> & { token_hash: Buffer }): Promise<void> {
    await this.db.insertInto('machines').values({ ...machine, last_seen: null }).execute();
  }

  machineByToken(tokenHash: Buffer): Promise<MachineRow | undefined> {
    return this.db.selectFrom('machines').select(MACHINE).where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  machineById(id: string): Promise<MachineRow | undefined> {
    return this.db.selectFrom('machines').select(MACHINE).where('id', '=', id).executeTakeFirst();
  }

  /** In enrolment order, ten thousand at most. */
  machines(): Promise<MachineRow[]> {
    return this.db.selectFrom('machines').select(MACHINE).orderBy('rowid').limit(10_000).execute();
  }

  async machineSeen(id: string, at: string): Promise<void> {
    await this.db.updateTable('machines').set({ last_seen: at }).where('id', '=', id).execute();
  }

  async deleteMachine(id: string): Promise<void> {
    await this.db.deleteFrom('machines').where('id', '=', id).execute();
  }

  devicesOfMachine(machineId: string): Promise<DeviceRow[]> {
    return this.db.selectFrom('devices').select(DEVICE).where('machine_id', '=', machineId).orderBy('rowid').execute();
  }

  deviceOfMachine(machineId: string, localAccount: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').select(DEVICE).where('machine_id', '=', machineId).where('local_account', '=', localAccount).executeTakeFirst();
  }

  async peopleOfMachine(machineId: string): Promise<number> {
    const row = await this.db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).where('machine_id', '=', machineId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Users whose userName is the name, or begins with it and "@" (two at most: more than one is ambiguous). */
  usersByLocalPart(key: string): Promise<UserRow[]> {
    return this.db
      .selectFrom('users')
      .select(USER)
      .where((eb) => eb.or([eb('user_name_key', '=', key), eb(eb.fn('substr', ['user_name_key', eb.val(1), eb.val(key.length + 1)]), '=', `${key}@`)]))
      .orderBy('rowid')
      .limit(2)
      .execute();
  }

  /**
   * Devices with their user and the user's newest change: a device request, a check-in
   * and a stream's hello each read this and nothing else, so each costs one round trip
   * to the database.
   */
  private deviceStates() {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .leftJoin('changes as c', (join) =>
        join.on((eb) => eb('c.id', '=', eb.selectFrom('changes as n').select('n.id').whereRef('n.user_id', '=', 'd.user_id').orderBy('n.seq', 'desc').limit(1))),
      )
      .leftJoin('change_hashes as h', 'h.change_id', 'c.id')
      .select(STATE)
      .select((eb) =>
        eb.exists(eb.selectFrom('results as r').select('r.seq').whereRef('r.device_id', '=', 'd.id').whereRef('r.change_id', '=', 'c.id').where('r.outcome', '=', 'synced')).as('synced'),
      );
  }

  private static stateOf(row: Awaited<ReturnType<ReturnType<Queries['deviceStates']>['executeTakeFirstOrThrow']>>): DeviceState {
    const { u_user_name, u_external_id, u_active, u_sync_enabled, u_profile, u_version, u_created, u_last_modified, u_resend_check, c_seq, c_id, c_created_at, c_provider, sha512crypt, pbkdf2, synced, ...device } = row;
    const user: UserRow = {
      id: device.user_id, user_name: u_user_name, external_id: u_external_id, active: u_active, sync_enabled: u_sync_enabled, profile: u_profile,
      version: u_version, created: u_created, last_modified: u_last_modified, resend_check: u_resend_check,
    };
    // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
    const newest = c_id === null || c_seq === null ? undefined : { seq: c_seq, id: c_id, user_id: device.user_id, created_at: c_created_at!, provider: c_provider!, sha512crypt, pbkdf2, synced: Boolean(synced) };
    return { device, user, newest };
  }

  /** The device whose token this is, with its state (DeviceState). */
  async deviceStateByToken(tokenHash: Buffer): Promise<DeviceState | undefined> {
    const [row] = await this.compiledOnce('deviceStateByToken', (s) => this.deviceStates().where('d.token_hash', '=', s<Buffer>(0)), [tokenHash]);
    return row && Queries.stateOf(row);
  }

  /** Each device of the user with its state, in enrolment order. */
  async deviceStatesOfUser(userId: string): Promise<DeviceState[]> {
    const rows = await this.compiledOnce('deviceStatesOfUser', (s) => this.deviceStates().where('d.user_id', '=', s<string>(0)).orderBy('d.rowid'), [userId]);
    return rows.map((row) => Queries.stateOf(row));
  }

  deviceById(id: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').select(DEVICE).where('id', '=', id).executeTakeFirst();
  }

  devicesOfUser(userId: string): Promise<DeviceRow[]> {
    return this.db.selectFrom('devices').select(DEVICE).where('user_id', '=', userId).orderBy('rowid').execute();
  }

  async platformsOfUser(userId: string): Promise<Array<DeviceRow['platform']>> {
    const rows = await this.db.selectFrom('devices').select('platform').distinct().where('user_id', '=', userId).execute();
    return rows.map((r) => r.platform);
  }

  async deleteDevice(id: string): Promise<void> {
    await this.db.deleteFrom('devices').where('id', '=', id).execute();
  }

  async setDeviceSync(id: string, on: boolean): Promise<void> {
    await this.db.updateTable('devices').set({ sync_enabled: on ? 1 : 0 }).where('id', '=', id).execute();
  }

  /**
   * Check-in times, [device id, time] each. On PostgreSQL one statement for all of them
   * (one round trip, not one per device); on SQLite, where a statement costs no round
   * trip, one each, inside the caller's transaction.
   */
  async checkedIn(times: ReadonlyArray<readonly [string, string]>): Promise<void> {
    if (times.length === 0) return;
    if (this.engine === 'postgres') {
      const ids = times.map(([id]) => id);
      const ats = times.map(([, at]) => at);
      await sql`UPDATE devices SET last_check_in = v.at FROM unnest(${ids}::text[], ${ats}::text[]) AS v(id, at) WHERE devices.id = v.id`.execute(this.db);
      return;
    }
    for (const [id, at] of times) await this.db.updateTable('devices').set({ last_check_in: at }).where('id', '=', id).execute();
  }


  lastResult(deviceId: string): Promise<ResultRow | undefined> {
    return this.db.selectFrom('results').select(['change_id', 'outcome', 'failed_step', 'reason', 'at', 'received_at']).where('device_id', '=', deviceId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  }

  /** Keeps the newest `kept` results of the device. */
  async insertResult(result: ResultRow & { device_id: string }, kept: number): Promise<void> {
    await this.db.insertInto('results').values(result).execute();
    await this.db
      .deleteFrom('results')
      .where('device_id', '=', result.device_id)
      .where('seq', 'not in', (eb) => eb.selectFrom('results').select('seq').where('device_id', '=', result.device_id).orderBy('seq', 'desc').limit(kept))
      .execute();
  }

  async insertCode(code: Omit<EnrolmentCodeRow, 'uses_left' | 'revoked_at'> & { code_hash: Buffer }): Promise<void> {
    await this.db.insertInto('enrolment_codes').values({ ...code, uses_left: code.uses_total }).execute();
  }

  codeByHash(codeHash: Buffer): Promise<EnrolmentCodeRow | undefined> {
    return this.db.selectFrom('enrolment_codes').select(CODE).where('code_hash', '=', codeHash).executeTakeFirst();
  }

  codeById(id: string): Promise<EnrolmentCodeRow | undefined> {
    return this.db.selectFrom('enrolment_codes').select(CODE).where('id', '=', id).executeTakeFirst();
  }

  /** The newest thousand, of one user or of all. */
  codes(userId?: string): Promise<EnrolmentCodeRow[]> {
    let query = this.db.selectFrom('enrolment_codes').select(CODE);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    return query.orderBy('rowid', 'desc').limit(1000).execute();
  }

  /** Takes one use of the code; false if none was left (another request took the last). */
  async useCode(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('enrolment_codes')
      .set({ uses_left: (eb) => eb('uses_left', '-', 1) })
      .where('id', '=', id)
      .where('uses_left', '>', 0)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeCode(id: string, at: string): Promise<void> {
    await this.db
      .updateTable('enrolment_codes')
      .set({ revoked_at: (eb) => eb.fn.coalesce('revoked_at', eb.val(at)) })
      .where('id', '=', id)
      .execute();
  }
}
