/**
 * Every query the directory makes, named, on kysely (the one query layer over both
 * engines). A Queries runs either on the store itself (each statement on its own) or
 * inside one transaction (`store.transaction(async (tx) => …)`, where `tx` is a
 * Queries bound to it). To add a query: a method here, written with kysely's builder
 * against store-tables.ts; `this.db` is there for one-off queries too.
 */
import { type Kysely, sql } from 'kysely';
import { type ChangeHashes, PLATFORM_HASH } from '@pwsync/device-api';
import type { Engine } from './migrations/migration';
import type { ChangeRow, DeviceRow, EnrolmentCodeRow, ResultRow, Tables, UserRow } from './store-tables';
import { randomId } from './store-ids';

const USER = ['id', 'user_name', 'external_id', 'active', 'sync_enabled', 'profile', 'version', 'created', 'last_modified', 'resend_check'] as const;
const CHANGE = ['c.seq', 'c.id', 'c.user_id', 'c.created_at', 'c.provider', 'h.sha512crypt', 'h.pbkdf2'] as const;
const DEVICE = ['id', 'user_id', 'device_name', 'platform', 'sync_enabled', 'last_check_in', 'created_at', 'min_change_seq'] as const;
const CODE = ['id', 'user_id', 'label', 'uses_total', 'uses_left', 'expires_at', 'created_at', 'revoked_at'] as const;

/**
 * What a committed write tells the devices about: a user's or one device's answer may
 * have changed (a device that is gone is disconnected). `everyone`: any answer may have.
 */
export type Announcement = { userId: string } | { deviceId: string } | { everyone: true };

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

export class Queries {
  constructor(
    readonly db: Kysely<Tables>,
    readonly engine: Engine,
    /** Inside a transaction: records what it tells devices about, delivered once it commits. */
    private readonly announced?: Announcement[],
  ) {}

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

  async insertDevice(device: Omit<DeviceRow, 'sync_enabled' | 'last_check_in'> & { token_hash: Buffer; enrolment_code_id: string }): Promise<void> {
    await this.db.insertInto('devices').values({ ...device, sync_enabled: 1 }).execute();
  }

  deviceByToken(tokenHash: Buffer): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').select(DEVICE).where('token_hash', '=', tokenHash).executeTakeFirst();
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

  async checkedIn(id: string, at: string): Promise<void> {
    await this.db.updateTable('devices').set({ last_check_in: at }).where('id', '=', id).execute();
  }

  async synced(deviceId: string, changeId: string): Promise<boolean> {
    const row = await this.db.selectFrom('results').select('seq').where('device_id', '=', deviceId).where('change_id', '=', changeId).where('outcome', '=', 'synced').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  lastResult(deviceId: string): Promise<ResultRow | undefined> {
    return this.db.selectFrom('results').select(['change_id', 'outcome', 'failed_step', 'at', 'received_at']).where('device_id', '=', deviceId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
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
